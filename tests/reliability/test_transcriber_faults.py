"""Live transcriber faults (Deepgram's live socket, deepgram-sdk) in both conversations: an
interview answer and a student talking in a tutor room, with the same assertions.

The user is told captions stopped and can type; final segments heard before the fault stay
in the answer; the next audio reopens the stream once the vendor answers again; no socket is
left open at the vendor.
"""

from __future__ import annotations

from typing import Any

import pytest

from interviews.models import Attempt
from tests.reliability.conftest import FAULT_LABELS, FAULTS, fault_knobs
from tests.reliability.sides import CONVERSATIONS, make_side

pytestmark = pytest.mark.django_db(transaction=True)

CHUNK = b"\x1a\x45\xdf\xa3" + b"\x00" * 400
FIRST = "I rebuilt our checkout service last"  # six words: one final
REST = "spring and the error rate fell by half."
#: The socket faults after seven audio frames: six words made a final before that.
MID_STREAM = {"reset", "malformed"}


@pytest.mark.parametrize("conversation", CONVERSATIONS)
@pytest.mark.parametrize("fault", FAULTS)
async def test_live_transcriber_fault(
    fault: str,
    conversation: str,
    fake_providers: Any,
    fast: Any,
    candidate: Any,
    bank: Any,
    driver: Any,
    ws_connect: Any,
    professor: Any,
    cell: Any,
) -> None:
    side = make_side(
        conversation, driver=driver, candidate=candidate, ws_connect=ws_connect, professor=professor
    )
    mid_stream = fault in MID_STREAM
    skipped = fault == "malformed"  # one unreadable frame is skipped; the stream goes on
    row = cell(
        area=f"transcriber live stream (deepgram), {conversation}",
        case=FAULT_LABELS[fault] + (" (after 6 words)" if mid_stream else " (at connect)"),
        persona=side.persona,
        expected=(
            "the frame is skipped, captions go on; every final saved; no vendor socket left open"
            if skipped
            else "clear 'captions stopped/unavailable, type instead' message; earlier finals "
            "and typed text saved; next audio reopens the stream; no vendor socket left open"
        ),
    )
    fake_providers.configure(fast, transcriber="deepgram")
    fast.INTERVIEW_MAX_FOLLOWUPS = 0
    knobs = fault_knobs(fault)
    if mid_stream:
        knobs["fail_after_frames"] = 7
    fake_providers.knobs(
        deepgram_live={"utterances": [f"{FIRST} {REST}", "Then we shipped it."], **knobs}
    )
    await side.open()

    heard: list[str] = []
    await side.start_talking()
    for _ in range(8):
        await side.audio(CHUNK)
    if mid_stream and (side.shows_each_final or not skipped):
        # Interview: the first final is shown once saved. Room: a line is shown at the end of
        # the utterance, and the stream's end ends it: the words heard before the fault are
        # saved as the student's line (with a skipped frame the utterance simply goes on).
        text = await side.heard()
        heard.append(text)
        assert text == FIRST
    seen = "no error; captions continued"
    if not skipped:
        # The error frame may come before the last words shown (they are sent once saved), so
        # it may already have been read while waiting for them.
        error = await side.error("transcriber_failed")
        assert "typ" in error["message"]  # the user is told they can type instead
        assert "LEAKCHECK" not in error["message"]
        seen = f"error '{error['message'][:70]}'"

    # The vendor answers again: the next audio (re)opens a stream and captions come back.
    fake_providers.knobs(deepgram_live={"fail": None})
    for _ in range(14):  # the first may still meet the dead stream
        await side.audio(CHUNK)
    heard.append(await side.heard(exclude=heard))
    await side.type("Typed while captions were down.")
    transcript = await side.saved_text()

    for text in heard:
        assert text in transcript
    assert "Typed while captions were down." in transcript
    if conversation == "interview":
        attempt = await Attempt.objects.aget(question__interview=side.interview)
        assert attempt.status == Attempt.Status.SCORED
    sockets = fake_providers.state()["open_sessions"]["deepgram"]
    row.actual = (
        f"{seen}; saved {len(heard)} final(s) + typed text; captions resumed; "
        f"vendor sockets open {sockets}"
    )
    assert sockets == 0

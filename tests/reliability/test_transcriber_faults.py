"""Live transcriber faults (Deepgram's live socket, deepgram-sdk) during an interview answer.

The candidate is told captions stopped and can type; final segments heard before the fault stay
in the answer; the next audio reopens the stream once the vendor answers again; no socket is
left open at the vendor.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from interviews.models import Attempt
from tests.interviews.conftest import create_interview
from tests.reliability.conftest import FAULT_LABELS, FAULTS, fault_knobs

pytestmark = pytest.mark.django_db(transaction=True)

CHUNK = b"\x1a\x45\xdf\xa3" + b"\x00" * 400
FIRST = "I rebuilt our checkout service last"  # six words: one final
REST = "spring and the error rate fell by half."
#: The socket faults after seven audio frames: six words made a final before that.
MID_STREAM = {"reset", "malformed"}


@pytest.mark.parametrize("fault", FAULTS)
async def test_live_transcriber_fault_during_an_answer(
    fault: str, fake_providers: Any, fast: Any, candidate: Any, bank: Any, driver: Any, cell: Any
) -> None:
    mid_stream = fault in MID_STREAM
    skipped = fault == "malformed"  # one unreadable frame is skipped; the stream goes on
    row = cell(
        area="transcriber live stream (deepgram)",
        case=FAULT_LABELS[fault] + (" (after 6 words)" if mid_stream else " (at connect)"),
        persona="candidate (interview answer)",
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
    interview = await sync_to_async(create_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    await d.send({"type": "question.next"})
    await d.ask_and_listen()

    heard: list[str] = []
    for _ in range(8):
        await d.comm.send_to(bytes_data=CHUNK)
    if mid_stream:
        final = await d.until("caption", lambda m: m["final"])
        heard.append(final["text"])
        assert final["text"] == FIRST
    seen = "no error; captions continued"
    if not skipped:
        # The error frame may come before the last final caption (finals are sent once saved,
        # by the socket's writer), so it may already have been read while waiting for the final.
        earlier = [m for m in d.seen if m["type"] == "error" and m["code"] == "transcriber_failed"]
        error = earlier[0] if earlier else await d.error("transcriber_failed")
        assert "typ" in error["message"]  # the candidate is told they can type instead
        assert "LEAKCHECK" not in error["message"]
        seen = f"error '{error['message'][:70]}'"

    # The vendor answers again: the next audio (re)opens a stream and captions come back.
    fake_providers.knobs(deepgram_live={"fail": None})
    for _ in range(14):  # the first may still meet the dead stream
        await d.comm.send_to(bytes_data=CHUNK)
    again = await d.until("caption", lambda m: m["final"] and m["text"] not in heard)
    heard.append(again["text"])
    await d.send({"type": "answer.text", "text": "Typed while captions were down."})
    await d.until("caption", lambda m: m["final"] and m["source"] == "typed")
    await d.send({"type": "answer.finish", "duration": 30})
    result = await d.until("feedback.final")
    transcript = result["attempt"]["transcript"]
    await d.close()

    for text in heard:
        assert text in transcript
    assert "Typed while captions were down." in transcript
    assert result["attempt"]["status"] == Attempt.Status.SCORED
    sockets = fake_providers.state()["open_sessions"]["deepgram"]
    row.actual = (
        f"{seen}; saved {len(heard)} final(s) + typed text; captions resumed; "
        f"vendor sockets open {sockets}"
    )
    assert sockets == 0

"""Avatar speak and interrupt faults in both conversations, with the same assertions: the user
still hears the avatar's words (the page speaks them), talking over it still stops it, their
words are saved, and the vendor holds no session once the conversation is over."""

from __future__ import annotations

from typing import Any

import pytest

from classrooms.models import RoomTranscriptLine
from tests.reliability.conftest import FAULT_LABELS, FAULTS, fault_knobs
from tests.reliability.sides import CONVERSATIONS, make_side

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("conversation", CONVERSATIONS)
@pytest.mark.parametrize("fault", FAULTS)
async def test_speak_fault_the_page_speaks_instead(
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
    row = cell(
        area=f"avatar speak (heygen), {conversation}",
        case=FAULT_LABELS[fault],
        persona=side.persona,
        expected="the words still reach the page (it speaks them); the user's words saved; "
        "vendor closed at the end",
    )
    fake_providers.configure(fast, avatar="heygen")
    fast.INTERVIEW_MAX_FOLLOWUPS = 0
    await side.open(listen=False)
    fake_providers.knobs(heygen_task=fault_knobs(fault))
    speak = await side.prompt()
    assert speak["text"]
    assert speak["task_id"].startswith("local-")  # the vendor could not: the page speaks
    assert speak["timeout"] > 0
    await side.talk_over()
    await side.type("Typed while the avatar could not speak.")
    fake_providers.knobs(heygen_task={"fail": None})
    await side.end()
    assert "Typed while the avatar could not speak." in await _saved(side)
    vendor_open = fake_providers.state()["open_sessions"]["heygen"]
    row.actual = f"speak frame to the page ({speak['task_id'][:6]}…); vendor open {vendor_open}"
    assert vendor_open == 0


@pytest.mark.parametrize("conversation", CONVERSATIONS)
@pytest.mark.parametrize("fault", FAULTS)
async def test_interrupt_fault_still_stops_the_avatar_on_the_page(
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
    row = cell(
        area=f"avatar interrupt (heygen), {conversation}",
        case=FAULT_LABELS[fault],
        persona=side.persona,
        expected="talking over the avatar still moves on (listening / tutor interrupted); "
        "the user's words saved; vendor closed at the end",
    )
    fake_providers.configure(fast, avatar="heygen")
    fast.INTERVIEW_MAX_FOLLOWUPS = 0
    await side.open(listen=False)
    speak = await side.prompt()
    assert not speak["task_id"].startswith("local-")  # the vendor speaks
    fake_providers.knobs(heygen_interrupt=fault_knobs(fault))
    before = fake_providers.state()["requests"].get("heygen.interrupt", 0)
    await side.talk_over()
    assert fake_providers.state()["requests"].get("heygen.interrupt", 0) > before
    await side.type("Said over the avatar.")
    fake_providers.knobs(heygen_interrupt={"fail": None})
    if conversation == "room":
        line = await RoomTranscriptLine.objects.filter(
            room=side.room, text=speak["text"], speaker="tutor"
        ).afirst()
        assert line is not None
        assert line.interrupted
    await side.end()
    assert "Said over the avatar." in await _saved(side)
    vendor_open = fake_providers.state()["open_sessions"]["heygen"]
    row.actual = f"moved on despite the failed interrupt; vendor open {vendor_open}"
    assert vendor_open == 0


async def _saved(side: Any) -> str:
    if side.kind == "room":
        return " ".join(
            [
                line.text
                async for line in RoomTranscriptLine.objects.filter(
                    room=side.room, speaker="student"
                )
            ]
        )
    from interviews.models import Attempt

    return " ".join(
        [a.transcript async for a in Attempt.objects.filter(question__interview=side.interview)]
    )


# The room's avatar start and stop faults are cells of test_avatar_faults.py (a room's avatar is
# started by the class's deploy and stopped when the class ends); these are the interview's.


@pytest.mark.parametrize(("fault", "mode"), [(f, "always") for f in FAULTS] + [("500", "once")])
async def test_interview_avatar_start_fault(
    fault: str,
    mode: str,
    fake_providers: Any,
    fast: Any,
    candidate: Any,
    bank: Any,
    driver: Any,
    cell: Any,
) -> None:
    recovers = mode == "once"
    row = cell(
        area="avatar start (heygen), interview",
        case=f"{FAULT_LABELS[fault]}, {'once' if recovers else 'every time'}",
        persona="candidate (interview)",
        expected=(
            "retried; the avatar is ready"
            if recovers
            else "told the avatar failed (voice fallback); the question is still asked; "
            "no vendor session open"
        ),
    )
    fake_providers.configure(fast, avatar="heygen")
    fast.INTERVIEW_MAX_FOLLOWUPS = 0
    endpoint = "heygen_new" if fault in ("401", "concurrency_limit") else "heygen_start"
    fake_providers.knobs(**{endpoint: fault_knobs(fault, times=1 if recovers else None)})
    side = make_side(
        "interview", driver=driver, candidate=candidate, ws_connect=None, professor=None
    )
    side.interview = await _interview(candidate)
    side.d = await driver(side.interview, candidate)
    await side.d.send({"type": "hello"})
    outcome = await side.d.until(
        "avatar.connection", lambda m: m["status"] in ("ready", "failed"), timeout=30
    )
    assert outcome["status"] == ("ready" if recovers else "failed")
    if not recovers:
        assert outcome["fallback"] == "voice"
        assert outcome["message"]
        assert "LEAKCHECK" not in outcome["message"]
    speak = await side.prompt()
    assert speak["text"]
    await side.end()
    vendor_open = fake_providers.state()["open_sessions"]["heygen"]
    row.actual = f"avatar {outcome['status']}; question asked; vendor open {vendor_open}"
    assert vendor_open == 0


@pytest.mark.parametrize("fault", FAULTS)
async def test_interview_avatar_stop_fault_is_reaped(
    fault: str,
    fake_providers: Any,
    fast: Any,
    candidate: Any,
    bank: Any,
    driver: Any,
    cell: Any,
) -> None:
    from avatars.models import AvatarSession
    from avatars.reaper import reap_once

    row = cell(
        area="avatar stop (heygen), interview",
        case=FAULT_LABELS[fault],
        persona="candidate (ending the interview)",
        expected="the interview completes; the reaper stops the vendor session once it answers",
    )
    fake_providers.configure(fast, avatar="heygen")
    fast.INTERVIEW_MAX_FOLLOWUPS = 0
    side = make_side(
        "interview", driver=driver, candidate=candidate, ws_connect=None, professor=None
    )
    await side.open(listen=False)
    fake_providers.knobs(heygen_stop=fault_knobs(fault))
    await side.end()
    avatar = await AvatarSession.objects.aget(purpose="interview")
    assert avatar.status == AvatarSession.Status.ENDED  # billing stops counting either way
    assert fake_providers.state()["open_sessions"]["heygen"] == 1  # the vendor refused the stop
    fake_providers.knobs(heygen_stop={"fail": None})
    report = await reap_once()
    vendor_open = fake_providers.state()["open_sessions"]["heygen"]
    row.actual = (
        f"completed; reaper stopped {len(report.vendor_stopped)}; vendor open {vendor_open}"
    )
    assert vendor_open == 0


async def _interview(candidate: Any) -> Any:
    from asgiref.sync import sync_to_async

    from tests.interviews.conftest import create_interview

    return await sync_to_async(create_interview)(candidate, count=1)

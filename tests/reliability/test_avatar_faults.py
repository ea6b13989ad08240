"""Avatar vendor faults (HeyGen, LiveAvatar) for start, speak, keep-alive and stop.

Every cell runs the real client against the fake vendor with one scripted fault and checks what
the professor or candidate sees, what is saved, and that the vendor holds no open session once
the flow is over (after the reaper ran, where the vendor refused our stop).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from avatars.models import AvatarSession, AvatarSessionEvent
from avatars.reaper import keepalive_once, reap_once
from avatars.services import avatar_session_create, avatar_session_start, avatar_session_stop
from classrooms import services as classes
from classrooms.models import BreakoutRoom, ClassSession
from interviews.models import Attempt
from tests import factories
from tests.interviews.conftest import GOOD_ANSWER, create_interview
from tests.reliability.conftest import FAULT_LABELS, FAULTS, TRANSIENT, fault_knobs

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDERS = ("heygen", "liveavatar")
#: Where each fault strikes during a start: the key at the first call, the concurrency cap when the
#: session is created, everything else after the vendor session exists (the leak-prone step).
START_ENDPOINT = {
    "heygen": {"401": "new", "concurrency_limit": "new", "*": "start"},
    "liveavatar": {"401": "token", "concurrency_limit": "token", "*": "start"},
}


def start_endpoint(provider: str, fault: str) -> str:
    table = START_ENDPOINT[provider]
    return f"{provider}_{table.get(fault, table['*'])}"


def open_sessions(fake: Any, vendor: str) -> int:
    return fake.state()["open_sessions"][vendor]


def _one_room(professor: Any) -> ClassSession:
    course = factories.make_course(professor, students=1, title="Fault lab")
    return classes.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
    )


async def _monitor_room(ws_connect: Any, session: ClassSession, professor: Any) -> dict[str, Any]:
    """The room card the professor's monitor shows (snapshot over the real socket)."""
    comm, connected, code = await ws_connect(
        f"/ws/classrooms/{session.public_id}/monitor/", professor.user
    )
    assert connected, code
    snapshot = await comm.receive_json_from(timeout=5)
    await comm.disconnect()
    assert snapshot["type"] == "snapshot"
    return snapshot["rooms"][0]


# --- start --------------------------------------------------------------------------------


START_CASES = [(p, f, "always") for p in PROVIDERS for f in FAULTS] + [
    (p, f, "once") for p in PROVIDERS for f in TRANSIENT
]


@pytest.mark.parametrize(("provider", "fault", "mode"), START_CASES)
async def test_avatar_start_fault(
    provider: str,
    fault: str,
    mode: str,
    fake_providers: Any,
    fast: Any,
    professor: Any,
    ws_connect: Any,
    cell: Any,
) -> None:
    recovers = mode == "once"
    row = cell(
        area=f"avatar start ({provider})",
        case=f"{FAULT_LABELS[fault]}, {'once' if recovers else 'every time'}",
        persona="professor (room deployment)",
        expected=(
            "retried; room active; 1 vendor session open until the class ends"
            if recovers
            else "room in error with a clear message; no vendor session open"
        ),
    )
    fake_providers.configure(fast, avatar=provider)
    fake_providers.knobs(
        **{start_endpoint(provider, fault): fault_knobs(fault, times=1 if recovers else None)}
    )
    session = await sync_to_async(_one_room)(professor)

    counts = await classes.class_session_deploy(session=session)
    card = await _monitor_room(ws_connect, session, professor)
    avatar = await AvatarSession.objects.aget(subject=card["id"])
    retries = await AvatarSessionEvent.objects.filter(session=avatar, reason="retry").acount()
    vendor_open = open_sessions(fake_providers, provider)
    row.actual = (
        f"room {card['status']}"
        + (f" ({card['error']})" if card["error"] else "")
        + f"; {retries} retr{'y' if retries == 1 else 'ies'}; vendor open {vendor_open}"
    )

    await session.arefresh_from_db()
    assert session.status == ClassSession.Status.LIVE
    if recovers:
        assert counts == {"active": 1}
        assert card["avatar"]["connected"] is True
        assert retries == 1
        assert vendor_open == 1
    else:
        assert counts == {"error": 1}
        assert card["status"] == BreakoutRoom.Status.ERROR
        assert avatar.status == AvatarSession.Status.FAILED
        if fault == "401":
            assert "refused" in card["error"]
            assert retries == 0  # a refused key is never retried
        else:
            assert card["error"].startswith(("The ", "All avatar slots")), card["error"]
            assert "we will" not in card["error"]  # nothing retries a room in error by itself
            assert retries == 1
        assert "LEAKCHECK" not in card["error"]  # the message never carries a key
        assert vendor_open == 0  # a session the vendor created for a failed start is stopped

    summary = await classes.class_session_end(session=session)
    assert summary["failures"] == []
    assert open_sessions(fake_providers, provider) == 0
    row.actual += "; after end: vendor open 0"


# --- speak --------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
async def test_heygen_speak_fault_page_speaks_instead(
    fault: str,
    fake_providers: Any,
    fast: Any,
    candidate: Any,
    bank: Any,
    driver: Any,
    cell: Any,
) -> None:
    row = cell(
        area="avatar speak (heygen)",
        case=FAULT_LABELS[fault],
        persona="candidate (interview)",
        expected="question still asked (the page speaks it); answer saved; vendor closed at end",
    )
    fake_providers.configure(fast, avatar="heygen")
    fast.INTERVIEW_MAX_FOLLOWUPS = 0
    interview = await sync_to_async(create_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    fake_providers.knobs(heygen_task=fault_knobs(fault))
    await d.send({"type": "question.next"})
    speak = await d.until("avatar.speak")
    assert speak["text"]
    assert speak["task_id"].startswith("local-")  # the vendor could not: the page speaks
    await d.ask_and_listen()
    result = await d.answer(GOOD_ANSWER)
    assert result["attempt"]["status"] == Attempt.Status.SCORED
    await d.send({"type": "interview.end"})
    await d.state("completed")
    await d.close()
    vendor_open = open_sessions(fake_providers, "heygen")
    row.actual = (
        f"avatar.speak sent to the page ({speak['task_id'][:6]}…); attempt "
        f"{result['attempt']['status']}; vendor open after end {vendor_open}"
    )
    assert vendor_open == 0


async def test_liveavatar_speak_needs_no_server_call(
    fake_providers: Any, fast: Any, candidate: Any, bank: Any, driver: Any, cell: Any
) -> None:
    """LiveAvatar takes speech only as LiveKit data from the browser: nothing server-side to
    fail. Even with every vendor call failing after the start, the question reaches the page."""
    row = cell(
        area="avatar speak (liveavatar)",
        case="all faults (no server-side call exists)",
        persona="candidate (interview)",
        expected="speech goes to the page over our socket; unaffected by vendor faults",
    )
    fake_providers.configure(fast, avatar="liveavatar")
    fast.INTERVIEW_MAX_FOLLOWUPS = 0
    interview = await sync_to_async(create_interview)(candidate, count=1)
    d = await driver(interview, candidate)
    await d.start()
    fake_providers.knobs(liveavatar={"fail": "500"})
    await d.send({"type": "question.next"})
    before = len(fake_providers.state()["log"])
    speak = await d.until("avatar.speak")
    assert speak["text"]
    assert speak["task_id"]  # the page publishes it to the avatar and echoes the id
    assert fake_providers.state()["log"][before:] == []  # no vendor call to fail
    await d.ask_and_listen()
    fake_providers.knobs(liveavatar={"fail": None})
    await d.send({"type": "interview.end"})
    await d.state("completed")
    await d.close()
    assert open_sessions(fake_providers, "liveavatar") == 0
    row.actual = "avatar.speak delivered to the page, no vendor call; vendor open after end 0"


# --- keep-alive ---------------------------------------------------------------------------


def _make_due(session: AvatarSession) -> None:
    now = timezone.now()
    AvatarSession.objects.filter(pk=session.pk).update(
        keepalive_at=now - timedelta(hours=1), last_heartbeat_at=now
    )


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("fault", FAULTS)
async def test_keepalive_fault_keeps_the_session(
    provider: str, fault: str, fake_providers: Any, fast: Any, cell: Any
) -> None:
    row = cell(
        area=f"avatar keep-alive ({provider})",
        case=FAULT_LABELS[fault],
        persona="background loop (user in a session)",
        expected="session stays ready for the user; next keep-alive goes out; closed at end",
    )
    fake_providers.configure(fast, avatar=provider)
    session = await sync_to_async(avatar_session_create)(purpose="interview", subject="ka")
    session = await avatar_session_start(session=session)
    assert session.status == AvatarSession.Status.READY
    fake_providers.knobs(**{f"{provider}_keep_alive": fault_knobs(fault)})
    await sync_to_async(_make_due)(session)

    sent = await keepalive_once()
    await session.arefresh_from_db()
    assert sent == 0
    assert session.status == AvatarSession.Status.READY  # one failed keep-alive ends nothing
    assert open_sessions(fake_providers, provider) == 1

    fake_providers.knobs(**{f"{provider}_keep_alive": {"fail": None}})
    await sync_to_async(_make_due)(session)
    assert await keepalive_once() == 1  # the next round reaches the vendor again
    await avatar_session_stop(session=session, reason="done")
    vendor_open = open_sessions(fake_providers, provider)
    row.actual = f"failed keep-alive: session {session.status}; next round sent; vendor open after stop {vendor_open}"
    assert vendor_open == 0


# --- stop ---------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("fault", FAULTS)
async def test_stop_fault_is_reported_and_reaped(
    provider: str,
    fault: str,
    fake_providers: Any,
    fast: Any,
    professor: Any,
    cell: Any,
) -> None:
    row = cell(
        area=f"avatar stop ({provider})",
        case=FAULT_LABELS[fault],
        persona="professor (ending the class)",
        expected=(
            "class ends; summary names the avatar that may still be open; "
            "the reaper stops it once the vendor answers"
        ),
    )
    fake_providers.configure(fast, avatar=provider)
    session = await sync_to_async(_one_room)(professor)
    assert await classes.class_session_deploy(session=session) == {"active": 1}
    fake_providers.knobs(**{f"{provider}_stop": fault_knobs(fault)})

    summary = await classes.class_session_end(session=session)
    await session.arefresh_from_db()
    assert session.status == ClassSession.Status.ENDED
    assert await session.rooms.filter(status=BreakoutRoom.Status.COMPLETED).acount() == 1
    assert len(summary["failures"]) == 1
    assert "may still be open" in summary["failures"][0]
    avatar = await AvatarSession.objects.aget(purpose="classroom")
    assert avatar.status == AvatarSession.Status.ENDED  # billing stops counting either way
    assert open_sessions(fake_providers, provider) == 1  # the vendor refused the stop

    fake_providers.knobs(**{f"{provider}_stop": {"fail": None}})
    report = await reap_once()
    vendor_open = open_sessions(fake_providers, provider)
    row.actual = (
        f"summary: {summary['failures'][0][:60]}…; reaper stopped "
        f"{len(report.vendor_stopped)}; vendor open {vendor_open}"
    )
    assert report.vendor_stopped == [avatar.provider_session_id]
    assert vendor_open == 0

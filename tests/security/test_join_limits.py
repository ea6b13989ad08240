"""Guessing room codes: wrong codes typed on /join/ and opened as /r/<code> links count against
one limit per client address, in a moving window (no twice-the-limit across a window boundary).
The clock is injected with time-machine."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from classrooms.models import new_short_code
from classrooms.selectors import format_short_code
from tests import factories

pytestmark = pytest.mark.django_db

# One second before a multiple of 600 s since the epoch: where a fixed 600 s window ends.
BOUNDARY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC) - dt.timedelta(seconds=1)


def _wrong_join(client: Client) -> int:
    return client.post("/join/", {"code": format_short_code(new_short_code())}).status_code


def _wrong_link(client: Client) -> int:
    return client.get(f"/r/{new_short_code()}").status_code


@pytest.fixture
def room(settings: Any) -> Any:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "room_join": "3/600"}
    professor = factories.make_professor("prof_rivera")
    course = factories.make_course(professor, students=1)
    from classrooms.services import class_session_create

    session = class_session_create(
        professor=professor, course=course, student_ids=[course.students.get().pk]
    )
    return session.rooms.get()


def test_short_links_and_the_join_form_share_one_limit(room: Any, record: Any) -> None:
    guesser = Client(REMOTE_ADDR="10.0.0.9")
    assert [_wrong_join(guesser), _wrong_link(guesser), _wrong_join(guesser)] == [404] * 3
    link, form = _wrong_link(guesser), _wrong_join(guesser)
    record(
        "join limits",
        "4th and 5th wrong code (limit 3): a /r/ link, then the form",
        "anonymous",
        "429, 429",
        f"{link}, {form}",
    )
    assert (link, form) == (429, 429)
    page = guesser.get(f"/r/{new_short_code()}")
    assert "try again" in page.content.decode().lower()
    right = guesser.get(f"/r/{room.short_code}")
    record("join limits", "a right /r/ link while limited", "anonymous", 302, right.status_code)
    assert right.status_code == 302  # a right code is never held back
    other = _wrong_link(Client(REMOTE_ADDR="10.0.0.10"))
    record("join limits", "another client's wrong /r/ link", "anonymous", 404, other)
    assert other == 404


@pytest.mark.parametrize("wrong", [_wrong_join, _wrong_link], ids=["join", "short-link"])
def test_the_window_slides_across_a_boundary(room: Any, record: Any, wrong: Any) -> None:
    guesser = Client(REMOTE_ADDR="10.0.0.9")
    with time_machine.travel(BOUNDARY, tick=False) as clock:
        assert [wrong(guesser) for _ in range(3)] == [404] * 3
        clock.shift(dt.timedelta(seconds=2))  # a fixed window would start afresh here
        across = wrong(guesser)
        record(
            "join limits",
            f"4th wrong code 2 s later, across a 600 s boundary ({wrong.__name__[7:]})",
            "anonymous",
            429,
            across,
        )
        assert across == 429
        clock.shift(dt.timedelta(seconds=600))
        later = wrong(guesser)
        record(
            "join limits",
            f"a wrong code 600 s after the first three ({wrong.__name__[7:]})",
            "anonymous",
            404,
            later,
        )
        assert later == 404

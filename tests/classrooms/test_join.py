"""Joining by short code from the home page: normalised, clear refusals, rate limited per client."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from classrooms import services
from classrooms.models import SHORT_CODE_LENGTH, new_short_code
from classrooms.selectors import format_short_code
from tests import factories

pytestmark = pytest.mark.django_db


def _join(code: str, client: Client | None = None) -> Any:
    return (client or Client()).post(reverse("classrooms:join"), {"code": code})


def test_the_home_page_has_the_join_form() -> None:
    html = Client().get("/").content.decode()
    assert "Join a class room" in html
    assert 'action="/join/"' in html
    assert 'name="code"' in html


def test_the_code_in_blocks_is_what_a_student_sees() -> None:
    code = new_short_code()
    shown = format_short_code(code)
    assert shown.replace("-", "") == code
    assert [len(block) for block in shown.split("-")] == [3, 4, 3]  # like abc-defg-hjk
    assert len(code) == SHORT_CODE_LENGTH <= 10


def test_an_old_long_code_still_opens_its_room_until_the_session_ends(make_session: Any) -> None:
    session = make_session()
    room = session.rooms.first()
    room.short_code = new_short_code(26)  # issued before codes became short
    room.save(update_fields=["short_code"])
    shown = "-".join(room.short_code[i : i + 4] for i in range(0, 26, 4))
    assert format_short_code(room.short_code) == shown
    for opened in (_join(shown), Client().get(f"/r/{room.short_code}")):
        assert opened.status_code == 302
        assert opened["Location"] == reverse("classrooms:room", args=[room.join_token])
    async_to_sync(services.class_session_end)(session=session)
    assert _join(shown).status_code == 410
    assert Client().get(f"/r/{room.short_code}").status_code == 410


def test_an_ended_sessions_short_link_no_longer_opens_the_room(make_session: Any) -> None:
    session = make_session()
    room = session.rooms.first()
    async_to_sync(services.class_session_end)(session=session)
    response = Client().get(f"/r/{room.short_code}")
    assert response.status_code == 410
    html = response.content.decode()
    assert "This session has ended" in html
    assert room.join_token not in html


def test_the_email_links_panel_printable_page_and_csv_show_the_short_code(
    professor: Any, course: Any, client_for: Any, mailoutbox: Any
) -> None:
    course.students.update(email="ada@example.edu")
    session = services.class_session_create(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    room = session.rooms.order_by("position").first()
    shown = format_short_code(room.short_code)
    assert len(shown) == 12  # ten symbols and two dashes
    client = client_for(professor)
    printable = client.get(reverse("classrooms:session_links", args=[session.public_id]))
    csv = client.get(reverse("classrooms:session_links_csv", args=[session.public_id]))
    monitor = client.get(reverse("classrooms:monitor", args=[session.public_id]))
    assert shown in printable.content.decode()
    assert shown in csv.content.decode()
    assert shown in monitor.content.decode()
    services.room_invitations_send_due(base_url="http://class.example/")
    assert mailoutbox
    assert shown in mailoutbox[0].body


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code,
        lambda code: format_short_code(code).upper(),
        lambda code: "  " + " ".join(format_short_code(code).split("-")) + " ",
        lambda code: format_short_code(code).replace("-", " - "),
    ],
    ids=["plain", "blocks-in-capitals", "spaces", "spaced-dashes"],
)
def test_a_right_code_opens_the_room_however_it_is_typed(make_session: Any, typed: Any) -> None:
    room = make_session().rooms.first()
    response = _join(typed(room.short_code))
    assert response.status_code == 302
    assert response["Location"] == reverse("classrooms:room", args=[room.join_token])


def test_a_wrong_code_says_so(make_session: Any) -> None:
    make_session()
    response = _join(format_short_code(new_short_code()))
    assert response.status_code == 404
    assert "No room has that code" in response.content.decode()


@pytest.mark.parametrize("typed", ["abc", "", "o1il" * 6 + "o1", "<script>" * 4])
def test_a_malformed_code_is_a_clear_error_not_a_lookup(typed: str) -> None:
    response = _join(typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "room code" in html.lower()
    assert "<script><script>" not in html


def test_an_ended_session_code_says_the_session_has_ended(make_session: Any) -> None:
    session = make_session()
    room = session.rooms.first()
    async_to_sync(services.class_session_end)(session=session)
    response = _join(room.short_code)
    assert response.status_code == 410
    assert "has ended" in response.content.decode()


def test_wrong_codes_are_rate_limited_per_client(make_session: Any, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "room_join": "3/600"}
    room = make_session().rooms.first()
    guesser = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(3):
        assert _join(format_short_code(new_short_code()), guesser).status_code == 404
    refused = _join(format_short_code(new_short_code()), guesser)
    assert refused.status_code == 429
    assert "try again" in refused.content.decode().lower()
    assert _join("abc", guesser).status_code == 429  # malformed ones count too
    # Another client is not affected, and a right code is never held back (a whole class
    # behind one campus address types right codes all at once).
    assert (
        _join(format_short_code(new_short_code()), Client(REMOTE_ADDR="10.0.0.10")).status_code
        == 404
    )
    assert _join(room.short_code, guesser).status_code == 302


def test_a_class_behind_one_address_all_get_in(professor: Any, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "room_join": "3/600"}
    course = factories.make_course(professor, students=8)
    session = services.class_session_create(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    campus = Client(REMOTE_ADDR="192.0.2.1")
    for room in session.rooms.all():
        assert _join(format_short_code(room.short_code), campus).status_code == 302


def test_the_short_link_accepts_the_code_in_blocks(make_session: Any) -> None:
    room = make_session().rooms.first()
    response = Client().get(f"/r/{format_short_code(room.short_code).upper()}")
    assert response.status_code == 302
    assert response["Location"] == reverse("classrooms:room", args=[room.join_token])


def test_a_prepared_sessions_room_opens_and_says_the_class_has_not_started(
    professor: Any, course: Any
) -> None:
    session = services.class_session_prepare(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    room = session.rooms.first()
    response = _join(format_short_code(room.short_code))
    assert response.status_code == 302
    page = Client().get(response["Location"])
    assert page.status_code == 200
    assert "has not started the class yet" in page.content.decode()


@given(
    code=st.text(max_size=80)
    | st.sampled_from(["\x00", "a\x00b", "é" * 40, "🦜" * 30, "-" * 26, " " * 64])
)
@hsettings(
    max_examples=80,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_any_typed_code_gets_a_clear_answer_never_a_500(settings: Any, code: str) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "room_join": "100000/600"}
    response = _join(code)
    assert response.status_code in (400, 404)
    assert 'role="alert"' in response.content.decode()


def test_short_codes_are_short_random_and_readable_aloud() -> None:
    from classrooms.models import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH, new_short_code

    codes = [new_short_code() for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == SHORT_CODE_LENGTH for code in codes)
    assert set("".join(codes)) == set(SHORT_CODE_ALPHABET)  # every symbol used, no other
    firsts = {code[0] for code in codes} | {code[-1] for code in codes}
    assert len(firsts) == len(SHORT_CODE_ALPHABET)  # both ends vary too

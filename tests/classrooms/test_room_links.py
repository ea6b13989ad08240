"""The links on a room card are the room's own URLs, exactly as `reverse()` gives them, under any
script prefix (they are built from a template reversed once, so the template must follow)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from classrooms.selectors.payloads import _link, room_card

pytestmark = pytest.mark.django_db


def test_a_room_card_links_to_the_room_and_its_short_link(make_session: Any) -> None:
    session = make_session()
    for room in session.rooms.prefetch_related("students"):
        card = room_card(room)
        assert card["link"] == reverse("classrooms:room", args=[room.join_token])
        assert card["short_link"] == reverse("classrooms:short", args=[room.short_code])


@pytest.mark.parametrize("value", ["plain-Token_09", "with space%", "x@y:z~!$&()*+,;=", "é中"])
def test_values_are_quoted_as_reverse_quotes_them(value: str) -> None:
    assert _link("classrooms:room", value) == reverse("classrooms:room", args=[value])
    assert _link("classrooms:short", value) == reverse("classrooms:short", args=[value])


def test_links_follow_the_script_prefix() -> None:
    before = get_script_prefix()
    try:
        set_script_prefix("/mockingbird/")
        assert _link("classrooms:room", "abc") == "/mockingbird/rooms/abc/"
    finally:
        set_script_prefix(before)
    assert _link("classrooms:room", "abc") == reverse("classrooms:room", args=["abc"])

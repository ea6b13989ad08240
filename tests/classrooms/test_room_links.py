"""The links on a room card are the room's own URLs, under any script prefix."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from classrooms.selectors.payloads import room_card

pytestmark = pytest.mark.django_db


def test_a_room_card_links_to_the_room_and_its_short_link(make_session: Any) -> None:
    session = make_session()
    for room in session.rooms.prefetch_related("students"):
        card = room_card(room)
        assert card["link"] == reverse("classrooms:room", args=[room.join_token])
        assert card["short_link"] == reverse("classrooms:short", args=[room.short_code])


def test_links_follow_the_script_prefix(make_session: Any) -> None:
    room = make_session().rooms.prefetch_related("students").first()
    before = get_script_prefix()
    try:
        set_script_prefix("/mockingbird/")
        card = room_card(room)
    finally:
        set_script_prefix(before)
    assert card["link"] == f"/mockingbird/rooms/{room.join_token}/"
    assert card["short_link"] == f"/mockingbird/r/{room.short_code}"

"""Human words only: every status, action and label a user sees, rendered on the pages that show
them (each status of interviews, class sessions, rooms and invitations), with no snake_case or
dotted key ("warm_up", "room.say") in the visible text or in what a screen reader reads."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from classrooms.models import BreakoutRoom, ClassSession, RoomInvitation
from interviews.models import MockInterview
from tests.html_text import keys_in, perceived_text
from tests.security.conftest import World, build_world

pytestmark = pytest.mark.django_db


def test_the_key_finder_finds_keys_and_spares_words() -> None:
    assert sorted(keys_in(["room.say: done.", "Status: warm_up", "feedback_failed"])) == [
        "feedback_failed",
        "room.say",
        "warm_up",
    ]
    assert keys_in(["Write to ada@example.edu, e.g. about notes.md. Done. Next."]) == []


def test_every_choice_label_is_words() -> None:
    labels = [
        f"{model.__name__}.{field.name}: {label}"
        for model in apps.get_models()
        if model._meta.app_label in ("interviews", "classrooms", "avatars")
        for field in model._meta.get_fields()
        if isinstance(field, models.Field) and field.choices
        for _, label in field.flatchoices
    ]
    assert labels
    assert [label for label in labels if keys_in([label.split(": ", 1)[1]])] == []


def _every_status(world: World) -> None:
    """One row in every status the pages list (copies of the world's own rows)."""
    owner = world.interview_done.owner
    for status in MockInterview.Status.values:
        copy = MockInterview.objects.get(pk=world.interview_live.pk)
        copy.pk, copy.id, copy.public_id = None, None, uuid.uuid4()
        copy.status = status
        copy.owner = owner
        copy.save()
    for status in ClassSession.Status.values:
        clone = ClassSession.objects.get(pk=world.session.pk)
        clone.pk, clone.id, clone.public_id = None, None, uuid.uuid4()
        clone.status = status
        clone.title = f"Session {status.replace('_', ' ')}"
        clone.save()
    rooms = list(BreakoutRoom.objects.filter(session=world.session).order_by("position"))
    for room, status in zip(rooms * 3, BreakoutRoom.Status.values, strict=False):
        BreakoutRoom.objects.filter(pk=room.pk).update(status=status, error="")
    for invitation, status in zip(
        RoomInvitation.objects.filter(room__session=world.session),
        RoomInvitation.Status.values,
        strict=False,
    ):
        RoomInvitation.objects.filter(pk=invitation.pk).update(status=status)


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_no_page_shows_a_key_where_words_belong() -> None:
    world = build_world()
    _every_status(world)
    session, course = world.session.public_id, world.course.public_id
    done, live = world.interview_done.public_id, world.interview_live.public_id
    pages = {
        None: [
            "/",
            "/about/",
            "/join/",
            f"/rooms/{world.room1.join_token}/",
            f"/interviews/shared/{world.share_active}/",
        ],
        world.user("candidate_owner"): [
            "/interviews/",
            "/interviews/new/",
            "/interviews/settings/",
            f"/interviews/{live}/",
            f"/interviews/{done}/report/",
            "/interviews/stories/",
        ],
        world.user("professor_owner"): [
            "/classrooms/",
            "/classrooms/profile/",
            f"/classrooms/courses/{course}/",
            f"/classrooms/courses/{course}/edit/",
            f"/classrooms/sessions/{session}/",
            f"/classrooms/sessions/{session}/links/",
            f"/classrooms/sessions/{session}/report/",
        ],
        world.user("staff"): ["/avatars/health/"],
    }
    found = {}
    for user, paths in pages.items():
        client = _client(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            # A username is the person's own choice ("prof_rivera"), shown as typed.
            texts = [
                t.replace(user.get_username(), "") if user else t
                for t in perceived_text(response.content.decode())
            ]
            keys = keys_in(texts)
            if keys:
                found[path] = sorted(set(keys))
    assert found == {}

"""Small things that add up: the interviewer described in words, the tutor profile's fields
explained, SVG icons instead of emoji, and live regions that announce final words only."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u23f9]")


def test_no_emoji_in_pages_or_page_scripts() -> None:
    """Emoji render as empty boxes where no emoji font is installed: icons are SVG."""
    files = [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("*/templates/**/*.html"),
        *(p for p in ROOT.glob("static/js/*.js")),
    ]
    found = {
        str(p.relative_to(ROOT)): EMOJI.findall(p.read_text(encoding="utf-8"))
        for p in files
        if EMOJI.search(p.read_text(encoding="utf-8"))
    }
    assert files
    assert found == {}


def test_settings_describe_the_interviewer_not_the_provider_key(
    client_for: Any, candidate: Any
) -> None:
    html = client_for(candidate).get(reverse("interviews:settings")).content.decode()
    assert "Provider: local" not in html
    assert "Your interviewer is the built-in animated avatar" in html
    assert "Highest quality on your plan: medium." in html


def test_the_tutor_profile_explains_the_avatar_and_voice_fields(
    client_for: Any, professor: Any
) -> None:
    html = client_for(professor).get(reverse("classrooms:profile")).content.decode()
    assert "Avatar id" not in html
    assert "Voice id" not in html
    assert "Your personal avatar (optional)" in html
    assert "Leave empty for the neutral stock avatar" in html


def test_the_student_room_announces_finished_lines_only(professor: Any, client: Any) -> None:
    from classrooms import services

    course = factories.make_course(professor, students=1)
    session = services.class_session_create(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    room = session.rooms.get()
    html = client.get(reverse("classrooms:room", args=[room.join_token])).content.decode()
    # Interim captions are for the eyes; the transcript (finished lines) is the log.
    assert '<div class="captions" id="captions" aria-hidden="true"></div>' in html
    assert 'id="transcript" role="log" aria-live="polite"' in html
    assert 'id="avatar" role="region" aria-label="Your tutor\'s avatar"' in html
    assert 'class="icon"' in html  # the Talk and Help buttons' icons


def test_the_interview_page_announces_final_captions_and_finished_feedback_only(
    client_for: Any, candidate: Any
) -> None:
    from interviews.services import InterviewSpec, interview_create, question_bank_seed

    question_bank_seed()
    interview = interview_create(owner=candidate, spec=InterviewSpec(target_role="Analyst"))
    html = (
        client_for(candidate)
        .get(reverse("interviews:interview", args=[interview.public_id]))
        .content.decode()
    )
    assert '<span class="final" aria-live="polite"></span> <span class="interim"></span>' in html
    assert '<div id="feedback-panel" class="card" hidden>' in html  # the token stream is quiet
    assert '<div id="feedback-body" aria-live="polite"></div>' in html

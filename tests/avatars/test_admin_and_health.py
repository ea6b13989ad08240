"""Staff views: the avatar session admin (stop now) and the provider health page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from avatars.models import AvatarSession, AvatarSessionEvent
from avatars.selectors import provider_health_summary

S = AvatarSession.Status


@pytest.fixture
def operator(staff):
    """A staff member allowed to manage avatar sessions."""
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="avatars"))
    return staff


def _session(provider="heygen", status=S.ENDED, **kw) -> AvatarSession:
    session = AvatarSession.objects.create(
        purpose="interview", subject="x", provider=provider, status=status, **kw
    )
    AvatarSessionEvent.objects.create(session=session, to_status=status)
    return session


@pytest.mark.django_db
def test_health_page_shows_per_provider_numbers(client_for, staff, django_assert_max_num_queries):
    now = timezone.localtime().replace(hour=12, minute=0)  # safely inside "today"
    for i in range(4):
        _session(
            requested_at=now - timedelta(minutes=30),
            ready_at=now - timedelta(minutes=30) + timedelta(seconds=2 + i),
            first_speech_at=now - timedelta(minutes=29),
            ended_at=now - timedelta(minutes=20),
        )
    _session(status=S.FAILED, requested_at=now - timedelta(minutes=5))
    _session(status=S.READY, requested_at=now, ready_at=now)
    [row] = provider_health_summary(now=now)
    assert row["starts"] == 6
    assert row["success_rate"] == pytest.approx(83.3)
    assert row["ready_median_s"] == 3.0  # 0, 2, 3, 4, 5 seconds
    assert row["ready_p95_s"] == 5.0
    assert row["open"] == 1
    assert row["minutes_today"] == pytest.approx(40.0, abs=0.5)
    client = client_for(staff)
    client.get(reverse("avatars:health"))  # session and login bookkeeping
    # Constant: no query per session or provider (the voice turn timings add six of their own).
    with django_assert_max_num_queries(11):
        response = client.get(reverse("avatars:health"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "83.3%" in content
    assert "heygen" in content


@pytest.mark.django_db
def test_health_page_is_for_staff_only(client_for, candidate, anonymous):
    for user in (candidate, anonymous):
        response = client_for(user).get(reverse("avatars:health"))
        assert response.status_code == 302


@pytest.mark.django_db
def test_admin_lists_filters_and_links_to_health(client_for, operator):
    _session(provider="heygen")
    _session(provider="local", status=S.READY)
    client = client_for(operator)
    url = reverse("admin:avatars_avatarsession_changelist")
    response = client.get(url, {"provider": "local"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert reverse("avatars:health") in response.content.decode()
    assert reverse("avatars:health") in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_admin_stop_now_ends_the_session_at_the_vendor(
    client_for, operator, fake_providers, settings
):
    from asgiref.sync import async_to_sync

    from avatars.services import avatar_session_create, avatar_session_start

    fake_providers.configure(settings, avatar="heygen")
    session = avatar_session_create(purpose="interview", subject="x")
    session = async_to_sync(avatar_session_start)(session=session)
    assert fake_providers.state()["open_sessions"]["heygen"] == 1
    response = client_for(operator).post(
        reverse("admin:avatars_avatarsession_changelist"),
        {"action": "stop_now", "_selected_action": [session.pk]},
        follow=True,
    )
    assert "Stopped 1 live session" in response.content.decode()
    session.refresh_from_db()
    assert session.status == S.ENDED
    assert fake_providers.state()["open_sessions"]["heygen"] == 0
    change = client_for(operator).get(
        reverse("admin:avatars_avatarsession_change", args=[session.pk])
    )
    assert "stopped by staffer in the admin" in change.content.decode()  # the event log inline


@pytest.mark.django_db
def test_health_page_is_headed_as_ours_and_gives_spend_a_currency(client_for, staff, settings):
    settings.AVATAR_PRICE_CURRENCY = "EUR"
    _session(requested_at=timezone.now(), ended_at=timezone.now())
    html = client_for(staff).get(reverse("avatars:health")).content.decode()
    assert "Django administration" not in html
    assert "Mockingbird administration" in html
    assert "Estimated spend today (EUR)" in html
    assert "0.00 EUR" in html


@pytest.mark.django_db
def test_admin_says_what_each_avatar_session_serves_not_a_uuid(
    client_for, operator, candidate, professor, django_assert_max_num_queries
):
    from classrooms.services import class_session_create
    from interviews.services import InterviewSpec, interview_create, question_bank_seed
    from tests import factories

    question_bank_seed()
    interview = interview_create(
        owner=candidate, spec=InterviewSpec(target_role="Data analyst", question_count=1)
    )
    course = factories.make_course(professor, students=5, title="Statistics 101")
    session = class_session_create(
        professor=professor, course=course, student_ids=course.students.values_list("pk", flat=True)
    )
    rooms = list(session.rooms.order_by("position"))
    for room in rooms:
        AvatarSession.objects.create(
            purpose="classroom", subject=str(room.public_id), provider="local"
        )
    AvatarSession.objects.create(
        purpose="interview", subject=str(interview.public_id), provider="local"
    )
    client = client_for(operator)
    url = reverse("admin:avatars_avatarsession_changelist")
    client.get(url)
    # The labels cost one query per purpose, not one per session (the list's own queries: 11).
    with django_assert_max_num_queries(13):
        html = client.get(url).content.decode()
    assert f"Mock interview: Data analyst ({candidate.username})" in html
    assert escape(f"{session.title}, {rooms[0].name}") in html
    assert str(interview.public_id) not in html.split("<tbody>")[1]

"""Invitations: one email per student with their link and code, retried on schedule, failures kept."""

from __future__ import annotations

import smtplib
import socket
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from classrooms import services
from classrooms.models import ClassSession, RoomInvitation
from classrooms.selectors import format_short_code
from classrooms.services.invitations import MAX_ATTEMPTS, RETRY_SCHEDULE, mail_failure
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_with_emails(professor: Any) -> Any:
    course = factories.make_course(professor, students=0, title="STAT 101")
    for name in ("Ada Lovelace", "Ben Okafor", "Chen Wei"):
        services.roster_student_add(
            course=course, name=name, email=f"{name.split()[0].lower()}@example.edu", background=""
        )
    services.roster_student_add(course=course, name="Dana NoMail", email="", background="")
    return course


def _start(professor: Any, course: Any, **kwargs: Any) -> ClassSession:
    return services.class_session_create(
        professor=professor,
        course=course,
        student_ids=course.students.values_list("pk", flat=True),
        **kwargs,
    )


def _closed_port() -> int:
    """A loopback port nobody listens on: SMTP to it is refused, as a down mail server is."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_down(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2


def _age(seconds: float) -> None:
    """Pretend every invitation was queued `seconds` ago (the retry schedule counts from then)."""
    RoomInvitation.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_starting_queues_one_invitation_per_student_with_an_email(
    professor: Any, course_with_emails: Any
) -> None:
    session = _start(professor, course_with_emails, group_size=2)
    invitations = RoomInvitation.objects.filter(room__session=session)
    assert sorted(invitations.values_list("email", flat=True)) == [
        "ada@example.edu",
        "ben@example.edu",
        "chen@example.edu",
    ]
    assert set(invitations.values_list("status", flat=True)) == {RoomInvitation.Status.PENDING}
    assert mail.outbox == []  # nothing is sent inside the request's transaction


def test_each_student_gets_one_message_with_their_own_link_and_code(
    professor: Any, course_with_emails: Any
) -> None:
    session = _start(professor, course_with_emails)
    counts = services.room_invitations_send_due(base_url="http://class.example/")
    assert counts["sent"] == 3
    assert len(mail.outbox) == 3
    by_recipient = {m.to[0]: m for m in mail.outbox}
    for room in session.rooms.prefetch_related("students"):
        for student in room.students.all():
            if not student.email:
                continue
            message = by_recipient[student.email]
            assert message.subject == "STAT 101: your breakout room"
            link = "http://class.example" + reverse("classrooms:room", args=[room.join_token])
            assert link in message.body
            assert format_short_code(room.short_code) in message.body
            assert "http://class.example/join/" in message.body
            assert student.name in message.body
            assert message.reply_to == [professor.user.email]
    sent = RoomInvitation.objects.filter(room__session=session)
    assert set(sent.values_list("status", flat=True)) == {RoomInvitation.Status.SENT}
    assert all(sent.values_list("sent_at", flat=True))
    # Running the job again sends nothing twice.
    assert services.room_invitations_send_due()["sent"] == 0
    assert len(mail.outbox) == 3


def test_prepare_sends_invitations_too(professor: Any, course_with_emails: Any) -> None:
    session = services.class_session_prepare(
        professor=professor,
        course=course_with_emails,
        student_ids=course_with_emails.students.values_list("pk", flat=True),
    )
    assert session.status == ClassSession.Status.PREPARED
    services.room_invitations_send_due()
    assert len(mail.outbox) == 3


def test_a_refused_smtp_connection_is_retried_on_schedule_then_marked_failed(
    professor: Any, course_with_emails: Any, smtp_down: None, settings: Any
) -> None:
    session = _start(professor, course_with_emails)
    counts = services.room_invitations_send_due()
    assert counts == {"sent": 0, "retrying": 3, "failed": 0, "skipped": 0}
    row = RoomInvitation.objects.filter(room__session=session).first()
    assert row.status == RoomInvitation.Status.PENDING
    assert row.attempts == 1
    assert "Connection" in row.error or "refused" in row.error.lower()
    # The next attempt is not due yet: nothing is tried.
    assert services.room_invitations_send_due()["retrying"] == 0
    for attempt in range(1, MAX_ATTEMPTS):
        _age(RETRY_SCHEDULE[attempt] + 1)
        counts = services.room_invitations_send_due()
        assert counts["retrying" if attempt < MAX_ATTEMPTS - 1 else "failed"] == 3
    rows = RoomInvitation.objects.filter(room__session=session)
    assert set(rows.values_list("status", flat=True)) == {RoomInvitation.Status.FAILED}
    assert set(rows.values_list("attempts", flat=True)) == {MAX_ATTEMPTS}
    # Each move is in the invitation's event log, like every other lifecycle.
    (event,) = row.events.all()
    assert (event.from_status, event.to_status) == ("pending", "failed")
    assert "refused" in event.reason.lower() or "Connection" in event.reason
    # Sent again once the server is fixed: failed -> pending -> sent, all logged.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.room_invitations_resend(session=session) == 3
    assert services.room_invitations_send_due()["sent"] == 3
    assert [e.to_status for e in row.events.all()] == ["failed", "pending", "sent"]


def test_the_mail_server_coming_back_delivers_the_retry(
    professor: Any, course_with_emails: Any, smtp_down: None, settings: Any
) -> None:
    _start(professor, course_with_emails)
    services.room_invitations_send_due()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _age(RETRY_SCHEDULE[1] + 1)
    assert services.room_invitations_send_due()["sent"] == 3
    assert len(mail.outbox) == 3
    assert set(RoomInvitation.objects.values_list("error", flat=True)) == {""}


def test_an_attempt_claimed_by_another_worker_is_not_sent_again(
    professor: Any, course_with_emails: Any
) -> None:
    _start(professor, course_with_emails)
    # Another worker claimed the first attempt of every row (and is sending it right now).
    RoomInvitation.objects.update(attempts=1)
    assert services.room_invitations_send_due()["sent"] == 0
    assert mail.outbox == []


def test_a_session_ended_before_sending_sends_nothing(
    professor: Any, course_with_emails: Any
) -> None:
    session = _start(professor, course_with_emails)
    async_to_sync(services.class_session_end)(session=session)
    counts = services.room_invitations_send_due()
    assert counts["failed"] == 3
    assert mail.outbox == []
    assert set(RoomInvitation.objects.values_list("error", flat=True)) == {
        "The session ended before the invitation was sent."
    }


def test_the_delivery_job_returns_once_nothing_is_pending(
    professor: Any, course_with_emails: Any, transactional_db: Any
) -> None:
    _start(professor, course_with_emails)
    totals = async_to_sync(services.room_invitations_deliver)(base_url="http://x.example/")
    assert totals["sent"] == 3
    assert len(mail.outbox) == 3


def test_the_registry_declares_the_job_and_finds_due_invitations(
    professor: Any, course_with_emails: Any
) -> None:
    from classrooms import background as classroom_background
    from config import background

    background.autodiscover()
    assert "room_invitations.send" in background.REGISTRY.jobs
    assert classroom_background.invitations_waiting() == []
    _start(professor, course_with_emails)
    assert classroom_background.invitations_waiting() == [{"base_url": ""}]
    services.room_invitations_send_due()
    assert classroom_background.invitations_waiting() == []


def test_staff_resend_failed_invitations_from_the_admin(
    professor: Any,
    course_with_emails: Any,
    smtp_down: None,
    settings: Any,
    staff: Any,
    client_for: Any,
) -> None:
    session = _start(professor, course_with_emails)
    RoomInvitation.objects.update(
        status=RoomInvitation.Status.FAILED, attempts=MAX_ATTEMPTS, error="x"
    )
    failed = RoomInvitation.objects.filter(room__session=session)
    staff.is_superuser = True
    staff.save()
    response = client_for(staff).post(
        reverse("admin:classrooms_roominvitation_changelist"),
        {"action": "resend", "_selected_action": list(failed.values_list("pk", flat=True))},
        follow=True,
    )
    assert "Queued 3 invitation(s) again" in response.content.decode()
    assert set(failed.values_list("status", "attempts", "error")) == {("pending", 0, "")}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.room_invitations_send_due()["sent"] == 3


@pytest.mark.parametrize(
    ("exc", "says"),
    [
        (ConnectionRefusedError(111, "Connection refused"), "refused the connection"),
        (TimeoutError("timed out"), "did not answer in time"),
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 bad creds for smtp-user"), "our login"),
        (smtplib.SMTPRecipientsRefused({"a@b.c": (550, b"no such user")}), "student's address"),
        (smtplib.SMTPDataError(554, b"spam"), "did not accept"),
        (socket.gaierror(-2, "Name or service not known"), "could not be reached"),
        (RuntimeError("backend bug"), "could not be sent"),
    ],
)
def test_the_professor_reads_why_a_send_failed_in_words_not_the_mail_library_s(
    exc: Exception, says: str
) -> None:
    told = mail_failure(exc)
    assert says in told
    assert str(exc) not in told
    assert type(exc).__name__ not in told

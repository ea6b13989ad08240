"""Room invitations: one email per student with their room link and short code.

Rows are queued in the transaction that creates the rooms (`room_invitations_create`), so a
crash between creating a session and sending loses nothing. Sending (`room_invitations_send_due`)
is a background job: every attempt is claimed with a conditional UPDATE on `attempts` (two
workers never send the same attempt), and attempt n becomes due `RETRY_SCHEDULE[n]` seconds
after the row was queued. The gap between attempts is longer than `EMAIL_TIMEOUT`, so a claim
left by a dead worker is simply retried at the next slot. After the last slot the invitation is
`failed` and the monitor shows why.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import close_old_connections
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from classrooms.models import BreakoutRoom, ClassSession, RoomInvitation, RosterStudent
from classrooms.selectors.sessions import format_short_code
from config.lifecycle import transition_many

logger = logging.getLogger(__name__)

# Seconds after queueing at which each attempt becomes due (5 attempts over about 40 minutes).
RETRY_SCHEDULE: tuple[int, ...] = (0, 30, 120, 600, 2400)
MAX_ATTEMPTS = len(RETRY_SCHEDULE)
BATCH = 200


def room_invitations_create(
    *, pairs: Iterable[tuple[BreakoutRoom, RosterStudent]]
) -> list[RoomInvitation]:
    """Queue one invitation per (room, student) for students with an email address."""
    now = timezone.now()
    rows = [
        RoomInvitation(room=room, student=student, email=student.email, created_at=now)
        for room, student in pairs
        if student.email
    ]
    return RoomInvitation.objects.bulk_create(rows, ignore_conflicts=True)


def room_invitations_resend(
    *, invitation_ids: Iterable[int] | None = None, session: ClassSession | None = None
) -> int:
    """Queue failed invitations (the given ones, or all of a session's) again from the first
    slot of the schedule, once the mail server or an address is fixed. Open sessions only.
    Returns how many were queued; the job sends them."""
    rows = RoomInvitation.objects.filter(
        status=RoomInvitation.Status.FAILED, room__session__status__in=ClassSession.OPEN_STATUSES
    )
    if invitation_ids is not None:
        rows = rows.filter(pk__in=list(invitation_ids))
    if session is not None:
        rows = rows.filter(room__session=session)
    moved = transition_many(
        RoomInvitation,
        RoomInvitation.Status.PENDING,
        pks=list(rows.values_list("pk", flat=True)),
        reason="sent again",
        fields={"attempts": 0, "error": "", "created_at": timezone.now()},
    )
    return len(moved)


def _fail(pks: list[int], error: str) -> int:
    """Pending invitations -> failed, with the reason the monitor shows."""
    moved = transition_many(
        RoomInvitation,
        RoomInvitation.Status.FAILED,
        pks=pks,
        reason=error[:500],
        fields={"error": error[:1000]},
    )
    return len(moved)


def _due(now: Any) -> Q:
    due = Q()
    for attempts, delay in enumerate(RETRY_SCHEDULE):
        due |= Q(attempts=attempts, created_at__lte=now - timedelta(seconds=delay))
    return Q(status=RoomInvitation.Status.PENDING) & due


def _message(invitation: RoomInvitation, base_url: str) -> EmailMessage:
    room = invitation.room
    session = room.session
    base = (base_url or settings.SITE_URL).rstrip("/")
    link = base + reverse("classrooms:room", args=[room.join_token])
    join = base + reverse("classrooms:join")
    body = (
        f"Hello {invitation.student.name},\n\n"
        f"{session.professor.display_name} has opened a breakout room for you in "
        f"{session.course.title} ({session.title}). Your avatar tutor is waiting there.\n\n"
        f"Open your room:\n{link}\n\n"
        f"Or go to {join} and type your room code:\n{format_short_code(room.short_code)}\n\n"
        "The link and the code open your room without an account: please keep them to "
        "yourself.\n"
    )
    return EmailMessage(
        subject=f"{session.course.title}: your breakout room",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
        # A student's reply reaches their professor, not a no-reply address.
        reply_to=[session.professor.user.email] if session.professor.user.email else None,
    )


def _finish(invitation: RoomInvitation, attempts: int, error: str) -> str:
    """Record the outcome of a claimed attempt; returns "sent", "retrying" or "failed"."""
    if not error:
        transition_many(
            RoomInvitation,
            RoomInvitation.Status.SENT,
            pks=[invitation.pk],
            reason=f"attempt {attempts}",
            fields={"sent_at": timezone.now(), "error": ""},
        )
        return "sent"
    if attempts >= MAX_ATTEMPTS:
        _fail([invitation.pk], error)
        return "failed"
    RoomInvitation.objects.filter(pk=invitation.pk, status=RoomInvitation.Status.PENDING).update(
        error=error[:1000]
    )
    return "retrying"


def room_invitations_send_due(*, base_url: str = "", limit: int = BATCH) -> dict[str, int]:
    """Send every invitation whose next attempt is due (the background job). Never raises:
    a failure is kept on the row (retried on schedule, then `failed`)."""
    now = timezone.now()
    # A last attempt claimed by a worker that died mid-send: nothing is left to retry.
    abandoned = timedelta(seconds=RETRY_SCHEDULE[-1] + 10 * settings.EMAIL_TIMEOUT)
    interrupted = RoomInvitation.objects.filter(
        status=RoomInvitation.Status.PENDING,
        attempts__gte=MAX_ATTEMPTS,
        created_at__lte=now - abandoned,
    ).values_list("pk", flat=True)
    _fail(list(interrupted), "Sending was interrupted.")
    due = list(
        RoomInvitation.objects.filter(_due(now))
        .select_related("student", "room__session__course", "room__session__professor__user")
        .order_by("created_at", "pk")[:limit]
    )
    counts = {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}
    for invitation in due:
        claimed = RoomInvitation.objects.filter(
            pk=invitation.pk,
            status=RoomInvitation.Status.PENDING,
            attempts=invitation.attempts,
        ).update(attempts=F("attempts") + 1)
        if not claimed:
            counts["skipped"] += 1  # another worker took this attempt
            continue
        attempts = invitation.attempts + 1
        room = invitation.room
        if room.status == BreakoutRoom.Status.COMPLETED or not room.session.is_open:
            _fail([invitation.pk], "The session ended before the invitation was sent.")
            counts["failed"] += 1
            continue
        error = ""
        try:
            _message(invitation, base_url).send(fail_silently=False)
        except Exception as exc:  # SMTP refusals, timeouts, DNS: all kept on the row
            logger.warning("Invitation %s to %s failed: %s", invitation.pk, invitation.email, exc)
            error = mail_failure(exc)
        counts[_finish(invitation, attempts, error)] += 1
    return counts


def mail_failure(exc: Exception) -> str:
    """What the professor is told about a failed send (the exception itself goes to the log:
    its text is the mail library's, not a sentence for a user)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "The mail server refused the student's address."
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "The mail server refused our login."
    if isinstance(exc, TimeoutError):
        return "The mail server did not answer in time."
    if isinstance(exc, ConnectionRefusedError):
        return "The mail server refused the connection."
    if isinstance(exc, smtplib.SMTPException):
        return "The mail server did not accept the message."
    if isinstance(exc, OSError):
        return "The mail server could not be reached."
    return "The invitation could not be sent."


def room_invitations_due() -> bool:
    """Is any invitation's next attempt due now (one cheap query, for the pickup loop)?"""
    return RoomInvitation.objects.filter(_due(timezone.now())).exists()


def _next_due_in() -> float | None:
    """Seconds until the next pending attempt is due (None when nothing is pending)."""
    now = timezone.now()
    soonest: float | None = None
    rows = RoomInvitation.objects.filter(
        status=RoomInvitation.Status.PENDING, attempts__lt=MAX_ATTEMPTS
    ).values_list("attempts", "created_at")
    for attempts, created_at in rows:
        wait = (created_at + timedelta(seconds=RETRY_SCHEDULE[attempts]) - now).total_seconds()
        soonest = wait if soonest is None else min(soonest, wait)
    return None if soonest is None else max(0.0, soonest)


def _send_due_closing(base_url: str) -> dict[str, int]:
    try:
        return room_invitations_send_due(base_url=base_url)
    finally:
        close_old_connections()


async def room_invitations_deliver(*, base_url: str = "") -> dict[str, int]:
    """Send what is due now, then wait for each retry slot until nothing is pending (the job
    started right after a session is created or prepared; a periodic run catches anything a
    dead process left)."""
    totals = {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}
    while True:
        counts = await sync_to_async(_send_due_closing, thread_sensitive=False)(base_url)
        for key, value in counts.items():
            totals[key] += value
        wait = await sync_to_async(_next_due_in)()
        if wait is None:
            return totals
        await asyncio.sleep(wait + 0.5)

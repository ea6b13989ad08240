"""Avatar sessions as data: every vendor session we open is a row with a lifecycle and a cost."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.utils import timezone

from config.lifecycle import LifecycleEvent


class AvatarSession(models.Model):
    class Purpose(models.TextChoices):
        INTERVIEW = "interview", "Mock interview"
        CLASSROOM = "classroom", "Classroom breakout room"
        PREVIEW = "preview", "Settings preview"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        STARTING = "starting", "Starting"
        READY = "ready", "Ready"
        STOPPING = "stopping", "Stopping"
        ENDED = "ended", "Ended"
        FAILED = "failed", "Failed"

    LIVE_STATUSES = (Status.REQUESTED, Status.STARTING, Status.READY, Status.STOPPING)

    # {target: statuses it may be reached from}
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.STARTING: frozenset({Status.REQUESTED}),
        Status.READY: frozenset({Status.STARTING}),
        Status.STOPPING: frozenset({Status.REQUESTED, Status.STARTING, Status.READY}),
        Status.ENDED: frozenset({Status.REQUESTED, Status.STARTING, Status.READY, Status.STOPPING}),
        Status.FAILED: frozenset({Status.REQUESTED, Status.STARTING, Status.READY}),
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    subject = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="Public id of what it serves."
    )
    provider = models.CharField(max_length=32)
    provider_session_id = models.CharField(max_length=128, blank=True, db_index=True)
    avatar_id = models.CharField(max_length=128, blank=True)
    voice_id = models.CharField(max_length=128, blank=True)
    quality = models.CharField(max_length=8, default="medium")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    connection = models.JSONField(
        default=dict, blank=True, help_text="Short-lived browser connection details (no keys)."
    )
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    first_speech_at = models.DateTimeField(null=True, blank=True)
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When the start joined the per-provider queue."
    )
    last_activity_at = models.DateTimeField(
        null=True, blank=True, help_text="Last speech sent or reported (idle timeout)."
    )
    keepalive_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    seconds_spoken = models.FloatField(default=0)
    estimated_cost = models.DecimalField(max_digits=10, decimal_places=4, default=Decimal("0"))

    class Meta:
        ordering = ("-requested_at",)
        indexes = [models.Index(fields=("provider", "status"))]

    def __str__(self) -> str:
        started = timezone.localtime(self.requested_at).strftime("%d %b %H:%M")
        return f"{self.get_purpose_display()} avatar, {started} ({self.get_status_display()})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    @property
    def minutes_billed(self) -> float:
        if not self.ready_at:
            return 0.0
        end = self.ended_at or timezone.now()
        return max(0.0, (end - self.ready_at).total_seconds() / 60)


class AvatarProviderGate(models.Model):
    """One row per provider, locked while a start decides whether a slot is free.

    PostgreSQL: `SELECT ... FOR UPDATE` on this row serialises the decision across processes.
    SQLite has no row locks, but its write transactions are IMMEDIATE (settings), so the write
    to this row inside the same transaction serialises them just the same.
    """

    provider = models.CharField(max_length=32, unique=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.provider


class AvatarSessionEvent(LifecycleEvent):
    session = models.ForeignKey(AvatarSession, on_delete=models.CASCADE, related_name="events")

    class Meta(LifecycleEvent.Meta):
        pass


class VoiceTurn(models.Model):
    """Timings of one conversational turn, for the health page and the benchmarks.

    Every offset is milliseconds after `user_done_at`: the end of the user's speech (the
    transcriber's end of utterance, or "Finish answer"/a typed message). An offset is null when the
    turn never reached that step (a typed reply with no model, an avatar that reports no events).
    """

    class Kind(models.TextChoices):
        INTERVIEW = "interview", "Mock interview"
        ROOM = "room", "Tutor room"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    conversation = models.CharField(
        max_length=64, blank=True, help_text="Public id of the interview or room."
    )
    avatar_provider = models.CharField(max_length=32, blank=True)
    model_provider = models.CharField(max_length=32, blank=True)
    user_done_at = models.DateTimeField(default=timezone.now)
    model_request_ms = models.FloatField(null=True, blank=True)
    first_token_ms = models.FloatField(null=True, blank=True)
    first_sentence_ms = models.FloatField(null=True, blank=True)
    speak_command_ms = models.FloatField(null=True, blank=True)
    avatar_talking_ms = models.FloatField(null=True, blank=True)
    interrupted = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("kind", "avatar_provider", "created_at"))]

    def __str__(self) -> str:
        return f"{self.kind} turn at {self.user_done_at:%H:%M:%S}"

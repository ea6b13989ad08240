"""Classrooms: professors, courses and rosters. Sessions and rooms build on these."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from config.lifecycle import LifecycleEvent


class ProfessorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="professor_profile"
    )
    display_name = models.CharField(max_length=120)
    teaching_style = models.TextField(
        blank=True, help_text="How you teach: tone, pace, favourite kinds of questions."
    )
    avatar_id = models.CharField(max_length=128, blank=True)
    voice_id = models.CharField(max_length=128, blank=True)
    likeness_consent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the professor agreed to an avatar clone."
    )

    def __str__(self) -> str:
        return self.display_name

    @property
    def has_clone(self) -> bool:
        """A personal avatar or voice is configured (needs consent to be used)."""
        return bool(self.avatar_id or self.voice_id)

    @property
    def has_consent(self) -> bool:
        return self.likeness_consent_at is not None


class Course(models.Model):
    professor = models.ForeignKey(
        ProfessorProfile, on_delete=models.CASCADE, related_name="courses"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("title",)

    def __str__(self) -> str:
        return self.title


class RosterStudent(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="students")
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    background = models.TextField(blank=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=("course", "name"), name="unique_student_name_per_course"
            )
        ]

    def __str__(self) -> str:
        return self.name


def new_join_token() -> str:
    """At least 256 bits of randomness: the student's only credential."""
    return secrets.token_urlsafe(32)


SHORT_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: easy to read aloud
# Short enough to read off a projector and type on a phone (Google Meet uses 10 letters). A code
# opens its room only while the session is open, and wrong codes are rate limited per client, so
# 31**10 (about 8e14, 49.5 bits) is far beyond online guessing within a class. The room link's
# join token keeps its 256 bits. Codes stay unique across all sessions (a collision is about one
# in 1e9 per new room even with a million rooms stored).
SHORT_CODE_LENGTH = 10
# Codes issued before the change had 26 symbols; they keep working until their session ends.
LEGACY_SHORT_CODE_LENGTH = 26
SHORT_CODE_LENGTHS = (SHORT_CODE_LENGTH, LEGACY_SHORT_CODE_LENGTH)


def new_short_code(length: int = SHORT_CODE_LENGTH) -> str:
    """`length` symbols drawn uniformly: one random number below 31**length written in base 31
    (the same distribution as a `secrets.choice` per symbol, at one call per code: a 100-room
    session makes 100 of them in one request)."""
    base = len(SHORT_CODE_ALPHABET)
    number = secrets.randbelow(base**length)
    symbols = []
    for _ in range(length):
        number, digit = divmod(number, base)
        symbols.append(SHORT_CODE_ALPHABET[digit])
    return "".join(symbols)


class CourseMaterial(models.Model):
    """A text or Markdown document the tutors may quote from (stored, then chunked)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="course-material/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=64, default="text/plain")
    size = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("title",)

    def __str__(self) -> str:
        return self.title


class MaterialChunk(models.Model):
    """A passage of course material, small enough to put into a tutor's context."""

    material = models.ForeignKey(CourseMaterial, on_delete=models.CASCADE, related_name="chunks")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="chunks")
    position = models.PositiveIntegerField()
    heading = models.CharField(max_length=200, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ("material_id", "position")
        indexes = [models.Index(fields=("course", "position"))]

    def __str__(self) -> str:
        return f"{self.material_id}#{self.position}"


class ClassSession(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PREPARED = "prepared", "Prepared"
        STARTING = "starting", "Starting"
        LIVE = "live", "Live"
        ENDING = "ending", "Ending"
        ENDED = "ended", "Ended"
        FAILED = "failed", "Failed"

    class MeetingProvider(models.TextChoices):
        LOCAL = "local", "In-app rooms"
        ZOOM = "zoom", "Zoom"

    TRANSITIONS: dict[str, frozenset[str]] = {
        # prepared: rooms and links exist, no tutor started (no vendor minutes) until "Start"
        Status.PREPARED: frozenset({Status.DRAFT}),
        Status.STARTING: frozenset({Status.DRAFT, Status.PREPARED}),
        Status.LIVE: frozenset({Status.STARTING}),
        Status.ENDING: frozenset(
            {Status.DRAFT, Status.PREPARED, Status.STARTING, Status.LIVE, Status.FAILED}
        ),
        Status.ENDED: frozenset({Status.ENDING}),
        Status.FAILED: frozenset({Status.DRAFT, Status.PREPARED, Status.STARTING}),
    }
    OPEN_STATUSES = (Status.DRAFT, Status.PREPARED, Status.STARTING, Status.LIVE)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    professor = models.ForeignKey(
        ProfessorProfile, on_delete=models.PROTECT, related_name="class_sessions"
    )
    title = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    meeting_provider = models.CharField(
        max_length=16, choices=MeetingProvider.choices, default=MeetingProvider.LOCAL
    )
    meeting_id = models.CharField(max_length=64, blank=True, db_index=True)
    meeting_uuid = models.CharField(max_length=128, blank=True)
    join_url = models.URLField(max_length=1000, blank=True)
    start_url = models.URLField(max_length=2000, blank=True)
    error = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    live_at = models.DateTimeField(null=True, blank=True)
    ending_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.title or f"{self.course} session"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def group(self) -> str:
        return f"classsession.{self.public_id}"


class ClassSessionEvent(LifecycleEvent):
    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="events")

    class Meta(LifecycleEvent.Meta):
        pass


class BreakoutRoom(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DEPLOYING = "deploying", "Deploying tutor"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ERROR = "error", "Error"

    TRANSITIONS: dict[str, frozenset[str]] = {
        # error -> pending is the restart; active -> pending restarts a stuck avatar
        Status.PENDING: frozenset({Status.ERROR, Status.ACTIVE}),
        Status.DEPLOYING: frozenset({Status.PENDING}),
        Status.ACTIVE: frozenset({Status.DEPLOYING}),
        Status.ERROR: frozenset({Status.PENDING, Status.DEPLOYING, Status.ACTIVE}),
        Status.COMPLETED: frozenset(
            {Status.PENDING, Status.DEPLOYING, Status.ACTIVE, Status.ERROR}
        ),
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="rooms")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=120)
    students = models.ManyToManyField(RosterStudent, related_name="breakout_rooms")
    meeting_room_id = models.CharField(max_length=128, blank=True, db_index=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    error = models.TextField(blank=True)
    progress = models.CharField(
        max_length=120, blank=True, help_text="What the deployment is doing right now."
    )
    deploy_claimed_at = models.DateTimeField(null=True, blank=True)
    avatar_session = models.ForeignKey(
        "avatars.AvatarSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="breakout_rooms",
    )
    join_token = models.CharField(max_length=64, unique=True, default=new_join_token)
    short_code = models.CharField(max_length=32, unique=True, default=new_short_code)
    student_present = models.BooleanField(default=False)
    student_seen_at = models.DateTimeField(null=True, blank=True)
    professor_present = models.BooleanField(default=False)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    help_requested_at = models.DateTimeField(null=True, blank=True)
    whisper = models.TextField(
        blank=True, help_text="Private instructions from the professor to this tutor."
    )
    student_seconds = models.FloatField(default=0)
    tutor_seconds = models.FloatField(default=0)
    help_requests = models.PositiveIntegerField(
        default=0, help_text="How many times the student asked for the professor's help."
    )
    tutor_state = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the tutor remembers between replies: the question it asked, hints "
        "used, questions answered right (classrooms.tutor.context.TutorState).",
    )

    class Meta:
        ordering = ("session_id", "position")

    def __str__(self) -> str:
        return self.name

    @property
    def group(self) -> str:
        return f"classroom.room.{self.public_id}"

    @property
    def help_requested(self) -> bool:
        return self.help_requested_at is not None


class BreakoutRoomEvent(LifecycleEvent):
    room = models.ForeignKey(BreakoutRoom, on_delete=models.CASCADE, related_name="events")

    class Meta(LifecycleEvent.Meta):
        pass


class RoomTranscriptLine(models.Model):
    class Speaker(models.TextChoices):
        STUDENT = "student", "Student"
        TUTOR = "tutor", "Tutor"
        PROFESSOR = "professor", "Professor"

    room = models.ForeignKey(BreakoutRoom, on_delete=models.CASCADE, related_name="lines")
    speaker = models.CharField(max_length=16, choices=Speaker.choices)
    text = models.TextField()
    source = models.CharField(max_length=16, blank=True, help_text="typed, voice, broadcast...")
    interrupted = models.BooleanField(
        default=False, help_text="A tutor reply the student spoke over (cut short)."
    )
    sources = models.JSONField(
        default=list, blank=True, help_text="Tutor lines: the material sections the reply drew on."
    )
    grounded = models.BooleanField(
        null=True,
        blank=True,
        help_text="Tutor lines: whether the reply could be grounded in the course material.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=("room", "created_at"))]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.text[:40]}"


class RoomPresenceSpan(models.Model):
    """One stretch of time a student had the room open (for minutes-in-room in the report)."""

    room = models.ForeignKey(BreakoutRoom, on_delete=models.CASCADE, related_name="presence_spans")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("room_id", "started_at")

    def __str__(self) -> str:
        return f"{self.room_id}: {self.started_at:%H:%M} - {self.ended_at or '...'}"


class MisconceptionHit(models.Model):
    """A student's words matched one of the course material's misconceptions."""

    room = models.ForeignKey(BreakoutRoom, on_delete=models.CASCADE, related_name="misconceptions")
    line = models.ForeignKey(
        RoomTranscriptLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=64, help_text="Stable key of the misconception (slug).")
    misconception = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("room_id", "created_at")
        indexes = [models.Index(fields=("key",))]

    def __str__(self) -> str:
        return self.misconception[:60]


class RoomInvitation(models.Model):
    """The email that tells one student their room link and short code."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.SENT: frozenset({Status.PENDING}),
        Status.FAILED: frozenset({Status.PENDING}),
        Status.PENDING: frozenset({Status.FAILED}),  # sent again once the address is fixed
    }

    room = models.ForeignKey(BreakoutRoom, on_delete=models.CASCADE, related_name="invitations")
    student = models.ForeignKey(RosterStudent, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("room_id", "student_id")
        constraints = [
            models.UniqueConstraint(
                fields=("room", "student"), name="one_invitation_per_room_student"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.status})"


class RoomInvitationEvent(LifecycleEvent):
    invitation = models.ForeignKey(RoomInvitation, on_delete=models.CASCADE, related_name="events")

    class Meta(LifecycleEvent.Meta):
        pass


class MeetingBot(models.Model):
    """The tutor's seat in a Zoom breakout room: one bot per room of a session on Zoom.

    A `run_meeting_bots` runner claims a requested bot (`runner`, `launches`), runs it in its
    own OS process, and that process writes `heartbeat_at` while it lives. `launches` is the
    fence: a process only writes to its bot while the row still carries its launch number, so a
    process the runner gave up on can never move a bot that was launched again.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        LAUNCHING = "launching", "Launching"
        JOINING = "joining", "Joining the meeting"
        WAITING_FOR_ROOM = "waiting_for_room", "Waiting to be assigned"
        IN_ROOM = "in_room", "In its breakout room"
        LEAVING = "leaving", "Leaving"
        ENDED = "ended", "Left the meeting"
        FAILED = "failed", "Failed"

    RUNNING = (Status.LAUNCHING, Status.JOINING, Status.WAITING_FOR_ROOM, Status.IN_ROOM)
    TRANSITIONS: dict[str, frozenset[str]] = {
        # back to requested: a restart (the professor's, or a process that died)
        Status.REQUESTED: frozenset({*RUNNING, Status.FAILED}),
        Status.LAUNCHING: frozenset({Status.REQUESTED}),
        Status.JOINING: frozenset({Status.LAUNCHING}),
        # in_room -> waiting: the host closed the rooms or moved the bot back
        Status.WAITING_FOR_ROOM: frozenset({Status.JOINING, Status.IN_ROOM}),
        Status.IN_ROOM: frozenset({Status.JOINING, Status.WAITING_FOR_ROOM}),
        Status.LEAVING: frozenset({Status.REQUESTED, *RUNNING}),
        Status.ENDED: frozenset({Status.REQUESTED, Status.LEAVING}),
        Status.FAILED: frozenset({Status.REQUESTED, *RUNNING, Status.LEAVING}),
    }
    OPEN_STATUSES = (Status.REQUESTED, *RUNNING, Status.LEAVING)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    room = models.OneToOneField(BreakoutRoom, on_delete=models.CASCADE, related_name="bot")
    display_name = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    runner = models.CharField(max_length=200, blank=True, help_text="host:pid of its runner.")
    pid = models.PositiveIntegerField(null=True, blank=True, help_text="Its own OS process.")
    launches = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("room_id",)

    def __str__(self) -> str:
        return f"{self.display_name} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def minutes_billed(self) -> float:
        """Minutes in the meeting: from the first join to leaving (a bot host bills by the
        hour of a running bot, whether or not it was assigned a room)."""
        if not self.joined_at:
            return 0.0
        end = self.ended_at or timezone.now()
        return max(0.0, (end - self.joined_at).total_seconds() / 60)


class MeetingBotEvent(LifecycleEvent):
    bot = models.ForeignKey(MeetingBot, on_delete=models.CASCADE, related_name="events")

    class Meta(LifecycleEvent.Meta):
        pass

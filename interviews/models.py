"""Mock interviews: candidate profiles, the curated question bank, interviews and attempts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from config.lifecycle import LifecycleEvent


class CandidateProfile(models.Model):
    class Quality(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidate_profile"
    )
    mock_avatar_id = models.CharField(max_length=128, blank=True)
    mock_voice_id = models.CharField(max_length=128, blank=True)
    mock_avatar_quality = models.CharField(
        max_length=8, choices=Quality.choices, default=Quality.MEDIUM
    )
    speaking_rate = models.FloatField(default=1.0)
    max_quality = models.CharField(
        max_length=8,
        choices=Quality.choices,
        default=Quality.MEDIUM,
        help_text="Highest avatar quality this user may choose (tier set by staff).",
    )

    def __str__(self) -> str:
        return f"Candidate profile of {self.user}"


class BankQuestion(models.Model):
    """A curated question, tagged by competency and the roles it suits."""

    class Competency(models.TextChoices):
        BEHAVIOURAL = "behavioural", "Behavioural"
        LEADERSHIP = "leadership", "Leadership"
        CONFLICT = "conflict", "Conflict"
        FAILURE = "failure", "Failure and learning"
        TEAMWORK = "teamwork", "Teamwork"
        TECHNICAL = "technical_general", "Technical (general)"

    text = models.TextField(unique=True)
    competency = models.CharField(max_length=32, choices=Competency.choices, db_index=True)
    roles = models.JSONField(
        default=list,
        blank=True,
        help_text='Role tags, e.g. ["engineering", "product"]; empty: any.',
    )
    interview_type = models.CharField(max_length=16, default="behavioural", db_index=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("competency", "id")

    def __str__(self) -> str:
        return self.text[:80]


# --- Mock interviews --------------------------------------------------------------------------


class MockInterview(models.Model):
    """One practice interview. `status` is the live state the page shows (see docs/protocol.md).

    created -> warm_up (page connected) -> asking -> listening -> processing -> feedback, then
    follow_up -> listening (a follow-up answer), listening (try again), asking (next question)
    or completed. Any live state may end as completed (the candidate ends early) or abandoned.
    """

    class Status(models.TextChoices):
        CREATED = "created", "Not started"
        WARM_UP = "warm_up", "Warming up"
        ASKING = "asking", "Asking"
        LISTENING = "listening", "Listening"
        PROCESSING = "processing", "Preparing feedback"
        FEEDBACK = "feedback", "Feedback"
        FOLLOW_UP = "follow_up", "Follow-up question"
        COMPLETED = "completed", "Completed"
        ABANDONED = "abandoned", "Abandoned"

    class Persona(models.TextChoices):
        FRIENDLY = "friendly", "Friendly"
        NEUTRAL = "neutral", "Neutral"
        TOUGH = "tough", "Tough"

    class InterviewType(models.TextChoices):
        BEHAVIOURAL = "behavioural", "Behavioural"
        TECHNICAL = "technical", "Technical (general)"
        MIXED = "mixed", "Mixed"

    class Seniority(models.TextChoices):
        JUNIOR = "junior", "Junior"
        MID = "mid", "Mid-level"
        SENIOR = "senior", "Senior"
        LEAD = "lead", "Lead / manager"

    LIVE_STATUSES = (
        Status.WARM_UP,
        Status.ASKING,
        Status.LISTENING,
        Status.PROCESSING,
        Status.FEEDBACK,
        Status.FOLLOW_UP,
    )
    TERMINAL_STATUSES = (Status.COMPLETED, Status.ABANDONED)

    # {target: statuses it may be reached from}
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.WARM_UP: frozenset({Status.CREATED}),
        Status.ASKING: frozenset({Status.WARM_UP, Status.FEEDBACK}),
        Status.LISTENING: frozenset({Status.ASKING, Status.FOLLOW_UP, Status.FEEDBACK}),
        Status.PROCESSING: frozenset({Status.LISTENING, Status.FEEDBACK}),
        Status.FEEDBACK: frozenset({Status.PROCESSING, Status.FOLLOW_UP, Status.LISTENING}),
        Status.FOLLOW_UP: frozenset({Status.FEEDBACK}),
        Status.COMPLETED: frozenset(LIVE_STATUSES),
        Status.ABANDONED: frozenset({Status.CREATED, *LIVE_STATUSES}),
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mock_interviews"
    )
    target_role = models.CharField(max_length=120)
    role_family = models.CharField(
        max_length=32, blank=True, help_text="Question-bank role tag (engineering, product...)."
    )
    company = models.CharField(max_length=120, blank=True)
    seniority = models.CharField(max_length=8, choices=Seniority.choices, default=Seniority.MID)
    interview_type = models.CharField(
        max_length=16, choices=InterviewType.choices, default=InterviewType.BEHAVIOURAL
    )
    job_description = models.TextField(blank=True)
    persona = models.CharField(max_length=8, choices=Persona.choices, default=Persona.NEUTRAL)
    question_count = models.PositiveSmallIntegerField(default=5)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.CREATED, db_index=True
    )
    current_index = models.PositiveSmallIntegerField(
        default=0, help_text="0-based position of the question being asked."
    )
    current_attempt = models.ForeignKey(
        "Attempt", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_follow_up = models.ForeignKey(
        "FollowUp", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    avatar_session = models.ForeignKey(
        "avatars.AvatarSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interviews",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.target_role} ({self.get_status_display()})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in self.TERMINAL_STATUSES


class InterviewEvent(LifecycleEvent):
    interview = models.ForeignKey(MockInterview, on_delete=models.CASCADE, related_name="events")

    class Meta(LifecycleEvent.Meta):
        pass


class InterviewQuestion(models.Model):
    class Source(models.TextChoices):
        BANK = "bank", "Question bank"
        GENERATED = "generated", "Generated from the job description"

    interview = models.ForeignKey(MockInterview, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(help_text="1-based position in the interview.")
    text = models.TextField()
    competency = models.CharField(max_length=32, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.BANK)
    bank_question = models.ForeignKey(
        BankQuestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("interview", "order")
        constraints = [
            models.UniqueConstraint(
                fields=("interview", "order"), name="unique_question_order_per_interview"
            )
        ]

    def __str__(self) -> str:
        return f"Q{self.order}: {self.text[:60]}"


class FollowUp(models.Model):
    """A follow-up the interviewer asked because an answer left a gap."""

    question = models.ForeignKey(
        InterviewQuestion, on_delete=models.CASCADE, related_name="follow_ups"
    )
    prompted_by = models.ForeignKey(
        "Attempt", on_delete=models.CASCADE, related_name="follow_ups_prompted"
    )
    text = models.TextField()
    gap = models.TextField(blank=True, help_text="What the coach found missing.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.text[:80]


class Attempt(models.Model):
    class Kind(models.TextChoices):
        ANSWER = "answer", "Answer"
        FOLLOW_UP = "follow_up", "Follow-up answer"

    class Status(models.TextChoices):
        RECORDING = "recording", "Recording"
        SUBMITTED = "submitted", "Submitted"
        SCORED = "scored", "Scored"
        FEEDBACK_FAILED = "feedback_failed", "Feedback failed"

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.SUBMITTED: frozenset({Status.RECORDING, Status.FEEDBACK_FAILED}),
        Status.SCORED: frozenset({Status.SUBMITTED}),
        Status.FEEDBACK_FAILED: frozenset({Status.SUBMITTED}),
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    question = models.ForeignKey(
        InterviewQuestion, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(help_text="1-based, per question and kind.")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ANSWER)
    follow_up = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.CASCADE, related_name="attempts"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.RECORDING, db_index=True
    )
    segments = models.JSONField(
        default=list, blank=True, help_text="Final transcript segments in arrival order."
    )
    transcript = models.TextField(blank=True)
    word_timings = models.JSONField(default=list, blank=True)
    audio_duration = models.FloatField(default=0)
    feedback = models.JSONField(null=True, blank=True)
    feedback_error = models.CharField(max_length=500, blank=True)
    overall = models.FloatField(null=True, blank=True)
    is_best = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("question", "created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("question", "kind", "number"), name="unique_attempt_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} to {self.question}"


class AttemptEvent(LifecycleEvent):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="events")

    class Meta(LifecycleEvent.Meta):
        pass


# --- Coaching: report share links and the story bank (issue 3) ----------------------------------


def _share_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class ReportShare(models.Model):
    """A read-only link to one interview's report for a coach. Unguessable, revocable."""

    interview = models.ForeignKey(MockInterview, on_delete=models.CASCADE, related_name="shares")
    token = models.CharField(max_length=64, unique=True, default=_share_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"Share of {self.interview_id} ({'revoked' if self.revoked_at else 'active'})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Story(models.Model):
    """A STAR story in the candidate's story bank, tagged by competency."""

    OVERUSED_SESSIONS = 3

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stories"
    )
    title = models.CharField(max_length=120)
    competency = models.CharField(
        max_length=32, choices=BankQuestion.Competency.choices, blank=True, db_index=True
    )
    situation = models.TextField(blank=True)
    task = models.TextField(blank=True)
    action = models.TextField(blank=True)
    result = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    source_attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("competency", "-updated_at")
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title


class StoryUse(models.Model):
    """A story told in an interview session (one row per story and session)."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="uses")
    interview = models.ForeignKey(
        MockInterview, on_delete=models.CASCADE, related_name="story_uses"
    )
    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("story", "interview"), name="unique_story_use")
        ]

    def __str__(self) -> str:
        return f"{self.story} in {self.interview_id}"

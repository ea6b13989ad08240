"""Mock interviews: candidate profiles, the curated question bank, interviews and attempts."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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

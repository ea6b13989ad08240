"""Interview services (writes). Views and consumers call these; nothing else saves models."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from interviews.models import BankQuestion, CandidateProfile
from interviews.question_bank import QUESTIONS


def candidate_profile_ensure(*, user: AbstractBaseUser) -> CandidateProfile:
    profile, _ = CandidateProfile.objects.get_or_create(user=user)
    return profile


def question_bank_seed() -> int:
    """Create or refresh the curated questions. Idempotent; returns how many were created."""
    created = 0
    for text, competency, roles, kind in QUESTIONS:
        _, was_created = BankQuestion.objects.update_or_create(
            text=text,
            defaults={"competency": competency, "roles": roles, "interview_type": kind},
        )
        created += was_created
    return created

"""Setting up an interview (writes): candidate profiles, the question bank, picking and generating questions."""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.db import transaction

from avatars.providers.base import ChatMessage, ProviderError
from avatars.providers.registry import get_language_model
from config.lifecycle import record_created
from config.ratelimit import rate_limit_hit
from interviews.coaching.competencies import resolve_competency
from interviews.models import (
    BankQuestion,
    CandidateProfile,
    InterviewQuestion,
    MockInterview,
)
from interviews.question_bank import QUESTIONS

logger = logging.getLogger(__name__)


MAX_GENERATED_QUESTION_CHARS = 300

GENERATED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["questions"],
    "properties": {
        "questions": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["text", "competency"],
                "properties": {
                    "text": {"type": "string"},
                    "competency": {"type": "string"},
                },
            },
        }
    },
}


def candidate_profile_ensure(*, user: User) -> CandidateProfile:
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


# --- Setup: choosing and generating questions -----------------------------------------------


@dataclass(frozen=True)
class InterviewSpec:
    target_role: str
    role_family: str = ""
    company: str = ""
    seniority: str = MockInterview.Seniority.MID
    interview_type: str = MockInterview.InterviewType.BEHAVIOURAL
    job_description: str = ""
    persona: str = MockInterview.Persona.NEUTRAL
    question_count: int = 5
    competencies: tuple[str, ...] = ()


def normalise_question(text: str) -> str:
    """Comparison key for de-duplication: lower case, words only."""
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def bank_questions_pick(
    *,
    role_family: str,
    interview_type: str,
    competencies: tuple[str, ...] = (),
    count: int,
    rng: random.Random | None = None,
) -> list[BankQuestion]:
    """Pick `count` distinct active bank questions suiting the role, type and competencies.

    Questions tagged for the role come first, then untagged ("any role") ones; competencies
    are spread round-robin so five questions do not all test the same thing.
    """
    rng = rng or random.Random()  # noqa: S311 (not security relevant)
    qs = BankQuestion.objects.filter(is_active=True)
    if interview_type in ("behavioural", "technical"):
        qs = qs.filter(interview_type=interview_type)
    if competencies:
        qs = qs.filter(competency__in=competencies)
    pool = list(qs)
    if not pool and competencies:  # nothing matches the filters: relax the competencies
        return bank_questions_pick(
            role_family=role_family, interview_type=interview_type, count=count, rng=rng
        )

    def rank(q: BankQuestion) -> int:
        if role_family and role_family in (q.roles or []):
            return 0
        if not q.roles:
            return 1
        return 2 if role_family else 1

    rng.shuffle(pool)
    pool.sort(key=rank)
    by_competency: dict[str, list[BankQuestion]] = {}
    for question in pool:
        if rank(question) < 2:
            by_competency.setdefault(question.competency, []).append(question)
    leftovers = [q for q in pool if rank(q) == 2]
    picked: list[BankQuestion] = []
    while len(picked) < count and any(by_competency.values()):
        for bucket in list(by_competency.values()):
            if bucket and len(picked) < count:
                picked.append(bucket.pop(0))
    picked.extend(leftovers[: max(0, count - len(picked))])
    return picked


def _generation_messages(spec: InterviewSpec, count: int) -> list[ChatMessage]:
    competencies = ", ".join(BankQuestion.Competency.values)
    return [
        ChatMessage(
            role="system",
            content=(
                "You write interview questions for a mock interview. Return JSON only. Each "
                "question is one or two sentences, answerable in two minutes, specific to the "
                f"job description, and tagged with one competency from: {competencies}."
            ),
        ),
        ChatMessage(
            role="user",
            content=(
                f"Role: {spec.target_role} ({spec.seniority})\nCompany: {spec.company or '-'}\n"
                f"Interview type: {spec.interview_type}\nWrite {count} questions.\n"
                f"Job description:\n{spec.job_description[:6000]}"
            ),
        ),
    ]


def validate_generated_questions(
    payload: Any, *, exclude: set[str], limit: int
) -> list[tuple[str, str]]:
    """Keep well-formed, new questions from a model's JSON: (text, competency) pairs."""
    items = payload.get("questions") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        return []
    seen = set(exclude)
    valid: list[tuple[str, str]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        text = item.get("text")
        competency = item.get("competency")
        if not isinstance(text, str):
            continue
        text = " ".join(text.split())
        if not 15 <= len(text) <= MAX_GENERATED_QUESTION_CHARS:
            continue
        key = normalise_question(text)
        if not key or key in seen:
            continue
        # A model may leave the competency out, misspell it or use the label; the question's
        # own text then decides, so the coach knows what an answer to it must contain.
        competency = resolve_competency(competency if isinstance(competency, str) else "", text)
        seen.add(key)
        valid.append((text, competency))
        if len(valid) >= limit:
            break
    return valid


def generate_questions(
    *, user_id: int, spec: InterviewSpec, count: int, exclude: set[str]
) -> list[tuple[str, str]]:
    """Ask the configured language model for questions from the job description.

    Returns [] when no model is configured or it fails (the bank covers the interview);
    raises RateLimited when the candidate generated too often.
    """
    model = get_language_model()
    if model is None or not spec.job_description.strip() or count <= 0:
        return []
    rate_limit_hit(user_id=user_id, action="question_generate")
    try:
        payload = async_to_sync(model.complete_json)(
            _generation_messages(spec, count),
            schema_name="interview_questions",
            schema=GENERATED_SCHEMA,
        )
    except ProviderError as exc:
        logger.warning("Question generation failed: %s", exc)
        return []
    return validate_generated_questions(payload, exclude=exclude, limit=count)


def interview_create(*, owner: User, spec: InterviewSpec) -> MockInterview:
    """Create an interview with its questions. Rate limited (`interview_start`).

    With a language model and a job description, up to half of the questions are generated
    (validated, de-duplicated against each other and the bank picks); the rest come from the
    curated bank. The model call happens before the write transaction.
    """
    rate_limit_hit(user_id=owner.pk, action="interview_start")
    if not BankQuestion.objects.exists():  # a fresh install: the curated bank is built in
        question_bank_seed()
    count = max(1, min(int(spec.question_count), 10))
    want_generated = (count + 1) // 2 if spec.job_description.strip() else 0
    bank = bank_questions_pick(
        role_family=spec.role_family,
        interview_type=spec.interview_type,
        competencies=spec.competencies,
        count=count,
    )
    generated: list[tuple[str, str]] = []
    if want_generated and get_language_model() is not None:
        generated = generate_questions(
            user_id=owner.pk,
            spec=spec,
            count=want_generated,
            exclude={normalise_question(q.text) for q in bank},
        )
    bank = bank[: max(0, count - len(generated))]
    with transaction.atomic():
        interview = MockInterview.objects.create(
            owner=owner,
            target_role=spec.target_role,
            role_family=spec.role_family,
            company=spec.company,
            seniority=spec.seniority,
            interview_type=spec.interview_type,
            job_description=spec.job_description,
            persona=spec.persona,
            question_count=len(bank) + len(generated),
        )
        record_created([interview])
        rows = [
            InterviewQuestion(
                interview=interview,
                text=q.text,
                competency=q.competency,
                source=InterviewQuestion.Source.BANK,
                bank_question=q,
            )
            for q in bank
        ] + [
            InterviewQuestion(
                interview=interview,
                text=text,
                competency=competency,
                source=InterviewQuestion.Source.GENERATED,
            )
            for text, competency in generated
        ]
        # Interleave generated questions after the first bank question (a familiar opener).
        if generated and bank:
            rows = [rows[0], *rows[len(bank) :], *rows[1 : len(bank)]]
        for order, row in enumerate(rows, start=1):
            row.order = order
        InterviewQuestion.objects.bulk_create(rows)
    return interview

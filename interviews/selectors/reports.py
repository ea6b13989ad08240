"""The session report rollup (reads).

`session_report` works on an interview whose questions, attempts and follow-ups are prefetched
(`selectors.interview_with_questions`): it issues no query of its own, so the report's query
count does not grow with the number of attempts.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from interviews.coaching.schema import (
    DIMENSION_LABELS,
    DIMENSIONS,
    STAR_PARTS,
    delivery_metric,
    dimension_score,
    feedback_overall,
    star_completeness,
)
from interviews.models import (
    Attempt,
    BankQuestion,
    InterviewQuestion,
    MockInterview,
)

COMPETENCY_LABELS = dict(BankQuestion.Competency.choices)

DIMENSION_TIPS = {
    "structure_star": "Practise telling each story in four beats: situation, task, action, result.",
    "specificity_evidence": "Before answering, note two numbers and the tools or people involved.",
    "impact_results": "End every answer with a measurable result and what changed afterwards.",
    "relevance": "Restate the question in your first sentence and pick a story that fits it.",
    "delivery": "Record a 90-second answer; cut fillers and keep to 120-165 words per minute.",
}


def competency_label(code: str) -> str:
    return COMPETENCY_LABELS.get(code, code.replace("_", " ").capitalize() if code else "General")


@dataclass
class AttemptRow:
    attempt: Attempt
    overall: float | None
    delta: float | None
    star: int
    star_delta: int | None
    specificity: int | None
    specificity_delta: int | None
    wpm: float | None
    wpm_delta: float | None
    fillers: float | None
    fillers_delta: float | None
    long_pauses: float | None
    long_pauses_delta: float | None


@dataclass
class QuestionReport:
    question: InterviewQuestion
    rows: list[AttemptRow]
    best: Attempt | None
    improvement: float | None  # best overall minus first attempt's overall


#: A story is offered as one of the candidate's best only when it scored at least this overall.
STORY_MIN_OVERALL = 3.5


def _story_worth_keeping(feedback: dict[str, Any], overall: float | None) -> bool:
    """A top story: most STAR parts, scored well, and not judged to answer another question
    (capped or with a supported relevance of 2 or less)."""
    if overall is None or overall < STORY_MIN_OVERALL or feedback.get("capped_from") is not None:
        return False
    relevance = (feedback.get("dimensions") or {}).get("relevance") or {}
    if relevance.get("supported") and relevance.get("score", 5) <= 2:
        return False
    return star_completeness(feedback) >= 3


@dataclass
class Story_:
    question: InterviewQuestion
    attempt: Attempt
    overall: float
    parts: list[tuple[str, str]]


@dataclass
class PlanItem:
    competency: str
    label: str
    average: float
    weakest_dimension: str
    tip: str
    questions: list[str]
    practise_url: str


@dataclass
class SessionReport:
    overall: float | None
    answered: int
    questions: list[QuestionReport]
    dimension_averages: list[tuple[str, str, float]]
    strengths: list[str]
    weaknesses: list[str]
    stories: list[Story_]
    plan: list[PlanItem]
    delivery_labels: list[str] = field(default_factory=list)
    wpm: list[float | None] = field(default_factory=list)
    fillers_per_minute: list[float | None] = field(default_factory=list)
    long_pauses: list[float | None] = field(default_factory=list)


def _delta(new: float | None, old: float | None) -> float | None:
    if new is None or old is None:
        return None
    return round(new - old, 1)


def _best(attempts: list[Attempt]) -> Attempt | None:
    flagged = [a for a in attempts if a.is_best]
    if flagged:
        return flagged[-1]
    scored = [a for a in attempts if a.overall is not None]
    if not scored:
        return None
    return max(scored, key=lambda a: (a.overall, a.number))


def _question_report(question: InterviewQuestion) -> QuestionReport:
    answers = sorted(
        (a for a in question.attempts.all() if a.kind == Attempt.Kind.ANSWER),
        key=lambda a: a.number,
    )
    rows: list[AttemptRow] = []
    previous: AttemptRow | None = None
    for attempt in answers:
        fb = attempt.feedback if attempt.status == Attempt.Status.SCORED else None
        overall = attempt.overall if attempt.overall is not None else feedback_overall(fb)
        star = star_completeness(fb)
        spec = dimension_score(fb, "specificity_evidence")
        wpm = delivery_metric(fb, "wpm")
        fillers = delivery_metric(fb, "filler_per_minute")
        if fillers is None and fb:
            fillers = delivery_metric(fb, "fillers")
        pauses = delivery_metric(fb, "long_pauses")
        row = AttemptRow(
            attempt=attempt,
            overall=overall,
            delta=_delta(overall, previous.overall) if previous else None,
            star=star,
            star_delta=(star - previous.star) if previous and fb else None,
            specificity=spec,
            specificity_delta=(
                spec - previous.specificity
                if previous and spec is not None and previous.specificity is not None
                else None
            ),
            wpm=wpm,
            wpm_delta=_delta(wpm, previous.wpm) if previous else None,
            fillers=fillers,
            fillers_delta=_delta(fillers, previous.fillers) if previous else None,
            long_pauses=pauses,
            long_pauses_delta=_delta(pauses, previous.long_pauses) if previous else None,
        )
        rows.append(row)
        if fb:
            previous = row
    best = _best(answers)
    first = next((r.overall for r in rows if r.overall is not None), None)
    improvement = _delta(best.overall if best else None, first) if len(rows) > 1 else None
    return QuestionReport(question=question, rows=rows, best=best, improvement=improvement)


def _practise_url(interview: MockInterview, competency: str) -> str:
    params = {
        "target_role": interview.target_role,
        "company": interview.company,
        "seniority": interview.seniority,
        "interview_type": interview.interview_type,
        "persona": interview.persona,
        "competencies": competency,
        "question_count": 3,
    }
    return reverse("interviews:new") + "?" + urlencode({k: v for k, v in params.items() if v})


def session_report(interview: MockInterview) -> SessionReport:
    """The rollup of one interview (no queries beyond the prefetch)."""
    questions = [_question_report(q) for q in interview.questions.all()]
    for qr in questions:
        # The template iterates the same prefetched instances: it reads the rows from here.
        qr.question.coaching_report = qr  # type: ignore[attr-defined]
    bests = [(qr.question, qr.best) for qr in questions if qr.best and qr.best.feedback]
    overall_values = [b.overall for _, b in bests if b.overall is not None]
    overall = round(sum(overall_values) / len(overall_values), 1) if overall_values else None

    per_dim: dict[str, list[int]] = defaultdict(list)
    for _, best in bests:
        for name in DIMENSIONS:
            score = dimension_score(best.feedback, name)
            if score is not None:
                per_dim[name].append(score)
    averages = [
        (name, DIMENSION_LABELS[name], round(sum(v) / len(v), 1))
        for name, v in per_dim.items()
        if v
    ]
    averages.sort(key=lambda item: DIMENSIONS.index(item[0]))
    ranked = sorted(averages, key=lambda item: -item[2])
    strengths_dims = [f"{label} ({avg}/5)" for _, label, avg in ranked[:2] if avg >= 3]
    weakness_dims = [f"{label} ({avg}/5)" for _, label, avg in ranked[::-1][:2] if avg < 4]

    improvement_counter: Counter[str] = Counter()
    strength_counter: Counter[str] = Counter()
    wording: dict[str, str] = {}  # theme -> the first advice as the candidate saw it
    for _, best in bests:
        for item in (best.feedback or {}).get("improvements", [])[:3]:
            improvement_counter[_theme(item)] += 1
            wording.setdefault(_theme(item), _unquoted(item))
        for item in (best.feedback or {}).get("strengths", [])[:3]:
            strength_counter[_theme(item)] += 1
            wording.setdefault(_theme(item), _unquoted(item))
    strengths = strengths_dims + [wording[t] for t, _ in strength_counter.most_common(3)]
    weaknesses = weakness_dims + [wording[t] for t, _ in improvement_counter.most_common(3)]

    stories: list[Story_] = []
    for question, best in bests:
        fb = best.feedback or {}
        if best.overall is not None and _story_worth_keeping(fb, best.overall):
            star = fb.get("star") or {}
            parts = [(part.capitalize(), star[part]) for part in STAR_PARTS if star.get(part)]
            stories.append(Story_(question, best, best.overall, parts))
    stories.sort(key=lambda s: -s.overall)

    by_competency: dict[str, list[tuple[InterviewQuestion, Attempt]]] = defaultdict(list)
    for question, best in bests:
        by_competency[question.competency or ""].append((question, best))
    plan: list[PlanItem] = []
    for competency, items in by_competency.items():
        scores = [b.overall for _, b in items if b.overall is not None]
        if not scores:
            continue
        average = round(sum(scores) / len(scores), 1)
        dims: dict[str, list[int]] = defaultdict(list)
        for _, best in items:
            for name in DIMENSIONS:
                score = dimension_score(best.feedback, name)
                if score is not None:
                    dims[name].append(score)
        weakest = min(
            dims or {"structure_star": [1]},
            key=lambda n: (sum(dims[n]) / len(dims[n]) if dims.get(n) else 5, n),
        )
        plan.append(
            PlanItem(
                competency=competency,
                label=competency_label(competency),
                average=average,
                weakest_dimension=DIMENSION_LABELS[weakest],
                tip=DIMENSION_TIPS[weakest],
                questions=[q.text for q, _ in items],
                practise_url=_practise_url(interview, competency),
            )
        )
    plan.sort(key=lambda p: (p.average, p.label))
    focus = [p for p in plan if p.average < 4.0][:3] or plan[:1]

    labels: list[str] = []
    wpm: list[float | None] = []
    fpm: list[float | None] = []
    pauses: list[float | None] = []
    for qr in questions:
        for row in qr.rows:
            if row.attempt.feedback is None:
                continue
            labels.append(f"Q{qr.question.order}.{row.attempt.number}")
            wpm.append(row.wpm)
            fpm.append(
                row.fillers
                if delivery_metric(row.attempt.feedback, "filler_per_minute") is not None
                else None
            )
            pauses.append(row.long_pauses)

    return SessionReport(
        overall=overall,
        answered=len(bests),
        questions=questions,
        dimension_averages=averages,
        strengths=strengths[:5],
        weaknesses=weaknesses[:5],
        stories=stories[:3],
        plan=focus,
        delivery_labels=labels,
        wpm=wpm,
        fillers_per_minute=fpm,
        long_pauses=pauses,
    )


_QUOTED = re.compile(r"[:(]\s*[“\"].*$")
_NUMBERS = re.compile(r"\d+(\.\d+)?")


def _unquoted(text: str) -> str:
    """Advice without its quoted example, as shown in the session summary."""
    stripped = _QUOTED.sub("", text).strip()
    return stripped.rstrip(".:;, ") + "." if stripped else text


def _theme(text: str) -> str:
    """The reusable part of a piece of advice (no quoted example, numbers ignored), so the same
    advice across questions is counted once; only used as a grouping key, never shown."""
    return _NUMBERS.sub("N", _unquoted(text))

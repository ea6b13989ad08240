"""Grounding a reply: which course passages and which professor's misconception it stands on,
and the step the tutor takes (classrooms.tutor.steps).

`ground` is pure (no database): the tutor turn calls it on the context `tutor_context` built,
hands the result to the engine (through the context) and records it with
`classrooms.services.teaching.room_teaching_record` for the after-class report and the tutor's
state for its next reply.
"""

from __future__ import annotations

import dataclasses

from classrooms.misconceptions import match_misconception
from classrooms.retrieval import Passage, rank
from classrooms.tutor.context import Act, GroundedPassage, Grounding, Step, TutorContext
from classrooms.tutor.steps import plan

MAX_PASSAGES = 3
# A passage counts as relevant when it holds at least this share of the student's content
# words, or at least two of them (one shared word of a long sentence is not grounding).
MIN_COVERAGE = 0.25
MIN_MATCHED = 2
# Whether a reply stands on the material: True when it answers from it (or judges an answer
# by it), False only for a real question the material does not cover (the report lists those),
# None when there is nothing to ground (a greeting, a plea for a hint, a summary).
GROUNDED_BY_ACT: dict[str, bool] = {
    Act.EXPLAIN: True,
    Act.RIGHT: True,
    Act.PARTLY: True,
    Act.WRONG: True,
    Act.WORKED: True,
    Act.MISCONCEPTION: True,
    Act.NOT_COVERED: False,
}


def ground(ctx: TutorContext, student_text: str) -> Grounding:
    text = student_text.strip()
    chunks = [(s.heading, s.text) for s in ctx.material]
    misconception = (
        match_misconception(text, ctx.misconceptions, ctx.script.synonyms) if text else None
    )
    found = [
        p
        for p in rank(text, chunks, k=MAX_PASSAGES)
        if p.coverage >= MIN_COVERAGE or p.matched >= MIN_MATCHED
    ]
    if misconception is not None:  # the section that explains it comes first
        home = next(
            (i for i, s in enumerate(ctx.material) if s.heading == misconception.heading), None
        )
        if home is not None and all(p.index != home for p in found):
            section = ctx.material[home]
            found.insert(
                0, Passage(heading=section.heading, text=section.text, score=0.0, index=home)
            )
    step = plan(
        ctx,
        text,
        misconception=misconception,
        passage_headings=tuple(p.heading for p in found),
        passages=tuple(p.text for p in found),
    )
    if step.act != Act.MISCONCEPTION:
        misconception = None
    if ctx.whisper:  # the professor's instruction steers what the tutor looks at
        for p in rank(ctx.whisper, chunks, k=1):
            if all(p.index != q.index for q in found):
                found.append(p)
    passages = tuple(
        GroundedPassage(
            chunk_id=ctx.material[p.index].chunk_id,
            heading=p.heading,
            text=p.text,
            score=p.score,
        )
        for p in found[:MAX_PASSAGES]
    )
    return Grounding(
        passages=passages,
        misconception=misconception,
        grounded=GROUNDED_BY_ACT.get(step.act),
        step=step,
    )


def planned(ctx: TutorContext, student_text: str) -> tuple[Grounding, Step]:
    """The grounding for `student_text` and the step the tutor takes (never missing)."""
    grounding = ctx.grounding
    if grounding.step is None:
        grounding = ground(ctx, student_text)
    step = grounding.step
    if step is None:  # ground() always plans a step
        raise RuntimeError("the tutor's step was not planned")
    return grounding, step


def with_grounding(ctx: TutorContext, student_text: str) -> TutorContext:
    """The context with its grounding for `student_text` filled in."""
    return dataclasses.replace(ctx, grounding=ground(ctx, student_text))

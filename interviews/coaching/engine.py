"""The coaching entry points: one input type, one output schema, the engine chosen by settings.

Every engine's final feedback passes `cap_for_relevance` here, so an answer to a different
question cannot pass as good whichever engine judged it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from avatars.providers.registry import get_language_model
from interviews.coaching.answer import AnswerInput
from interviews.coaching.local import local_coach
from interviews.coaching.openai_coach import stream_model_feedback
from interviews.coaching.schema import clip, overall_score

#: A relevance of 2 or less (of 5) means "did not answer this question" (the engines agree on it).
OFF_TOPIC_RELEVANCE = 2
#: The most an off-topic answer can score overall. 3 of 5 is the pass mark ("adequate"), so the
#: cap sits below it: an answer to another question must never read as a pass, however polished
#: the story. Half a point below rather than at 2: a well-told story to the wrong question still
#: ranks above a non-answer (about 1), and the candidate sees that the story itself had merit.
RELEVANCE_CAP = 2.5


def off_topic_note(answer: AnswerInput, engine_note: str = "") -> str:
    """What the capped answer seems to be about: the engine's own relevance note when it gave
    one (it judged on the answer's content), else the question it did not address."""
    if engine_note.strip():
        return clip(engine_note, 300)
    question = clip(answer.question, 160) or "the question"
    return clip(
        f"This answer seems to be about something other than the question asked ({question}): "
        "open with the part of your story that answers it.",
        300,
    )


def cap_for_relevance(feedback: dict[str, Any], answer: AnswerInput) -> dict[str, Any]:
    """Feedback whose relevance is <= OFF_TOPIC_RELEVANCE: the overall is capped at
    RELEVANCE_CAP (the uncapped value kept in `capped_from`) and the relevance note and the
    first improvement say what the answer did not address. Other feedback is returned as is.
    A relevance score the engine could not support (invented quotes, none given) or did not
    judge caps nothing: it is not counted anywhere else either. The local coach judges relevance
    only on positive evidence (the story fits another ask), never on a missed word."""
    dims = feedback.get("dimensions") or {}
    relevance = dims.get("relevance") or {}
    if not relevance.get("supported") or relevance.get("score", 5) > OFF_TOPIC_RELEVANCE:
        return feedback
    note = off_topic_note(answer, str(relevance.get("note") or ""))
    dims = {**dims, "relevance": {**relevance, "note": note}}
    improvements = [note] + [item for item in feedback.get("improvements") or [] if item != note]
    uncapped = feedback.get("overall")
    if not isinstance(uncapped, int | float):
        uncapped = overall_score(dims)
    capped = uncapped > RELEVANCE_CAP
    return {
        **feedback,
        "dimensions": dims,
        "improvements": improvements[:6],
        "overall": RELEVANCE_CAP if capped else uncapped,
        "capped_from": uncapped if capped else None,
    }


def local_feedback(answer: AnswerInput) -> dict[str, Any]:
    """Deterministic feedback (FEEDBACK_SCHEMA) without any network call."""
    return cap_for_relevance(dict(local_coach(answer)), answer)


async def generate_feedback(answer: AnswerInput) -> AsyncIterator[dict[str, Any]]:
    """Feedback events for the configured engine (settings.LLM_PROVIDER).

    Yields zero or more `{"type": "partial", ...}` events, then exactly one
    `{"type": "final", "feedback": {...}}`. A model failure raises `ProviderError`.
    """
    model = get_language_model()
    if model is None:
        yield {"type": "final", "feedback": local_feedback(answer)}
        return
    async for event in stream_model_feedback(answer, model):
        if event.get("type") == "final":
            event = {**event, "feedback": cap_for_relevance(event["feedback"], answer)}
        yield event

"""The story bank (writes): save a story from an attempt, edit, delete."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from config.errors import NotFound
from interviews.coaching.schema import clip
from interviews.models import Attempt, Story, StoryUse

SIMILAR_STORY = 0.5


# --- Story bank -------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 3}


def _similarity(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def _story_text(story: Story) -> str:
    return " ".join([story.situation, story.task, story.action, story.result])


@dataclass(frozen=True)
class StorySaved:
    story: Story
    created: bool


@transaction.atomic
def story_save_from_attempt(*, user: User, attempt_public_id: str) -> StorySaved:
    """Save the STAR parts of one of the user's scored answers to the story bank.

    When the user already has a story that this answer retells (most of its words in common),
    the answer is recorded as another use of that story instead of a duplicate: that is how a
    story becomes "over-used" (told in 3 or more sessions).
    """
    try:  # the id comes from a form post: anything that is not a UUID is simply unknown
        attempt_uuid = uuid.UUID(str(attempt_public_id))
    except ValueError:
        raise NotFound("No such answer.") from None
    attempt = (
        Attempt.objects.select_related("question__interview")
        .filter(public_id=attempt_uuid, question__interview__owner_id=user.pk)
        .first()
    )
    if attempt is None or not attempt.feedback:
        raise NotFound("No such answer.")
    star = attempt.feedback.get("star") or {}
    parts = {
        part: clip(star.get(part) or "", 2000) for part in ("situation", "task", "action", "result")
    }
    text = " ".join(parts.values()) or attempt.transcript
    interview = attempt.question.interview
    existing = None
    for story in Story.objects.filter(owner_id=user.pk).only(
        "id", "situation", "task", "action", "result"
    ):
        if _similarity(text, _story_text(story)) >= SIMILAR_STORY:
            existing = story
            break
    created = existing is None
    if existing is None:
        title_source = parts["situation"] or parts["action"] or attempt.question.text
        existing = Story.objects.create(
            owner=user,
            title=clip(title_source, 110),
            competency=attempt.question.competency or "",
            source_attempt=attempt,
            **parts,
        )
    try:
        with transaction.atomic():
            StoryUse.objects.get_or_create(
                story=existing, interview=interview, defaults={"attempt": attempt}
            )
    except IntegrityError:
        pass
    return StorySaved(story=existing, created=created)


def story_update(
    *,
    story: Story,
    title: str,
    competency: str,
    situation: str,
    task: str,
    action: str,
    result: str,
    notes: str,
) -> Story:
    story.title = title
    story.competency = competency
    story.situation = situation
    story.task = task
    story.action = action
    story.result = result
    story.notes = notes
    story.save()
    return story


def story_delete(*, story: Story) -> None:
    story.delete()

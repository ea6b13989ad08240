"""The story bank (reads)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, QuerySet
from django.http import Http404

from interviews.models import (
    MockInterview,
    Story,
)

# --- Story bank -------------------------------------------------------------------------------


def stories_for_owner(*, user: User) -> QuerySet[Story]:
    """The candidate's stories with the number of sessions each was used in (one query)."""
    return Story.objects.filter(owner_id=user.pk).annotate(
        session_count=Count("uses__interview", distinct=True)
    )


def story_for_owner(*, public_id: Any, user: User) -> Story:
    story = stories_for_owner(user=user).filter(public_id=public_id).first()
    if story is None:
        raise Http404("No such story.")
    return story


def saved_story_attempt_ids(*, interview: MockInterview) -> set[int]:
    """Attempts of this interview already in its owner's story bank (one query)."""
    return set(
        Story.objects.filter(owner_id=interview.owner_id, uses__interview=interview)
        .exclude(uses__attempt__isnull=True)
        .values_list("uses__attempt_id", flat=True)
    )

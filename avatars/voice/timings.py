"""Per-turn timings: a clock started when the user is done, marks along the way, one row.

Field meanings are documented on `avatars.models.VoiceTurn`: every offset is milliseconds after
the end of the user's speech (or "Finish answer" / a typed message). Only the first mark of each
step counts (a reply spoken as several sentences has one first sentence).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from avatars.models import VoiceTurn

logger = logging.getLogger(__name__)

STEPS = ("model_request", "first_token", "first_sentence", "speak_command", "avatar_talking")


@dataclass
class TurnClock:
    kind: str  # VoiceTurn.Kind
    conversation: str
    avatar_provider: str = ""
    model_provider: str = ""
    started: float = field(default_factory=time.perf_counter)
    user_done_at: datetime = field(default_factory=timezone.now)
    marks: dict[str, float] = field(default_factory=dict)
    interrupted: bool = False
    recorded: bool = False

    def mark(self, step: str) -> None:
        if step not in STEPS:
            raise ValueError(f"Unknown turn step {step!r}.")
        self.marks.setdefault(step, round((time.perf_counter() - self.started) * 1000, 1))


def voice_turn_record(*, clock: TurnClock) -> VoiceTurn | None:
    """Save the turn once (a second call is a no-op); a turn that reached no step is skipped."""
    if clock.recorded or not clock.marks:
        return None
    clock.recorded = True
    return VoiceTurn.objects.create(
        kind=clock.kind,
        conversation=clock.conversation[:64],
        avatar_provider=clock.avatar_provider[:32],
        model_provider=clock.model_provider[:32],
        user_done_at=clock.user_done_at,
        interrupted=clock.interrupted,
        created_at=clock.user_done_at + timedelta(milliseconds=max(clock.marks.values())),
        **{f"{step}_ms": clock.marks.get(step) for step in STEPS},
    )

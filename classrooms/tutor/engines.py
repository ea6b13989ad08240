"""Which tutor engine answers: the language-model tutor when a model is configured, the
local one otherwise."""

from __future__ import annotations

from avatars.providers.registry import get_language_model
from classrooms.tutor import TutorEngine
from classrooms.tutor.local import LocalTutor
from classrooms.tutor.openai import OpenAITutor


def get_tutor_engine() -> TutorEngine:
    model = get_language_model()
    if model is None:
        return LocalTutor()
    return OpenAITutor(model)

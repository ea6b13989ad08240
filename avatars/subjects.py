"""What an avatar session serves, in words, for the admin: each app that starts avatar sessions
registers a labeller for its purpose (avatars imports neither app; they call `register`).

A labeller takes the subjects (public ids) of one page of sessions and returns {subject: label}
in one query, so the admin list stays free of N+1 lookups.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

Labeller = Callable[[list[str]], dict[str, str]]

_LABELLERS: dict[str, Labeller] = {}


def subject_uuids(subjects: list[str]) -> list[uuid.UUID]:
    """The subjects that are public ids (a subject is free text: others are skipped)."""
    out = []
    for subject in subjects:
        try:
            out.append(uuid.UUID(subject))
        except ValueError:
            continue
    return out


def register(purpose: str, labeller: Labeller) -> None:
    _LABELLERS[purpose] = labeller


def subject_labels(items: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """{(purpose, subject): label} for the (purpose, subject) pairs that have a labeller."""
    by_purpose: dict[str, list[str]] = {}
    for purpose, subject in items:
        if subject and purpose in _LABELLERS:
            by_purpose.setdefault(purpose, []).append(subject)
    labels: dict[tuple[str, str], str] = {}
    for purpose, subjects in by_purpose.items():
        for subject, label in _LABELLERS[purpose](sorted(set(subjects))).items():
            labels[(purpose, subject)] = label
    return labels

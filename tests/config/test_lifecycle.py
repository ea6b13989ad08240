"""transition_many: the bulk form of transition (conditional UPDATE, one event per moved row,
side effects after commit), and the creation and note events."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from avatars.models import AvatarSession, AvatarSessionEvent
from config.lifecycle import record_created, record_note, transition_many

pytestmark = pytest.mark.django_db

S = AvatarSession.Status


def _make(status: str, subject: str = "x") -> AvatarSession:
    return AvatarSession.objects.create(
        purpose="interview", subject=subject, provider="local", status=status
    )


def test_only_rows_the_table_allows_move_and_each_gets_one_event(
    django_assert_num_queries: Any,
) -> None:
    requested = [_make(S.REQUESTED, f"r{i}") for i in range(3)]
    ready, ended = _make(S.READY), _make(S.ENDED)
    pks = [s.pk for s in requested] + [ready.pk, ended.pk, 999_999]
    with django_assert_num_queries(3):  # read + lock, one UPDATE, one insert of events
        moved = transition_many(
            AvatarSession, S.STARTING, pks=pks, reason="wave", fields={"error": "n/a"}
        )
    assert moved == [s.pk for s in requested]
    statuses = dict(AvatarSession.objects.values_list("pk", "status"))
    assert [statuses[s.pk] for s in requested] == [S.STARTING] * 3
    assert (statuses[ready.pk], statuses[ended.pk]) == (S.READY, S.ENDED)
    assert set(AvatarSession.objects.filter(pk__in=moved).values_list("error", flat=True)) == {
        "n/a"
    }
    events = list(AvatarSessionEvent.objects.values_list("session_id", "from_status", "to_status"))
    assert sorted(events) == sorted((pk, S.REQUESTED, S.STARTING) for pk in moved)
    assert set(AvatarSessionEvent.objects.values_list("reason", flat=True)) == {"wave"}


def test_a_second_bulk_move_of_the_same_rows_moves_nothing() -> None:
    pks = [_make(S.REQUESTED, f"r{i}").pk for i in range(2)]
    assert transition_many(AvatarSession, S.STARTING, pks=pks) == pks
    assert transition_many(AvatarSession, S.STARTING, pks=pks) == []
    assert AvatarSessionEvent.objects.count() == 2


def test_sources_narrow_the_table_and_row_fields_and_data_are_per_row() -> None:
    starting, ready = _make(S.STARTING, "a"), _make(S.READY, "b")
    moved = transition_many(
        AvatarSession,
        S.FAILED,
        pks=[starting.pk, ready.pk],
        sources=[S.STARTING],
        row_fields={starting.pk: {"error": "first"}, ready.pk: {"error": "second"}},
        row_data={starting.pk: {"code": "boom"}},
    )
    assert moved == [starting.pk]
    starting.refresh_from_db()
    ready.refresh_from_db()
    assert (starting.status, starting.error) == (S.FAILED, "first")
    assert (ready.status, ready.error) == (S.READY, "")
    assert AvatarSessionEvent.objects.get().data == {"code": "boom"}


@pytest.mark.django_db(transaction=True)
def test_side_effects_run_after_commit_with_what_moved() -> None:
    pks = [_make(S.REQUESTED, f"r{i}").pk for i in range(2)]
    seen: list[list[int]] = []
    with transaction.atomic():
        transition_many(AvatarSession, S.STARTING, pks=pks, on_commit=seen.append)
        assert seen == []
    assert seen == [pks]
    transition_many(AvatarSession, S.STARTING, pks=pks, on_commit=seen.append)
    assert seen == [pks]  # nothing moved: no side effect


@pytest.mark.django_db(transaction=True)
def test_a_wrong_current_status_is_refused_not_recorded() -> None:
    ready = _make(S.READY)
    with pytest.raises(RuntimeError):
        transition_many(AvatarSession, S.STARTING, pks=[ready.pk], current={ready.pk: S.REQUESTED})
    ready.refresh_from_db()
    assert ready.status == S.READY  # the whole move was rolled back
    assert not AvatarSessionEvent.objects.exists()


def test_creation_and_note_events() -> None:
    sessions = [_make(S.REQUESTED, f"r{i}") for i in range(2)]
    record_created(sessions)
    record_note(sessions[0], "retry", {"attempt": 1})
    rows = list(
        AvatarSessionEvent.objects.order_by("id").values_list(
            "session_id", "from_status", "to_status", "reason", "data"
        )
    )
    assert rows == [
        (sessions[0].pk, "", S.REQUESTED, "", {}),
        (sessions[1].pk, "", S.REQUESTED, "", {}),
        (sessions[0].pk, S.REQUESTED, S.REQUESTED, "retry", {"attempt": 1}),
    ]

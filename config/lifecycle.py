"""Lifecycles as data: a transitions table, one function that moves state, an append-only log.

Each stateful model declares `TRANSITIONS = {to_status: {allowed from statuses}}` and has one
event model (a concrete subclass of `LifecycleEvent` with a ForeignKey to it). `transition()`
(one row) and `transition_many()` (bulk paths) are the only code that writes `status`: each
issues a conditional UPDATE (so two processes racing for the same move cannot both win),
writes the event row in the same transaction and schedules side effects with `on_commit`.
Moving to the status an object already has is a no-op that returns False, not an error.
Event rows are written here too: `record_created()` for new rows, `record_note()` for events
that are not a move (retries). tests/config/test_lifecycle_invariants.py keeps it that way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from config.errors import Conflict


class InvalidTransition(Conflict):
    """The table forbids the move; the user hears Conflict's sentence, the log gets `detail`."""

    def __init__(self, model: str, current: str, target: str) -> None:
        super().__init__()
        self.detail = f"{model} cannot move from {current!r} to {target!r}."
        self.current = current
        self.target = target

    def __str__(self) -> str:
        return self.detail


class LifecycleEvent(models.Model):
    """Append-only event row. Concrete subclasses add a ForeignKey named by `EVENT_FK`."""

    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32)
    reason = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Lifecycle events are append-only.")
        super().save(*args, **kwargs)


@cache
def event_link(model: type[models.Model]) -> tuple[type[LifecycleEvent], str]:
    """The event model of `model`'s lifecycle and the name of its foreign key to `model`: the
    concrete `LifecycleEvent` subclass with a ForeignKey to it (exactly one per stateful model)."""
    links = [
        (event_model, field.name)
        for event_model in LifecycleEvent.__subclasses__()
        for field in event_model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model is model
    ]
    if len(links) != 1:
        raise LookupError(f"{model.__name__} needs exactly one LifecycleEvent model, has {links}")
    return links[0]


def transition(
    obj: models.Model,
    target: str,
    *,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
    on_commit: Callable[[], None] | None = None,
) -> bool:
    """Move `obj` to `target`. Returns True if it moved, False if it already was there.

    The allowed moves are the model's `TRANSITIONS`; the event row goes to its `LifecycleEvent`
    model (`event_link`). `fields` are written in the same UPDATE (timestamps, error reasons).
    Raises `InvalidTransition` when the table forbids the move from the row's current status.
    """
    model = type(obj)
    transitions: Mapping[str, frozenset[str]] = model.TRANSITIONS  # type: ignore[attr-defined]
    event_model, event_fk = event_link(model)
    fields = dict(fields or {})
    with transaction.atomic():
        current = model._default_manager.filter(pk=obj.pk).values_list("status", flat=True).first()
        if current is None:
            raise model.DoesNotExist(f"{model.__name__} {obj.pk} no longer exists.")  # type: ignore[attr-defined]
        if current == target:
            obj.status = target  # type: ignore[attr-defined]
            return False
        sources = transitions.get(target, frozenset())
        if current not in sources:
            raise InvalidTransition(model.__name__, current, target)
        updated = model._default_manager.filter(pk=obj.pk, status=current).update(
            status=target, **fields
        )
        if not updated:  # somebody else moved it between our read and our write
            fresh = model._default_manager.filter(pk=obj.pk).values_list("status", flat=True)[0]
            if fresh == target:
                obj.status = target  # type: ignore[attr-defined]
                return False
            raise InvalidTransition(model.__name__, fresh, target)
        event_model._default_manager.create(
            **{event_fk: obj},
            from_status=current,
            to_status=target,
            reason=reason[:500],
            data=data or {},
        )
        obj.status = target  # type: ignore[attr-defined]
        for name, value in fields.items():
            setattr(obj, name, value)
        if on_commit is not None:
            transaction.on_commit(on_commit)
    return True


def transition_many(
    model: type[models.Model],
    target: str,
    *,
    pks: Iterable[Any],
    reason: str = "",
    fields: dict[str, Any] | None = None,
    row_fields: Mapping[Any, dict[str, Any]] | None = None,
    row_data: Mapping[Any, dict[str, Any]] | None = None,
    sources: Iterable[str] | None = None,
    current: Mapping[Any, str] | None = None,
    on_commit: Callable[[list[Any]], None] | None = None,
) -> list[Any]:
    """Move every row of `pks` that may move to `target` there; returns the pks that moved.

    The bulk form of `transition`, for paths that move many rows at once (a class start, a
    wave of avatar starts): the rows are read and locked (`select_for_update`; SQLite runs
    write transactions one at a time), moved with one conditional UPDATE
    (`status__in=` the allowed sources, narrowed by `sources`), and one event row per moved
    row is inserted in bulk, all in one transaction. Rows already at `target`, gone, or in a
    status the table forbids are left alone and not returned: one row in the wrong state must
    not fail the others. `fields` go into the UPDATE for every row; `row_fields` (pk -> fields)
    are per row, which costs one conditional UPDATE per row. `row_data` is each event's data.
    `current` (pk -> status) skips the read when the caller has just read and locked the rows
    in its own transaction (the conditional UPDATE still guards the move). `on_commit(moved_pks)`
    runs after the commit when at least one row moved. Inside the caller's transaction no
    savepoint is made (a bulk path is all or nothing anyway).
    """
    transitions: Mapping[str, frozenset[str]] = model.TRANSITIONS  # type: ignore[attr-defined]
    event_model, event_fk = event_link(model)
    allowed = set(transitions.get(target, frozenset()))
    if sources is not None:
        allowed &= set(sources)
    wanted = list(dict.fromkeys(pks))
    if not wanted or not allowed:
        return []
    manager = model._default_manager
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        if current is None:
            current = dict(
                manager.select_for_update()
                .filter(pk__in=wanted, status__in=allowed)
                .values_list("pk", "status")
            )
        moving = [pk for pk in wanted if current.get(pk) in allowed]
        if not moving:
            return []
        if row_fields is None:
            updated = manager.filter(pk__in=moving, status__in=allowed).update(
                status=target, **(fields or {})
            )
            if updated != len(moving):  # only when `current` was not what the rows held
                raise RuntimeError(
                    f"{model.__name__}: {len(moving) - updated} rows changed under a bulk "
                    "transition; pass current= only for rows locked in this transaction"
                )
        else:
            moving = [
                pk
                for pk in moving
                if manager.filter(pk=pk, status__in=allowed).update(
                    status=target, **(fields or {}), **row_fields.get(pk, {})
                )
            ]
        _events_insert(
            event_model,
            event_fk,
            [
                (pk, current[pk], target, reason[:500], (row_data or {}).get(pk, {}), now)
                for pk in moving
            ],
        )
        if on_commit is not None and moving:
            moved = list(moving)
            transaction.on_commit(lambda: on_commit(moved))
    return moving


def record_created(objs: Iterable[models.Model]) -> None:
    """The first event of rows just created (bulk or not): "- -> <their status>", one insert."""
    rows = list(objs)
    if not rows:
        return
    event_model, event_fk = event_link(type(rows[0]))
    now = timezone.now()
    _events_insert(
        event_model,
        event_fk,
        [(obj.pk, "", obj.status, "", {}, now) for obj in rows],  # type: ignore[attr-defined]
    )


def _events_insert(
    event_model: type[LifecycleEvent], event_fk: str, rows: list[tuple[Any, ...]]
) -> None:
    """Event rows (owner pk, from, to, reason, data, at) in one bulk insert per batch."""
    event_model._default_manager.bulk_create(
        [
            event_model(
                **{f"{event_fk}_id": pk},
                from_status=from_status,
                to_status=to_status,
                reason=reason,
                data=data,
                created_at=at,
            )
            for pk, from_status, to_status, reason, data, at in rows
        ]
    )


def record_note(obj: models.Model, reason: str, data: dict[str, Any] | None = None) -> None:
    """An event that is not a move (a retry, a warning): from and to are the current status."""
    event_model, event_fk = event_link(type(obj))
    status = obj.status  # type: ignore[attr-defined]
    event_model._default_manager.create(
        **{event_fk: obj},
        from_status=status,
        to_status=status,
        reason=reason[:500],
        data=data or {},
    )

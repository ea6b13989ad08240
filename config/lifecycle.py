"""Lifecycles as data: a transitions table, one function that moves state, an append-only log.

Each stateful model declares `TRANSITIONS = {to_status: {allowed from statuses}}` and has one
event model (a concrete subclass of `LifecycleEvent` with a ForeignKey to it). `transition()` is the only code that writes `status`:
it issues a conditional UPDATE (so two processes racing for the same move cannot both win),
writes the event row in the same transaction and schedules side effects with `on_commit`.
Moving to the status an object already has is a no-op that returns False, not an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from django.db import models, transaction
from django.utils import timezone


class InvalidTransition(Exception):
    def __init__(self, model: str, current: str, target: str) -> None:
        super().__init__(f"{model} cannot move from {current!r} to {target!r}.")
        self.current = current
        self.target = target


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
            raise model.DoesNotExist(f"{model.__name__} {obj.pk} no longer exists.")
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

"""Cheap invariants over the apps' source: only config/lifecycle.py writes `status` to the
database and inserts lifecycle event rows. (Setting `obj.status` on a row in hand after a
move is bookkeeping, not a write, and is allowed.)"""

from __future__ import annotations

import ast
from pathlib import Path

from config.lifecycle import LifecycleEvent

ROOT = Path(__file__).resolve().parents[2]
APPS = ("avatars", "classrooms", "interviews", "config")
ALLOWED = {
    Path("config/lifecycle.py"),
    # RoomInvitation is a delivery record, not a lifecycle: no event model (the row keeps its
    # attempts, error and sent_at); its moves are conditional on `status=pending` all the same.
    Path("classrooms/services/invitations.py"),
}
WRITES = {"update", "create", "get_or_create", "update_or_create"}


def _trees() -> list[tuple[Path, ast.AST]]:
    out = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts or rel in ALLOWED:
                continue
            out.append((rel, ast.parse(path.read_text(), filename=str(rel))))
    return out


def _names_status(node: ast.AST | None) -> bool:
    """A literal list/tuple/set of field names that contains "status"."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(isinstance(e, ast.Constant) and e.value == "status" for e in node.elts)
    return False


def _status_write(call: ast.Call) -> bool:
    if not isinstance(call.func, ast.Attribute):
        return False
    method = call.func.attr
    keywords = {k.arg: k.value for k in call.keywords}
    if method in WRITES and "status" in keywords:
        return True
    if method == "bulk_update":
        fields = call.args[1] if len(call.args) > 1 else keywords.get("fields")
        return _names_status(fields)
    return method == "save" and _names_status(keywords.get("update_fields"))


def test_status_is_written_only_by_the_lifecycle_module() -> None:
    offenders = [
        f"{rel}:{node.lineno}"
        for rel, tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _status_write(node)
    ]
    assert offenders == []


def test_event_rows_are_inserted_only_by_the_lifecycle_module() -> None:
    events = {model.__name__ for model in LifecycleEvent.__subclasses__()}
    assert {"AvatarSessionEvent", "BreakoutRoomEvent", "ClassSessionEvent"} <= events

    def inserts_event(call: ast.Call) -> bool:
        func = call.func
        if isinstance(func, ast.Name):  # EventModel(...) built for a bulk insert
            return func.id in events
        if isinstance(func, ast.Attribute) and func.attr in {"create", "bulk_create"}:
            owner = func.value
            while isinstance(owner, ast.Attribute):
                owner = owner.value
            return isinstance(owner, ast.Name) and owner.id in events
        return False

    offenders = [
        f"{rel}:{node.lineno}"
        for rel, tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and inserts_event(node)
    ]
    assert offenders == []


def test_the_checks_catch_a_hand_written_move() -> None:
    tree = ast.parse(
        "Room.objects.filter(pk=1).update(status='x')\n"
        "Room.objects.bulk_update(rooms, ['status'])\n"
        "room.save(update_fields=['status'])\n"
    )
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _status_write(n)]
    assert len(calls) == 3

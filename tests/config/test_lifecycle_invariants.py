"""Cheap invariants over the apps' source (read with `ast`): only config/lifecycle.py writes
`status` to the database and inserts lifecycle event rows, and no app writes another app's
rows through its model managers. Setting `obj.status` on a row in hand after a move is
bookkeeping, not a write, and is allowed; a full `obj.save()` is not looked at."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from config.lifecycle import LifecycleEvent

ROOT = Path(__file__).resolve().parents[2]
APPS = ("avatars", "classrooms", "interviews", "config")
ALLOWED = {Path("config/lifecycle.py")}
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


def _calls_where(found: Callable[[ast.Call], bool]) -> list[str]:
    """Every call in the apps (lifecycle module aside) for which `found(call)` holds."""
    return [
        f"{rel}:{node.lineno}"
        for rel, tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and found(node)
    ]


def test_status_is_written_only_by_the_lifecycle_module() -> None:
    assert _calls_where(_status_write) == []


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

    assert _calls_where(inserts_event) == []


def test_the_checks_catch_a_hand_written_move() -> None:
    tree = ast.parse(
        "Room.objects.filter(pk=1).update(status='x')\n"
        "Room.objects.bulk_update(rooms, ['status'])\n"
        "room.save(update_fields=['status'])\n"
    )
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _status_write(n)]
    assert len(calls) == 3


MODEL_WRITES = {
    "update",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "delete",
}
DOMAIN_APPS = ("avatars", "classrooms", "interviews")


def _foreign_models(app: str, tree: ast.AST) -> set[str]:
    """Names bound to another domain app's models in this module (`from X.models import Y`)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            owner = node.module.split(".")[0]
            if owner in DOMAIN_APPS and owner != app and node.module == f"{owner}.models":
                names.update(alias.asname or alias.name for alias in node.names)
    return names


def _cross_app_writes(app: str, tree: ast.AST) -> list[tuple[int, str]]:
    foreign = _foreign_models(app, tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in MODEL_WRITES:
            continue
        root = node.func.value
        while isinstance(root, ast.Attribute | ast.Call):
            root = root.func if isinstance(root, ast.Call) else root.value
        if isinstance(root, ast.Name) and root.id in foreign:
            found.append((node.lineno, f"{root.id}...{node.func.attr}()"))
    return found


def test_no_app_writes_another_apps_rows() -> None:
    """Reading another app's rows is fine; writing them goes through that app's services."""
    offenders = [
        f"{rel}:{line}: {call}"
        for rel, tree in _trees()
        if rel.parts[0] in DOMAIN_APPS
        for line, call in _cross_app_writes(rel.parts[0], tree)
    ]
    assert offenders == []


def test_the_check_catches_a_write_to_another_apps_rows() -> None:
    tree = ast.parse(
        "from avatars.models import AvatarSession\n"
        "from classrooms.models import BreakoutRoom\n"
        "AvatarSession.objects.filter(pk=1).update(last_heartbeat_at=None)\n"
        "AvatarSession.objects.filter(pk=1).first()\n"
        "BreakoutRoom.objects.filter(pk=1).update(whisper='')\n"
    )
    assert _cross_app_writes("classrooms", tree) == [(3, "AvatarSession...update()")]

"""Security suite fixtures: the results recorder, the "world" of objects and personas, secrets.

Results table: with `RELIABILITY_REPORT=1`, every recorded cell (and every test that recorded
none) is written to `var/reliability/security.json` at the end of the run, as a JSON array of
rows `{"suite": "security", "area", "case", "persona", "expected", "actual", "passed"}`.
`python manage.py reliability_report` renders them into docs/reliability.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.test import Client

from tests import factories
from tests.errorlog import errors_fail


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Any ERROR log record fails the test unless it is marked `expect_errors`."""
    with errors_fail(item):
        return (yield)


ROOT = Path(__file__).resolve().parents[2]
REPORT_PATH = ROOT / "var" / "reliability" / "security.json"

# --- Results recorder -------------------------------------------------------------------------

_ROWS: list[dict[str, Any]] = []
_RECORDED_BY: set[str] = set()


def _reporting() -> bool:
    return os.environ.get("RELIABILITY_REPORT") == "1"


@pytest.fixture
def record(request: pytest.FixtureRequest) -> Callable[..., bool]:
    """`record(area, case, persona, expected, actual)` -> passed; keeps one results-table row.
    `passed` defaults to expected == actual (as text)."""

    def add(
        area: str, case: str, persona: str, expected: Any, actual: Any, passed: bool | None = None
    ) -> bool:
        passed = str(expected) == str(actual) if passed is None else passed
        _RECORDED_BY.add(request.node.nodeid)
        _ROWS.append(
            {
                "suite": "security",
                "area": area,
                "case": case,
                "persona": persona,
                "expected": str(expected),
                "actual": str(actual),
                "passed": passed,
            }
        )
        return passed

    return add


AREAS = {  # module -> the area its un-recorded tests are reported under
    "test_authorization_matrix": "authorization",
    "test_secrets_and_csrf": "secrets",
    "test_production_headers": "production headers",
}


def _area_of(nodeid: str) -> str:
    module = nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
    return AREAS.get(module, module.removeprefix("test_").replace("_", " "))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or item.nodeid in _RECORDED_BY:
        return
    # A test that recorded no cells is one row: its name, pass or fail.
    _ROWS.append(
        {
            "suite": "security",
            "area": _area_of(item.nodeid),
            "case": item.name,
            "persona": "-",
            "expected": "pass",
            "actual": report.outcome,
            "passed": report.passed,
        }
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _reporting() or not _ROWS:
        return
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    tmp = REPORT_PATH.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(_ROWS, indent=1))
    tmp.replace(REPORT_PATH)


@pytest.fixture(autouse=True)
def _quiet_refusals(caplog: pytest.LogCaptureFixture) -> None:
    """Thousands of deliberate 403/404/405s: keep only errors (a 500 still shows)."""
    caplog.set_level(logging.ERROR, logger="django.request")
    caplog.set_level(logging.WARNING, logger="httpx")


# --- Secrets ----------------------------------------------------------------------------------

SECRETS = {
    "HEYGEN_API_KEY": "hg-SECRET-5f1c9d0e7a2b4c6d",
    "LIVEAVATAR_API_KEY": "la-SECRET-8e2d7c6b5a4f3e2d",
    "DEEPGRAM_API_KEY": "dg-SECRET-3b9a8c7d6e5f4a3b",
    "OPENAI_API_KEY": "sk-SECRET-openai-1a2b3c4d5e6f",
    "ZOOM_CLIENT_SECRET": "zc-SECRET-9d8c7b6a5f4e3d2c",
    "ZOOM_SDK_SECRET": "zs-SECRET-2c3d4e5f6a7b8c9d",
    "ZOOM_WEBHOOK_SECRET": "zw-SECRET-7a6b5c4d3e2f1a0b",
}


@pytest.fixture
def secret_settings(settings: Any, fake_providers: Any) -> dict[str, str]:
    """Every provider pointed at the fake server with recognisable keys; returns name -> value
    of everything that must never reach a browser (the Django SECRET_KEY included)."""
    import copy

    fake = copy.copy(fake_providers)
    fake.keys = {k: v for k, v in SECRETS.items() if k != "ZOOM_WEBHOOK_SECRET"}
    fake.configure(settings, avatar="heygen", transcriber="deepgram", llm="openai")
    settings.ZOOM_WEBHOOK_SECRET = SECRETS["ZOOM_WEBHOOK_SECRET"]
    return {**SECRETS, "SECRET_KEY": settings.SECRET_KEY}


def leaked(text: str, secret_values: dict[str, str]) -> list[str]:
    return [name for name, value in secret_values.items() if value and value in text]


# --- Database fingerprint -----------------------------------------------------------------

FINGERPRINT_APPS = ("interviews", "classrooms", "avatars")


def fingerprint() -> str:
    """A hash of every row of the product's models (and users): equal before and after means
    nothing changed."""
    digest = hashlib.sha256()
    models = [m for label in FINGERPRINT_APPS for m in apps.get_app_config(label).get_models()]
    models.append(apps.get_model("auth", "User"))
    for model in models:
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        for row in model.objects.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
        digest.update(model._meta.label.encode())
    return digest.hexdigest()


# --- The world ----------------------------------------------------------------------------

PERSONAS = (
    "candidate_owner",
    "other_candidate",
    "professor_owner",
    "other_professor",
    "student_right_token",
    "student_other_token",
    "revoked_share_link",
    "share_link_holder",
    "staff",
    "anonymous",
)
LOGGED_IN = ("candidate_owner", "other_candidate", "professor_owner", "other_professor", "staff")
TOKEN_ONLY = (
    "student_right_token",
    "student_other_token",
    "revoked_share_link",
    "share_link_holder",
)

# Distinctive words planted in one owner's data: a persona may only ever see its own.
ALICE = "zqalicemark"
ROOM1 = "zqroomone"
ROOM2 = "zqroomtwo"
COURSE = "zqcoursemark"
MARKERS = (ALICE, ROOM1, ROOM2, COURSE)
VISIBLE = {
    "candidate_owner": {ALICE},
    "share_link_holder": {ALICE},
    "professor_owner": {ROOM1, ROOM2, COURSE},
    "student_right_token": {ROOM1, COURSE},
    "student_other_token": {ROOM2, COURSE},
    "staff": set(MARKERS),
}


def foreign_markers(persona: str, text: str) -> list[str]:
    lower = text.lower()
    return [m for m in MARKERS if m in lower and m not in VISIBLE.get(persona, set())]


@dataclass
class World:
    users: dict[str, Any]
    interview_live: Any
    interview_done: Any
    attempt: Any
    story: Any
    share_active: str
    share_revoked: str
    professor: Any
    other_professor: Any
    course: Any
    material: Any
    session: Any
    room1: Any
    room2: Any
    unknown_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    _clients: dict[str, Client] = field(default_factory=dict)

    def user(self, persona: str) -> Any:
        return self.users.get(persona)

    def client(self, persona: str, *, fresh: bool = False, **kwargs: Any) -> Client:
        if not fresh and not kwargs and persona in self._clients:
            return self._clients[persona]
        client = Client(**kwargs)
        user = self.user(persona)
        if user is not None:
            client.force_login(user)
        if not fresh and not kwargs:
            self._clients[persona] = client
        return client

    def room_token(self, persona: str) -> str:
        if persona == "student_right_token":
            return self.room1.join_token
        if persona == "student_other_token":
            return self.room2.join_token
        if persona == "revoked_share_link":
            return self.share_revoked  # a credential for something else entirely
        return self.unknown_token

    def short_code(self, persona: str) -> str:
        if persona == "student_right_token":
            return self.room1.short_code
        if persona == "student_other_token":
            return self.room2.short_code
        return "zz" + secrets.token_hex(4)

    def share_token(self, persona: str) -> str:
        if persona == "share_link_holder":
            return self.share_active
        if persona == "revoked_share_link":
            return self.share_revoked
        if persona == "student_right_token":
            return self.room1.join_token  # a credential for something else entirely
        return self.unknown_token


def build_world() -> World:
    from classrooms import services as class_services
    from classrooms.models import BreakoutRoom, RoomTranscriptLine
    from interviews import services
    from interviews.coaching import local_feedback
    from interviews.services import InterviewSpec

    alice = factories.make_user("alice")
    bob = factories.make_user("bob")
    professor = factories.make_professor("prof_rivera")
    other_professor = factories.make_professor("prof_other")
    staff = factories.make_user("staffer", staff=True)
    # A support operator: staff with every model permission (not a superuser).
    staff.user_permissions.add(*Permission.objects.all())

    answer = (
        "When checkout latency doubled I led the investigation for Zqalicemark Ltd. I profiled "
        "the payment service, found an N+1 query and rewrote it with one join. As a result p95 "
        "latency dropped from 900 ms to 300 ms and conversion rose by 4 percent."
    )
    done = services.interview_create(
        owner=alice, spec=InterviewSpec(target_role="Zqalicemark engineer", question_count=1)
    )
    services.interview_open(interview=done)
    services.interview_next(interview=done)
    services.interview_listen(interview=done)
    services.attempt_add_segment(interview=done, text=answer, source="typed")
    attempt = services.attempt_submit(interview=done)
    attempt = services.attempt_record_feedback(
        attempt=attempt,
        feedback=local_feedback(services.attempt_answer_input(attempt=attempt)),
    )
    services.interview_complete(interview=done)
    live = services.interview_create(
        owner=alice, spec=InterviewSpec(target_role="Zqalicemark lead", question_count=2)
    )
    story = services.story_save_from_attempt(
        user=alice, attempt_public_id=str(attempt.public_id)
    ).story
    revoked = services.share_create(interview=done).token
    services.share_revoke(interview=done)
    active = services.share_create(interview=done).token

    course = class_services.course_create(professor=professor, title="Zqcoursemark statistics")
    for name in ("Xavier Zqroomone", "Ximena Zqroomone", "Yara Zqroomtwo", "Yusuf Zqroomtwo"):
        factories.make_student(course, name=name)
    material = class_services.course_material_add(
        course=course,
        filename="intervals.md",
        raw=b"# Confidence intervals\n\nA 95% interval covers the mean in 95% of samples.\n",
        title="Zqcoursemark notes",
    )
    session = class_services.class_session_create(
        professor=professor,
        course=course,
        student_ids=list(course.students.values_list("pk", flat=True)),
        group_size=2,
    )
    room1, room2 = BreakoutRoom.objects.filter(session=session).order_by("position")
    class_services.room_line_add(
        room=room1,
        speaker=RoomTranscriptLine.Speaker.STUDENT,
        text="Zqroomone asks about intervals",
        source="typed",
    )
    class_services.room_line_add(
        room=room2,
        speaker=RoomTranscriptLine.Speaker.STUDENT,
        text="Zqroomtwo asks about sampling",
        source="typed",
    )
    room1.refresh_from_db()
    room2.refresh_from_db()
    return World(
        users={
            "candidate_owner": alice,
            "other_candidate": bob,
            "professor_owner": professor.user,
            "other_professor": other_professor.user,
            "staff": staff,
        },
        interview_live=live,
        interview_done=done,
        attempt=attempt,
        story=story,
        share_active=active,
        share_revoked=revoked,
        professor=professor,
        other_professor=other_professor,
        course=course,
        material=material,
        session=session,
        room1=room1,
        room2=room2,
    )


@pytest.fixture
def world(db: Any) -> World:
    return build_world()

"""Generated form posts and uploads: never a server error, a clear error on the page for bad
input, and nothing created or changed when the input is refused.

There is no audio upload endpoint (answers' audio goes over the interview socket, fuzzed in
test_fuzz_ws.py); course material is the only upload.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classrooms.meetings.zoom import webhook_signature
from classrooms.models import ClassSession, CourseMaterial, RosterStudent
from interviews.models import CandidateProfile, MockInterview, Story
from tests.security.conftest import World, build_world, fingerprint

FORMS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
ERROR_MARKERS = ('role="alert"', 'class="message error', "errorlist")

TEXT = (
    st.text(max_size=40)
    | st.sampled_from(["", " ", "\x00", "a\x00b", "<script>alert(1)</script>", "' OR 1=1 --"])
    | st.integers(-(10**30), 10**30).map(str)
    | st.sampled_from(["x" * 9000, "é" * 300, "🦜" * 200, "NaN", "-1", "1e999", "0x10"])
)
FIELD = TEXT | st.lists(TEXT, max_size=3)


def fields(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Form data: any subset of the fields (and an unknown one), each a string or a list."""
    return st.fixed_dictionaries({}, optional=dict.fromkeys([*names, "unexpected"], FIELD))


def shows_error(response: Any) -> bool:
    if response.status_code in (301, 302):
        return True  # a redirect carries its message to the next page (checked where it matters)
    text = response.content.decode(errors="replace")
    return any(marker in text for marker in ERROR_MARKERS)


def run_form_fuzz(
    client: Client,
    url: str | Callable[[], str],
    strategy: st.SearchStrategy[dict[str, Any]],
    state: Callable[[], Any],
    record: Any,
    name: str,
    refused: Callable[[Any], bool] = lambda r: r.status_code != 302,
    follow: bool = False,
) -> None:
    """Post generated data; a refused post must show an error and change nothing."""
    outcomes: dict[int, int] = {}

    @FORMS
    @given(strategy)
    def post(data: dict[str, Any]) -> None:
        before = state()
        response = client.post(url() if callable(url) else url, data, follow=follow)
        status = response.status_code
        outcomes[status] = outcomes.get(status, 0) + 1
        assert status < 500, (name, data)
        if refused(response):
            assert state() == before, f"{name}: a refused post changed something: {data}"
            assert status == 404 or shows_error(response), (name, status, data)

    post()
    record(
        "form fuzzing",
        f"{name}: {sum(outcomes.values())} posts",
        "-",
        "no 500",
        f"statuses {dict(sorted(outcomes.items()))}",
        passed=True,
    )


@pytest.fixture
def world(db: Any, settings: Any) -> World:
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "100000/3600")
    return build_world()


def test_fuzz_interview_setup_form(world: World, record: Any) -> None:
    alice = world.user("candidate_owner")
    valid = st.fixed_dictionaries(
        {
            "target_role": TEXT,
            "seniority": st.sampled_from(["junior", "mid", "senior", "staff", "x", ""]),
            "interview_type": st.sampled_from(["behavioural", "technical", "mixed", "?"]),
            "persona": st.sampled_from(["friendly", "neutral", "tough", "evil"]),
            "question_count": st.integers(-3, 40).map(str) | TEXT,
        },
        optional={"competencies": FIELD, "job_description": TEXT, "role_family": TEXT},
    )
    run_form_fuzz(
        world.client("candidate_owner"),
        "/interviews/new/",
        valid | fields(["target_role", "question_count", "persona"]),
        lambda: MockInterview.objects.filter(owner=alice).count(),
        record,
        "interview setup",
    )
    # Whatever was accepted is sane: 1-10 questions, each with text.
    for interview in MockInterview.objects.filter(owner=alice):
        assert 1 <= interview.question_count <= 10
        assert interview.questions.count() == interview.question_count


def test_fuzz_avatar_settings_form(world: World, record: Any) -> None:
    alice = world.user("candidate_owner")

    def profile() -> tuple:
        return CandidateProfile.objects.filter(user=alice).values_list().get()

    strategy = st.fixed_dictionaries(
        {
            "quality": st.sampled_from(["low", "medium", "high", "ultra", ""]) | TEXT,
            "speaking_rate": st.floats(allow_nan=True).map(str) | TEXT,
        },
        optional={"avatar_id": TEXT, "voice_id": TEXT},
    )
    run_form_fuzz(
        world.client("candidate_owner"),
        "/interviews/settings/",
        strategy,
        profile,
        record,
        "avatar settings",
    )
    saved = CandidateProfile.objects.get(user=alice)
    assert 0.5 <= saved.speaking_rate <= 1.5
    assert saved.mock_avatar_quality in ("low", "medium")  # capped by the staff-set tier


def test_fuzz_story_forms(world: World, record: Any) -> None:
    alice = world.user("candidate_owner")
    client = world.client("candidate_owner")

    def stories() -> list:
        return list(Story.objects.filter(owner=alice).values_list())

    run_form_fuzz(
        client,
        "/interviews/stories/save/",
        fields(["attempt", "next"]),
        stories,
        record,
        "story save (attempt id)",
    )
    run_form_fuzz(
        client,
        f"/interviews/stories/{world.story.public_id}/",
        fields(["title", "competency", "situation", "task", "action", "result", "notes"]),
        stories,
        record,
        "story edit",
    )


def test_fuzz_classroom_forms(world: World, record: Any) -> None:
    client = world.client("professor_owner")
    course = world.course.public_id
    students = list(world.course.students.values_list("pk", flat=True))
    run_form_fuzz(
        client,
        "/classrooms/profile/",
        fields(["display_name", "teaching_style", "avatar_id", "voice_id", "consent"]),
        lambda: list(world.professor.__class__.objects.values_list()),
        record,
        "professor profile",
    )
    # These forms always redirect back to the course with a message: an error message means
    # refused, and then nothing may have changed.
    run_form_fuzz(
        client,
        f"/classrooms/courses/{course}/students/",
        fields(["name", "email", "background"]),
        lambda: list(RosterStudent.objects.order_by("pk").values_list()),
        record,
        "roster student",
        refused=lambda r: 'class="message error' in r.content.decode(errors="replace"),
        follow=True,
    )
    run_form_fuzz(
        client,
        f"/classrooms/courses/{course}/sessions/",
        st.fixed_dictionaries(
            {
                "students": st.lists(
                    st.sampled_from(students) | st.integers(-5, 10**12) | TEXT, max_size=5
                ),
                "group_size": st.integers(-2, 9).map(str) | TEXT,
                "meeting_provider": st.sampled_from(["local", "zoom", "teams", ""]),
            }
        ),
        lambda: ClassSession.objects.count(),
        record,
        "class session start",
        refused=lambda r: "/sessions/" not in r.get("Location", ""),
    )


def test_fuzz_material_uploads(world: World, settings: Any, record: Any) -> None:
    settings.CLASS_MATERIAL_MAX_BYTES = 50_000
    client = world.client("professor_owner")
    url = f"/classrooms/courses/{world.course.public_id}/materials/"
    limit = settings.CLASS_MATERIAL_MAX_BYTES
    bad: dict[str, tuple[str, bytes, str]] = {
        "pdf": ("slides.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3 binary", "application/pdf"),
        "image named .md": ("notes.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        "exe": ("setup.exe", b"MZ\x90\x00\x03", "application/octet-stream"),
        "oversized": ("big.md", b"# Big\n\n" + b"word " * (limit // 5 + 10), "text/markdown"),
        "empty": ("empty.md", b"", "text/markdown"),
        "whitespace only": ("blank.txt", b"  \n\t\n ", "text/plain"),
        "latin-1": ("notes.txt", "Caf\xe9 cr\xe8me".encode("latin-1"), "text/plain"),
        "NUL bytes": ("notes.md", b"# Title\x00\x00\nbody", "text/markdown"),
        "no extension": ("README", b"# Readme\n\ntext", "text/plain"),
    }
    failures = []
    for case, (name, content, content_type) in bad.items():
        before = fingerprint()
        upload = SimpleUploadedFile(name, content, content_type=content_type)
        response = client.post(url, {"file": upload, "title": case}, follow=True)
        changed = fingerprint() != before
        text = response.content.decode(errors="replace")
        clear = 'class="message error' in text
        ok = response.status_code == 200 and clear and not changed
        record(
            "form fuzzing",
            f"material upload: {case}",
            "professor_owner",
            "refused with message",
            "refused with message"
            if ok
            else f"{response.status_code}, message={clear}, changed={changed}",
            passed=ok,
        )
        if not ok:
            failures.append(case)
    assert failures == []

    # Malformed but readable Markdown is accepted and chunked without errors.
    odd = {
        "unclosed fences": b"```python\nprint(1)\n# not a heading\n",
        "only headings": b"#\n##\n###\n" + b"# " * 2000,
        "deep lists": b"".join(b"  " * i + b"- item\n" for i in range(150)),
        "one long line": b"x" * 40_000,
        "html and scripts": b"<script>alert(1)</script>\n# <b>Bold</b>\n[link](javascript:1)",
        "path in name": b"# Sneaky\n\ntext",
    }
    for case, content in odd.items():
        name = "../../etc/passwd.md" if case == "path in name" else "odd.md"
        count = CourseMaterial.objects.count()
        response = client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)
        added = CourseMaterial.objects.count() == count + 1
        record(
            "form fuzzing",
            f"material upload: {case}",
            "professor_owner",
            "accepted",
            "accepted" if added and response.status_code == 200 else "refused",
        )
        assert response.status_code == 200
        assert added, case
    sneaky = CourseMaterial.objects.get(title="passwd.md")
    assert ".." not in sneaky.file.name
    assert "/etc/" not in sneaky.file.name

    @FORMS
    @given(st.binary(max_size=3000), st.sampled_from(["a.md", "a.txt", "a.markdown", "a.doc"]))
    def random_bytes(content: bytes, name: str) -> None:
        before = CourseMaterial.objects.count()
        response = client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)
        assert response.status_code == 200
        text = response.content.decode(errors="replace")
        added = CourseMaterial.objects.count() - before
        assert added in (0, 1)
        assert ('class="message error' in text) == (added == 0)

    random_bytes()
    record("form fuzzing", "material upload: random bytes", "professor_owner", "no 500", "no 500")


def test_fuzz_signed_zoom_webhook_bodies(settings: Any, db: Any, record: Any) -> None:
    """Even a correctly signed body of the wrong shape is a 4xx, never a 500."""
    settings.ZOOM_WEBHOOK_SECRET = "zw-SECRET-fuzz"
    client = Client()
    shapes = st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "event",
                        "payload",
                        "object",
                        "participant",
                        "id",
                        "email",
                        "breakout_room_uuid",
                        "plainToken",
                        "x",
                    ]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=10,
    )
    events = st.sampled_from(
        [
            "meeting.participant_joined_breakout_room",
            "meeting.participant_left_breakout_room",
            "endpoint.url_validation",
            "meeting.started",
        ]
    )
    body = st.one_of(
        shapes,
        st.fixed_dictionaries({"event": events, "payload": shapes}),
        st.fixed_dictionaries(
            {"event": events, "payload": st.fixed_dictionaries({"object": shapes})}
        ),
    )
    statuses: dict[int, int] = {}

    @FORMS
    @given(body)
    def post(event: Any) -> None:
        raw = json.dumps(event).encode()
        stamp = str(int(time.time()))
        before = fingerprint()
        response = client.post(
            "/classrooms/zoom/webhook/",
            data=raw,
            content_type="application/json",
            headers={
                "x-zm-request-timestamp": stamp,
                "x-zm-signature": webhook_signature(raw, stamp, "zw-SECRET-fuzz"),
            },
        )
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, event
        assert fingerprint() == before  # no matching meeting: nothing to change

    post()
    record(
        "form fuzzing",
        "signed Zoom webhook bodies",
        "zoom",
        "no 500",
        f"statuses {dict(sorted(statuses.items()))}",
        passed=True,
    )

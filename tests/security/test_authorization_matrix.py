"""Authorization matrix: every URL pattern and WebSocket route x every persona -> the expected answer.

One table (`TABLE`) drives both tests. Its keys must equal the site's routes: a new URL pattern
or WebSocket route without a row fails `test_every_route_has_a_row`.

Cell notation: "200", "302" (a redirect elsewhere), "302:login" (to the site's login page),
"302:admin_login", "400"/"401"/"403"/"404"/"405"/"410"; sockets "accept" or "close:<code>".
Beyond the status, every cell also checks that:
- a page a persona may see contains no other owner's data (marker words planted in the world)
  and no configured secret (all provider keys set to recognisable values);
- a refused request or socket changed nothing in the database (fingerprint of every row).
POST cells run with a valid CSRF token; the owner's successful POSTs are rolled back so every
cell sees the same world.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from avatars.models import AvatarProviderGate
from avatars.services import avatar_session_create
from classrooms import services as class_services
from classrooms.models import (
    MeetingBot,
    MisconceptionHit,
    RoomInvitation,
    RoomPresenceSpan,
    new_short_code,
)
from classrooms.selectors import format_short_code
from config.routing import websocket_urlpatterns
from interviews.models import FollowUp
from tests.security.conftest import (
    LOGGED_IN,
    MARKERS,
    PERSONAS,
    TOKEN_ONLY,
    VISIBLE,
    World,
    build_world,
    fingerprint,
    foreign_markers,
    leaked,
)

ANON = (*TOKEN_ONLY, "anonymous")
GROUPS: dict[str, tuple[str, ...]] = {
    "logged_in": LOGGED_IN,
    "anon": ANON,
    "professors": ("professor_owner", "other_professor"),
}
DENIED = {"302:login", "302:admin_login", "400", "401", "403", "404", "405", "410"}


def expect(default: str, **overrides: str) -> dict[str, str]:
    """Expected cell per persona: a default, then overrides by group or persona (in order)."""
    cells = dict.fromkeys(PERSONAS, default)
    for key, value in overrides.items():
        for persona in GROUPS.get(key, (key,)):
            cells[persona] = value
    return cells


@dataclass
class Case:
    path: Callable[[World, str], str]
    expect: dict[str, str]
    method: str = "GET"
    data: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    label: str = ""
    # POST data that depends on who asks (e.g. the short code that persona holds).
    data_for: Callable[[World, str], dict[str, Any]] | None = None


def get(path: Callable[[World, str], str], expected: dict[str, str], label: str = "") -> Case:
    return Case(path=path, expect=expected, label=label)


def post(
    path: Callable[[World, str], str],
    expected: dict[str, str],
    data: Callable[[World], dict[str, Any]] = lambda w: {},
    label: str = "",
    data_for: Callable[[World, str], dict[str, Any]] | None = None,
) -> Case:
    return Case(
        path=path, expect=expected, method="POST", data=data, label=label, data_for=data_for
    )


def const(path: str) -> Callable[[World, str], str]:
    return lambda w, p: path


OWNER_CANDIDATE_PAGE = expect("302:login", logged_in="404", candidate_owner="200")
OWNER_CANDIDATE_POST = expect("302:login", logged_in="404", candidate_owner="302")
PROFESSOR_PAGE = expect("302:login", logged_in="403", professors="200")
OWNER_PROFESSOR_PAGE = expect("302:login", logged_in="403", professors="404", professor_owner="200")
OWNER_PROFESSOR_POST = expect("302:login", logged_in="403", professors="404", professor_owner="302")
STAFF_ONLY = expect("302:admin_login", staff="200")
# Readable by the session's professor and by staff (support); nobody else learns it exists.
OWNER_OR_STAFF_PAGE = expect("302:login", logged_in="404", professor_owner="200", staff="200")


def live(w: World) -> str:
    return str(w.interview_live.public_id)


def done(w: World) -> str:
    return str(w.interview_done.public_id)


def course(w: World) -> str:
    return str(w.course.public_id)


def session(w: World) -> str:
    return str(w.session.public_id)


def join_code(w: World, persona: str) -> str:
    """The code a persona would type: its room's, shown in blocks and in capitals, or a
    well-formed code no room has."""
    if persona in ("student_right_token", "student_other_token"):
        return format_short_code(w.short_code(persona)).upper()
    return new_short_code()


SITE: dict[str, list[Case]] = {
    "home": [
        get(
            const("/"),
            expect("200", candidate_owner="302", other_candidate="302", professors="302"),
        )
    ],
    "about": [get(const("/about/"), expect("200"))],
    "healthz": [get(const("/healthz"), expect("200"))],
    "signup": [get(const("/accounts/signup/"), expect("200", logged_in="302"))],
    "login": [get(const("/accounts/login/"), expect("200", logged_in="302"))],
    "logout": [
        get(const("/accounts/logout/"), expect("405")),
        post(const("/accounts/logout/"), expect("302")),
    ],
    "password_change": [
        get(const("/accounts/password_change/"), expect("302:login", logged_in="200"))
    ],
    "password_change_done": [
        get(const("/accounts/password_change/done/"), expect("302:login", logged_in="200"))
    ],
    "password_reset": [get(const("/accounts/password_reset/"), expect("200"))],
    "password_reset_done": [get(const("/accounts/password_reset/done/"), expect("200"))],
    "password_reset_confirm": [get(const("/accounts/reset/MQ/bad-token/"), expect("200"))],
    "password_reset_complete": [get(const("/accounts/reset/done/"), expect("200"))],
}

INTERVIEWS: dict[str, list[Case]] = {
    "interviews:dashboard": [get(const("/interviews/"), expect("302:login", logged_in="200"))],
    "interviews:new": [get(const("/interviews/new/"), expect("302:login", logged_in="200"))],
    "interviews:settings": [
        get(const("/interviews/settings/"), expect("302:login", logged_in="200"))
    ],
    # What the built-in coach is: public, since the shared report (no account) links to it.
    "interviews:coach_help": [
        get(const("/interviews/coach/"), expect("200")),
        post(const("/interviews/coach/"), expect("405")),
    ],
    "interviews:interview": [
        get(lambda w, p: f"/interviews/{live(w)}/", OWNER_CANDIDATE_PAGE),
        # A finished interview's page sends its owner to the report.
        get(
            lambda w, p: f"/interviews/{done(w)}/",
            expect("302:login", logged_in="404", candidate_owner="302"),
            label="finished",
        ),
    ],
    "interviews:report": [get(lambda w, p: f"/interviews/{done(w)}/report/", OWNER_CANDIDATE_PAGE)],
    "interviews:share_create": [
        get(
            lambda w, p: f"/interviews/{done(w)}/share/",
            expect("302:login", logged_in="405"),
        ),
        post(lambda w, p: f"/interviews/{done(w)}/share/", OWNER_CANDIDATE_POST),
    ],
    "interviews:share_revoke": [
        post(lambda w, p: f"/interviews/{done(w)}/share/revoke/", OWNER_CANDIDATE_POST)
    ],
    "interviews:shared": [
        get(
            lambda w, p: f"/interviews/shared/{w.share_token(p)}/",
            expect("404", share_link_holder="200"),
        )
    ],
    "interviews:stories": [
        get(const("/interviews/stories/"), expect("302:login", logged_in="200"))
    ],
    "interviews:story_save": [
        post(
            const("/interviews/stories/save/"),
            OWNER_CANDIDATE_POST,
            data=lambda w: {"attempt": str(w.attempt.public_id)},
        )
    ],
    "interviews:story_edit": [
        get(lambda w, p: f"/interviews/stories/{w.story.public_id}/", OWNER_CANDIDATE_PAGE),
        post(
            lambda w, p: f"/interviews/stories/{w.story.public_id}/",
            OWNER_CANDIDATE_POST,
            data=lambda w: {"title": "Renamed by someone"},
        ),
    ],
    "interviews:story_delete": [
        post(lambda w, p: f"/interviews/stories/{w.story.public_id}/delete/", OWNER_CANDIDATE_POST)
    ],
}

CLASSROOMS: dict[str, list[Case]] = {
    "classrooms:dashboard": [get(const("/classrooms/"), PROFESSOR_PAGE)],
    "classrooms:profile": [
        get(const("/classrooms/profile/"), PROFESSOR_PAGE),
        post(
            const("/classrooms/profile/"),
            expect("302:login", logged_in="403", professors="302"),
            data=lambda w: {"display_name": "Changed", "teaching_style": "x", "consent": ""},
        ),
    ],
    "classrooms:course_new": [
        get(const("/classrooms/courses/new/"), PROFESSOR_PAGE),
        post(
            const("/classrooms/courses/new/"),
            expect("302:login", logged_in="403", professors="200"),  # no title: the form again
            data=lambda w: {"title": ""},
        ),
    ],
    "classrooms:course_edit": [
        get(lambda w, p: f"/classrooms/courses/{course(w)}/edit/", OWNER_PROFESSOR_PAGE),
        post(
            lambda w, p: f"/classrooms/courses/{course(w)}/edit/",
            expect("302:login", logged_in="403", professors="404", professor_owner="200"),
            data=lambda w: {"title": ""},
        ),
    ],
    "classrooms:course": [
        get(lambda w, p: f"/classrooms/courses/{course(w)}/", OWNER_PROFESSOR_PAGE)
    ],
    "classrooms:material_upload": [
        post(lambda w, p: f"/classrooms/courses/{course(w)}/materials/", OWNER_PROFESSOR_POST)
    ],
    "classrooms:material_delete": [
        post(
            lambda w, p: (
                f"/classrooms/courses/{course(w)}/materials/{w.material.public_id}/delete/"
            ),
            OWNER_PROFESSOR_POST,
        )
    ],
    "classrooms:student_add": [
        post(
            lambda w, p: f"/classrooms/courses/{course(w)}/students/",
            OWNER_PROFESSOR_POST,
            data=lambda w: {"name": "Intruder Student"},
        )
    ],
    "classrooms:session_start": [
        get(lambda w, p: f"/classrooms/courses/{course(w)}/sessions/", expect("405")),
        post(
            lambda w, p: f"/classrooms/courses/{course(w)}/sessions/",
            OWNER_PROFESSOR_POST,
            data=lambda w: {
                "students": list(w.course.students.values_list("pk", flat=True)),
                "group_size": 2,
                "meeting_provider": "local",
            },
        ),
    ],
    "classrooms:monitor": [
        get(lambda w, p: f"/classrooms/sessions/{session(w)}/", OWNER_PROFESSOR_PAGE)
    ],
    "classrooms:session_start_prepared": [
        get(lambda w, p: f"/classrooms/sessions/{session(w)}/start/", expect("405")),
        # The world's session is already starting: its owner is told so on the monitor.
        post(lambda w, p: f"/classrooms/sessions/{session(w)}/start/", OWNER_PROFESSOR_POST),
    ],
    "classrooms:session_links": [
        get(lambda w, p: f"/classrooms/sessions/{session(w)}/links/", OWNER_OR_STAFF_PAGE)
    ],
    "classrooms:session_links_csv": [
        get(lambda w, p: f"/classrooms/sessions/{session(w)}/links.csv", OWNER_OR_STAFF_PAGE)
    ],
    "classrooms:session_invitations": [
        get(lambda w, p: f"/classrooms/sessions/{session(w)}/invitations/", OWNER_OR_STAFF_PAGE)
    ],
    "classrooms:session_invitations_resend": [
        get(
            lambda w, p: f"/classrooms/sessions/{session(w)}/invitations/resend/",
            expect("405"),
        ),
        post(
            lambda w, p: f"/classrooms/sessions/{session(w)}/invitations/resend/",
            OWNER_PROFESSOR_POST,
        ),
    ],
    "classrooms:session_report": [
        get(lambda w, p: f"/classrooms/sessions/{session(w)}/report/", OWNER_OR_STAFF_PAGE)
    ],
    "classrooms:session_report_csv": [
        get(lambda w, p: f"/classrooms/sessions/{session(w)}/report.csv", OWNER_OR_STAFF_PAGE)
    ],
    "classrooms:join": [
        get(const("/join/"), expect("200")),
        # A right code opens that room; a code nobody holds is a clear 404 page.
        post(
            const("/join/"),
            expect("404", student_right_token="302", student_other_token="302"),
            data_for=lambda w, p: {"code": join_code(w, p)},
        ),
    ],
    "classrooms:transcript_csv": [
        get(lambda w, p: f"/classrooms/sessions/{session(w)}/transcript.csv", OWNER_PROFESSOR_PAGE)
    ],
    "classrooms:session_zoom_signature": [
        post(
            lambda w, p: f"/classrooms/sessions/{session(w)}/zoom/signature/",
            # The owner's session is an in-app one: no Zoom meeting to sign for.
            expect("302:login", logged_in="403", professors="404", professor_owner="400"),
        )
    ],
    "classrooms:zoom_webhook": [
        get(const("/classrooms/zoom/webhook/"), expect("405")),
        post(const("/classrooms/zoom/webhook/"), expect("401"), label="unsigned"),
    ],
    "classrooms:room": [
        get(
            lambda w, p: f"/rooms/{w.room_token(p)}/",
            expect("404", student_right_token="200", student_other_token="200"),
        )
    ],
    "classrooms:short": [
        get(
            lambda w, p: f"/r/{w.short_code(p)}",
            expect("404", student_right_token="302", student_other_token="302"),
        )
    ],
    "avatars:health": [get(const("/avatars/health/"), STAFF_ONLY)],
}


# --- Admin: every registered model's pages, by name pattern ---------------------------------

ADMIN_MODELS = {
    # app_model: (add allowed for staff, delete allowed for staff)
    "auth_group": (True, True),
    "auth_user": (True, True),
    "avatars_avatarsession": (False, True),
    "avatars_avatarprovidergate": (True, True),
    "interviews_candidateprofile": (True, True),
    "interviews_bankquestion": (True, True),
    "interviews_mockinterview": (True, True),
    "interviews_attempt": (True, True),
    "interviews_followup": (True, True),
    "interviews_reportshare": (False, True),
    "interviews_story": (True, True),
    "classrooms_professorprofile": (True, True),
    "classrooms_course": (True, True),
    "classrooms_rosterstudent": (True, True),
    "classrooms_classsession": (True, True),
    "classrooms_breakoutroom": (True, True),
    "classrooms_roomtranscriptline": (False, True),
    "classrooms_roominvitation": (False, True),
    "classrooms_roompresencespan": (False, True),
    "classrooms_misconceptionhit": (False, True),
    "classrooms_meetingbot": (False, True),
}


def admin_object(w: World, label: str) -> str:
    app_label, model_name = label.split("_", 1)
    model = apps.get_model(app_label, model_name)
    obj = model.objects.order_by("pk").first()
    assert obj is not None, f"the world has no {label} for the admin pages"
    return str(obj.pk)


def add_admin_objects(world: World) -> None:
    """One object per admin model the world lacks, so every admin page has something to show."""
    Group.objects.create(name="support")
    avatar_session_create(purpose="interview", subject="matrix")
    AvatarProviderGate.objects.get_or_create(provider="local")
    FollowUp.objects.create(
        question=world.attempt.question, prompted_by=world.attempt, text="What was the result?"
    )
    student = world.room1.students.order_by("pk").first()
    RoomInvitation.objects.create(room=world.room1, student=student, email="x@example.edu")
    RoomPresenceSpan.objects.create(room=world.room1)
    MisconceptionHit.objects.create(
        room=world.room1, key="ci-probability", misconception="A 95% interval has a 95% chance"
    )
    MeetingBot.objects.create(room=world.room1, display_name="Tutor · Room 1")


def admin_rows() -> dict[str, list[Case]]:
    rows: dict[str, list[Case]] = {
        "admin:index": [get(const("/admin/"), STAFF_ONLY)],
        # Signed-in non-staff see the login form with "not authorised"; staff go to the index.
        "admin:login": [get(const("/admin/login/"), expect("200", staff="302"))],
        "admin:logout": [post(const("/admin/logout/"), expect("302"))],
        "admin:password_change": [get(const("/admin/password_change/"), STAFF_ONLY)],
        "admin:password_change_done": [get(const("/admin/password_change/done/"), STAFF_ONLY)],
        # Without its query parameters the autocomplete refuses even staff.
        "admin:autocomplete": [
            get(const("/admin/autocomplete/"), expect("302:admin_login", staff="403"))
        ],
        "admin:jsi18n": [get(const("/admin/jsi18n/"), STAFF_ONLY)],
        "admin:view_on_site": [
            get(
                lambda w, p: (
                    f"/admin/r/{ContentType.objects.get_for_model(Group).pk}/"
                    f"{admin_object(w, 'auth_group')}/"
                ),
                # Groups have no public page.
                expect("302:admin_login", staff="404"),
            )
        ],
        "admin:app_list": [get(const("/admin/interviews/"), STAFF_ONLY)],
        "admin:(?P<url>.*)$": [
            get(const("/admin/no-such-page/"), expect("302:admin_login", staff="404"))
        ],
    }
    for label, (can_add, can_delete) in ADMIN_MODELS.items():
        base = "/admin/" + label.replace("_", "/", 1)

        def obj(w: World, p: str, label: str = label) -> str:
            return admin_object(w, label)

        rows[f"admin:{label}_changelist"] = [get(lambda w, p, b=base: f"{b}/", STAFF_ONLY)]
        rows[f"admin:{label}_add"] = [
            get(
                lambda w, p, b=base: f"{b}/add/",
                STAFF_ONLY if can_add else expect("302:admin_login", staff="403"),
            )
        ]
        rows[f"admin:{label}_change"] = [
            get(lambda w, p, b=base, o=obj: f"{b}/{o(w, p)}/change/", STAFF_ONLY)
        ]
        rows[f"admin:{label}_history"] = [
            get(lambda w, p, b=base, o=obj: f"{b}/{o(w, p)}/history/", STAFF_ONLY)
        ]
        rows[f"admin:{label}_delete"] = [
            get(
                lambda w, p, b=base, o=obj: f"{b}/{o(w, p)}/delete/",
                STAFF_ONLY if can_delete else expect("302:admin_login", staff="403"),
            )
        ]
        # The bare object URL redirects to its change page.
        rows[f"admin:{base.removeprefix('/admin/')}/<path:object_id>/"] = [
            get(
                lambda w, p, b=base, o=obj: f"{b}/{o(w, p)}/",
                expect("302:admin_login", staff="302"),
            )
        ]
    rows["admin:auth_user_password_change"] = [
        get(lambda w, p: f"/admin/auth/user/{admin_object(w, 'auth_user')}/password/", STAFF_ONLY)
    ]
    return rows


# --- WebSocket routes -------------------------------------------------------------------------

WS: dict[str, list[Case]] = {
    "ws:ws/interviews/<uuid:public_id>/": [
        get(
            lambda w, p: f"/ws/interviews/{live(w)}/",
            expect("close:4403", anon="close:4401", candidate_owner="accept"),
        )
    ],
    "ws:ws/classrooms/<uuid:public_id>/monitor/": [
        get(
            lambda w, p: f"/ws/classrooms/{session(w)}/monitor/",
            expect("close:4403", anon="close:4401", professor_owner="accept"),
        )
    ],
    "ws:ws/rooms/<str:token>/": [
        get(
            lambda w, p: f"/ws/rooms/{w.room_token(p)}/",
            expect("close:4404", student_right_token="accept", student_other_token="accept"),
            label="student",
        ),
        # A professor joins a room live only for their own session.
        get(
            lambda w, p: f"/ws/rooms/{w.room1.join_token}/?role=professor",
            expect("close:4403", anon="close:4401", professor_owner="accept"),
            label="professor",
        ),
    ],
    # The catch-all: any other path (here a room token in the monitor's route) is refused.
    "ws:": [
        get(
            lambda w, p: f"/ws/classrooms/{w.room_token(p)}/monitor/",
            expect("close:4404"),
            label="unknown path",
        )
    ],
}

TABLE: dict[str, list[Case]] = {**SITE, **INTERVIEWS, **CLASSROOMS, **admin_rows(), **WS}


# --- The site's routes ------------------------------------------------------------------------


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = ":".join(x for x in (namespace, entry.namespace or "") if x)
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = entry.name or route.removeprefix(namespace + "/" if namespace else "")
            yield (f"{namespace}:{name}" if namespace else name), route, entry


def http_routes() -> dict[str, Any]:
    return {key: entry for key, _route, entry in _walk(get_resolver())}


def ws_routes() -> set[str]:
    return {f"ws:{entry.pattern}" for entry in websocket_urlpatterns}


def test_every_route_has_a_row() -> None:
    routes = set(http_routes()) | ws_routes()
    missing = sorted(routes - set(TABLE))
    stale = sorted(set(TABLE) - routes)
    assert missing == [], f"routes without a row in the authorization matrix: {missing}"
    assert stale == [], f"rows for routes that no longer exist: {stale}"
    # Every registered admin model is in the table (its pages are rows).
    registered = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    assert registered == set(ADMIN_MODELS)
    for key, cases in TABLE.items():
        for case in cases:
            assert set(case.expect) == set(PERSONAS), key


# --- Running cells ----------------------------------------------------------------------------


def classify(response: Any) -> str:
    status = response.status_code
    if status in (301, 302):
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return "302:login"
        if location.startswith("/admin/login/"):
            return "302:admin_login"
        return "302"
    return str(status)


def body_text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def csrf_client(world: World, persona: str) -> tuple[Client, str]:
    """A fresh client for `persona` carrying a valid CSRF cookie and the matching token."""
    client = world.client(persona, fresh=True, enforce_csrf_checks=True)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    return client, token


@pytest.mark.django_db
def test_http_matrix(secret_settings: dict[str, str], record: Any) -> None:
    world = build_world()
    add_admin_objects(world)
    failures: list[str] = []
    baseline = fingerprint()
    seen: dict[str, set[str]] = {p: set() for p in PERSONAS}
    for key, cases in TABLE.items():
        if key.startswith("ws:"):
            continue
        for case in cases:
            name = f"{key} {case.label}".strip()
            for persona in PERSONAS:
                expected = case.expect[persona]
                path = case.path(world, persona)
                problems: list[str] = []
                if case.method == "GET":
                    response = world.client(persona).get(path)
                    actual = classify(response)
                    after = fingerprint()
                    if actual in DENIED and after != baseline:
                        problems.append("a refused GET changed the database")
                    baseline = after
                else:
                    client, token = csrf_client(world, persona)
                    with transaction.atomic():
                        data = case.data_for(world, persona) if case.data_for else case.data(world)
                        response = client.post(path, data, headers={"x-csrftoken": token})
                        actual = classify(response)
                        if actual in DENIED and fingerprint() != baseline:
                            problems.append("a refused POST changed the database")
                        transaction.set_rollback(True)
                if actual == "200":
                    text = body_text(response)
                    seen[persona].update(m for m in MARKERS if m in text.lower())
                    if marks := foreign_markers(persona, text):
                        problems.append(f"shows another owner's data {marks}")
                    if keys := leaked(text, secret_settings):
                        problems.append(f"shows secrets {keys}")
                passed = record("authorization", f"{case.method} {name}", persona, expected, actual)
                if not passed:
                    problems.append(f"expected {expected}, got {actual}")
                if problems:
                    failures.append(f"{name} [{persona}] {path}: {'; '.join(problems)}")
    assert failures == [], "\n".join(failures)
    # The leak check has teeth: each persona did see its own planted data somewhere.
    for persona, own in VISIBLE.items():
        if persona != "staff":
            assert own <= seen[persona], (persona, own, seen[persona])


# --- WebSocket cells --------------------------------------------------------------------------


@pytest.fixture
def ws_world(transactional_db: Any) -> World:
    return build_world()


async def _frames(communicator: Any, limit: int = 3) -> list[str]:
    frames = []
    for _ in range(limit):
        # receive_nothing() waits without cancelling the app (receive_output's timeout would).
        if await communicator.receive_nothing(timeout=0.5):
            break
        output = await communicator.receive_output(timeout=1)
        if output.get("type") == "websocket.close":
            break
        frames.append(output.get("text") or "")
    return frames


@pytest.mark.django_db(transaction=True)
async def test_websocket_matrix(ws_world: World, ws_connect: Any, record: Any) -> None:
    world = ws_world
    # A live session (tutors deployed): nothing left for a monitor connection to resume, so
    # no background work races the database fingerprints.
    await class_services.class_session_launch(session=world.session)
    failures: list[str] = []
    for key, cases in WS.items():
        for case in cases:
            name = f"{key} {case.label}".strip()
            for persona in PERSONAS:
                expected = case.expect[persona]
                path = case.path(world, persona)
                before = await sync_to_async(fingerprint)()
                communicator, connected, code = await ws_connect(path, world.user(persona))
                actual = "accept" if connected else f"close:{code}"
                problems: list[str] = []
                if connected:
                    for frame in await _frames(communicator):
                        if marks := foreign_markers(persona, frame):
                            problems.append(f"frame shows another owner's data {marks}")
                    await communicator.disconnect()
                if not connected and await sync_to_async(fingerprint)() != before:
                    problems.append("a refused socket changed the database")
                if not record("authorization", f"WS {name}", persona, expected, actual):
                    problems.append(f"expected {expected}, got {actual}")
                if problems:
                    failures.append(f"{name} [{persona}] {path}: {'; '.join(problems)}")
    assert failures == [], "\n".join(failures)

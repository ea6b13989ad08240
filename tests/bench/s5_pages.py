"""Scenario 5, page budgets: the candidate dashboard, the interview page, the report (10
questions x 3 attempts) and the professor's monitor (100 rooms). Per page: SQL queries and the
median server time (the full Django stack in this process, through the test client), over the
login page's time (the reference: a form, no rows) requested just before each timed request. Naive
comparison: the same page with one row (1 interview / 1 question x 1 attempt / 1 room) must cost
the same number of queries (the app tests assert this too; see docs/benchmarks.md)."""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.bench.core import Context, Figure

NAME = "5. Page budgets"
MAX_QUERIES = 15
# A page may cost at most this many login pages (the former absolute budget, 50 ms, over the
# login page's time on a quiet machine; see docs/benchmarks.md).
MAX_OVER_LOGIN = 30.0


def _plan(questions: int, attempts: int) -> list[tuple[str, list[str]]]:
    from tests.interviews.coaching.calibration_data import SAMPLES

    groups: dict[str, list[str]] = {}
    for sample in SAMPLES:
        groups.setdefault(sample.competency, []).append(sample.id)
    competencies = list(groups)
    plan = []
    for q in range(questions):
        ids = groups[competencies[q % len(competencies)]]
        plan.append(
            (competencies[q % len(competencies)], [ids[a % len(ids)] for a in range(attempts)])
        )
    return plan


def _timed(client: Client, url: str) -> float:
    t0 = time.perf_counter()
    client.get(url)
    return (time.perf_counter() - t0) * 1000


def _measure(client: Client, url: str, repeats: int) -> tuple[int, list[float], list[float]]:
    """(queries, page times, login page times): each timed request of the page follows one
    of the login page (the reference), so both see the same moment's load."""
    response = client.get(url)  # warm-up (template loading, session)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries.captured_queries)  # read now: the log is per connection
    anonymous, login = Client(HTTP_HOST="127.0.0.1"), reverse("login")
    _timed(anonymous, login)
    times, reference = [], []
    for _ in range(repeats):
        reference.append(_timed(anonymous, login))
        times.append(_timed(client, url))
    return count, times, reference


def _candidate_pages(rows: int, attempts: int) -> dict[str, str]:
    from interviews.services import InterviewSpec, interview_create
    from tests.factories import make_user
    from tests.interviews.coaching.helpers import make_finished_interview

    user = make_user()
    for _ in range(max(0, rows - 1)):
        make_finished_interview(user, _plan(1, 1))
    report = make_finished_interview(user, _plan(rows, attempts))
    live = interview_create(
        owner=user, spec=InterviewSpec(target_role="Backend engineer", question_count=rows)
    )
    return {
        "user": user,
        "dashboard": reverse("interviews:dashboard"),
        "interview": reverse("interviews:interview", args=[live.public_id]),
        "report": reverse("interviews:report", args=[report.public_id]),
    }


def _monitor_page(rooms: int) -> tuple[Any, str]:
    from tests.bench.s4_monitor import _session

    session = _session(rooms)
    return session.professor.user, reverse("classrooms:monitor", args=[session.public_id])


def run(ctx: Context) -> None:
    repeats = 3 if ctx.smoke else 30
    big_rows, big_attempts, big_rooms = (3, 2, 5) if ctx.smoke else (10, 3, 100)
    results: dict[str, dict[str, Any]] = {}
    for size, (rows, attempts, rooms) in (
        ("small", (1, 1, 1)),
        ("big", (big_rows, big_attempts, big_rooms)),
    ):
        pages = _candidate_pages(rows, attempts)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(pages["user"])
        for page in ("dashboard", "interview", "report"):
            results.setdefault(page, {})[size] = _measure(client, pages[page], repeats)
        professor, url = _monitor_page(rooms)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(professor)
        results.setdefault("monitor", {})[size] = _measure(client, url, repeats)

    labels = {
        "dashboard": f"dashboard ({big_rows} interviews)",
        "interview": f"interview page ({big_rows} questions)",
        "report": f"report ({big_rows} questions x {big_attempts} attempts)",
        "monitor": f"monitor ({big_rooms} rooms)",
    }
    references: list[float] = []
    for page, label in labels.items():
        small_q, _, _ = results[page]["small"]
        big_q, times, reference = results[page]["big"]
        references += reference
        reference_ms = statistics.median(reference)
        ctx.add(
            Figure(
                NAME,
                f"{label}: queries",
                [float(big_q)],
                unit="queries",
                target=f"<= {MAX_QUERIES}, same as with 1 row",
                note=f"{small_q} with 1 row",
            ).check(big_q <= MAX_QUERIES and big_q == small_q)
        )
        over_login = [t / reference_ms for t in times]
        ctx.add(
            Figure(
                NAME,
                f"{label}: server time / login page",
                over_login,
                unit="ratio",
                target=f"median <= {MAX_OVER_LOGIN:.0f}",
            ).check(statistics.median(over_login) <= MAX_OVER_LOGIN)
        )
        ctx.add(Figure(NAME, f"{label}: server time", times))
    ctx.add(
        Figure(NAME, "reference: login page server time (between the pages' requests)", references)
    )

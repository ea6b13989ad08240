"""Scenario 1, class start fan-out: the fake avatar vendor takes 2.5 s to start a session (what
a real vendor's avatar takes: 2-3 s); the professor starts sessions of 1, 5, 25, 30 and 100
rooms with a vendor cap of 25 starts in flight. Measured: from "Start" (class_session_create +
class_session_launch, what the start view and its background task run) until every room is
active, and that time against the limit: ceil(N/25) waves of one vendor start, i.e.
T(N) / (ceil(N/25) x T(1)); and the bench process's CPU time per started room (our web,
database and vendor-call work; the fake vendor runs in its own process). Naive: the same rooms
deployed one after another (breakout_room_deploy in a loop)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings

from tests.bench.core import Context, Figure

NAME = "1. Class start fan-out"
START_LATENCY = 2.5
SMOKE_START_LATENCY = 0.2  # the smoke run only checks that the scenario works
CAP = 25  # AVATAR_MAX_CONCURRENT in the bench environment
LIMIT_RATIO = 1.10


def _course(size: int) -> tuple[Any, list[int]]:
    from tests.factories import make_course, make_professor

    professor = make_professor()
    course = make_course(professor, students=size)
    ids = list(course.students.order_by("pk").values_list("pk", flat=True))
    return professor, ids


async def _ours(professor: Any, course_id: int, ids: list[int]) -> tuple[float, float, Any]:
    """(wall time, this process's CPU time, session) from "Start" until every room is active."""
    from classrooms import services
    from classrooms.models import Course

    course = await Course.objects.aget(pk=course_id)
    t0, cpu0 = time.perf_counter(), time.process_time()
    session = await sync_to_async(services.class_session_create)(
        professor=professor, course=course, student_ids=ids
    )
    await services.class_session_launch(session=session)
    return time.perf_counter() - t0, time.process_time() - cpu0, session


async def _naive(professor: Any, course_id: int, ids: list[int]) -> tuple[float, Any]:
    from classrooms import services
    from classrooms.models import BreakoutRoom, Course

    course = await Course.objects.aget(pk=course_id)
    t0 = time.perf_counter()
    session = await sync_to_async(services.class_session_create)(
        professor=professor, course=course, student_ids=ids
    )
    room_ids = [
        pk async for pk in BreakoutRoom.objects.filter(session=session).values_list("pk", flat=True)
    ]
    for pk in room_ids:
        await services.breakout_room_deploy(room_id=pk)
    return time.perf_counter() - t0, session


async def _check_and_end(session: Any, size: int) -> None:
    from classrooms import services
    from classrooms.models import BreakoutRoom

    active = await BreakoutRoom.objects.filter(
        session=session, status=BreakoutRoom.Status.ACTIVE
    ).acount()
    if active != size:
        raise RuntimeError(f"only {active} of {size} rooms became active")
    await services.class_session_end(session=session)


def run(ctx: Context) -> None:
    fake = ctx.fake  # type: ignore[attr-defined]
    latency = SMOKE_START_LATENCY if ctx.smoke else START_LATENCY
    fake.knobs({"heygen.start": {"latency": latency}})
    sizes = [1, 3, 5] if ctx.smoke else [1, 5, 25, 30, 100]
    if not ctx.smoke and int(settings.AVATAR_MAX_CONCURRENT) != CAP:
        raise RuntimeError(f"the wave arithmetic assumes AVATAR_MAX_CONCURRENT={CAP}")
    repeats = 1 if ctx.smoke else 3
    naive_size = 3 if ctx.smoke else 30
    professor, ids = _course(max(sizes))
    course_id = professor.courses.first().pk

    times: dict[int, list[float]] = {size: [] for size in sizes}
    cpu_per_room: list[float] = []
    naive: list[float] = []

    async def body() -> None:
        # Warm-up (imports, HTTP clients, first queries) is not measured.
        _, _, session = await _ours(professor, course_id, ids[:1])
        await _check_and_end(session, 1)
        for _ in range(repeats):
            for size in sizes:
                elapsed, cpu, session = await _ours(professor, course_id, ids[:size])
                times[size].append(elapsed)
                if size >= 5:
                    cpu_per_room.append(cpu / size * 1000)
                await _check_and_end(session, size)
        elapsed, session = await _naive(professor, course_id, ids[:naive_size])
        naive.append(elapsed)
        await _check_and_end(session, naive_size)

    asyncio.run(body())
    max_starting = fake.state()["max_starting"]["heygen"]

    t1 = sorted(times[1])[len(times[1]) // 2]
    for size in sizes:
        ctx.add(
            Figure(
                NAME,
                f"T({size}): Start until {size} room{'s' if size > 1 else ''} active",
                times[size],
                unit="s",
                note=f"vendor start {latency:g} s, cap {CAP}",
            )
        )

    def median(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    # Against the limit: with C starts in flight, N rooms need ceil(N/C) waves of one start
    # each, so the best possible T(N) is ceil(N/C) x T(1); what is left over is our own work.
    for size in sizes[1:]:
        waves = -(-size // CAP)
        against_limit = [t / (waves * t1) for t in times[size]]
        ctx.add(
            Figure(
                NAME,
                f"T({size}) / (ceil({size}/{CAP}) x T(1))",
                against_limit,
                unit="ratio",
                target=f"<= {LIMIT_RATIO:.2f}",
                note=f"{waves} wave{'s' if waves > 1 else ''} at cap {CAP}",
            ).check(median(against_limit) <= LIMIT_RATIO)
        )
    for size in sizes[1:]:
        ctx.add(Figure(NAME, f"T({size}) / T(1)", [t / t1 for t in times[size]], unit="ratio"))
    ctx.add(
        Figure(
            NAME,
            "our CPU per started room (bench process: web, database and vendor-call work)",
            cpu_per_room,
            unit="ms",
            note=f"N = {', '.join(str(n) for n in sizes[1:])}",
        )
    )
    ctx.add(Figure(NAME, f"naive: {naive_size} rooms one after another", naive, unit="s"))
    ours_mid = sorted(times[naive_size])[len(times[naive_size]) // 2]
    ctx.add(
        Figure(
            NAME,
            f"ours / naive at {naive_size} rooms",
            [ours_mid / naive[0]],
            unit="ratio",
        )
    )
    ctx.add(
        Figure(
            NAME,
            "most vendor starts in flight at once (fake's count)",
            [float(max_starting)],
            unit="count",
            target="<= 25",
        ).check(max_starting <= 25)
    )

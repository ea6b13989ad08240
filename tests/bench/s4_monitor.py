"""Scenario 4, monitor fan-out: a live 100-room session, 5 professor monitors open on two daphne
processes (Redis channel layer), room updates at 20 per second written by the product service
(`room_line_add`: a transcript line saved, then pushed to the session group on commit) from the
bench process. Measured: update written -> update received by each monitor; no update may be
lost or arrive out of order per room. The figure with a target is the p95 over the p95 of a
loopback echo probed during the same window (tests/bench/echo.py). Naive (same run): re-sending the whole monitor snapshot
for every update (build time and size against our one-room message)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

from django.conf import settings
from django.test import override_settings

from tests.bench.core import Context, Figure, percentile
from tests.bench.echo import EchoServer
from tests.bench.env import daphnes, redis_extra, session_cookie, ws_connect

NAME = "4. Monitor fan-out"
RATE = 20.0
# Delivery p95 over the loopback echo's p95 in the same window (provisional, see notes).
MAX_OVER_ECHO = 30.0
ENDED: list[str] = []  # monitors whose socket ended early, and why


def _session(rooms: int) -> Any:
    from classrooms import services
    from classrooms.models import BreakoutRoom, ClassSession
    from tests.factories import make_course, make_professor

    professor = make_professor()
    course = make_course(professor, students=rooms)
    ids = list(course.students.values_list("pk", flat=True))
    session = services.class_session_create(professor=professor, course=course, student_ids=ids)
    # A live session with running tutors (the avatar start is scenario 1's business).
    ClassSession.objects.filter(pk=session.pk).update(status=ClassSession.Status.LIVE)
    BreakoutRoom.objects.filter(session=session).update(status=BreakoutRoom.Status.ACTIVE)
    session.refresh_from_db()
    return session


PUBLISH_ERRORS: list[str] = []


def _publish(rooms: list[Any], count: int, stamps: dict[int, float]) -> None:
    """Write `count` transcript lines at RATE per second. A failed write is recorded (and not
    counted as a lost delivery), so the thread never dies silently mid-run."""
    from classrooms.models import RoomTranscriptLine
    from classrooms.services import room_line_add

    start = time.monotonic()
    for i in range(count):
        time.sleep(max(0.0, start + i / RATE - time.monotonic()))
        room = rooms[i % len(rooms)]
        stamps[i] = time.time()
        try:
            room_line_add(
                room=room,
                speaker=RoomTranscriptLine.Speaker.STUDENT,
                text=f"update u{i} of the bench",
            )
        except Exception as exc:
            del stamps[i]
            PUBLISH_ERRORS.append(f"u{i}: {type(exc).__name__}: {exc}"[:200])


async def _monitor(base: str, path: str, cookie: str, got: list[tuple[float, str, int]]) -> Any:
    ws = await ws_connect(base, path, cookie)

    async def read() -> None:
        try:
            async for raw in ws:
                now = time.time()
                message = json.loads(raw)
                if message.get("type") == "transcript.line":
                    word = message["line"]["text"].split()[1]
                    got.append((now, message["room"], int(word[1:])))
        except Exception as exc:  # reported: a monitor that stops reading loses updates
            ENDED.append(repr(exc)[:120])
            return
        ENDED.append(f"closed by the server ({ws.close_code})")

    first = json.loads(await ws.recv())
    if first.get("type") != "snapshot":
        raise RuntimeError(f"monitor: expected a snapshot, got {first}")
    return ws, asyncio.create_task(read())


def run(ctx: Context) -> None:
    from classrooms.selectors import session_snapshot

    redis = ctx.redis  # type: ignore[attr-defined]
    rooms_count = 10 if ctx.smoke else 100
    monitors = 2 if ctx.smoke else 5
    seconds = 1.5 if ctx.smoke else 15.0
    count = int(RATE * seconds)
    ENDED.clear()
    session = _session(rooms_count)
    cookie = session_cookie(session.professor.user)
    rooms = list(session.rooms.select_related("session").order_by("position"))

    # Naive: the whole snapshot for every update (measured in this process, no layer needed).
    naive_ms: list[float] = []
    for _ in range(5 if ctx.smoke else 20):
        t0 = time.perf_counter()
        snapshot = session_snapshot(session=session)
        snapshot_json = json.dumps({"type": "snapshot", **snapshot})
        naive_ms.append((time.perf_counter() - t0) * 1000)

    if not redis:
        ctx.add(Figure(NAME, "delivery latency, Redis layer, 2 daphnes", note="skipped: no Redis"))
        return
    extra = {"AVATAR_PROVIDER": "local", **redis_extra(redis)}
    layer = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{**settings.REDIS_LAYER_HOST, "address": redis}],
                "prefix": extra["CHANNEL_LAYER_PREFIX"],
                "capacity": 1000,
            },
        }
    }
    path = f"/ws/classrooms/{session.public_id}/monitor/"
    received: list[list[tuple[float, str, int]]] = [[] for _ in range(monitors)]
    stamps: dict[int, float] = {}
    echo_ms: list[float] = []
    echo = EchoServer()
    with daphnes(2, extra) as servers, override_settings(CHANNEL_LAYERS=layer):

        async def body() -> None:
            opened = await asyncio.gather(
                *(
                    _monitor(servers[i % 2].ws_url, path, cookie, received[i])
                    for i in range(monitors)
                )
            )
            await asyncio.sleep(0.5)
            stop = asyncio.Event()
            probe = asyncio.create_task(echo.probe(stop))
            thread = threading.Thread(target=_publish, args=(rooms, count, stamps))
            thread.start()
            await asyncio.to_thread(thread.join)
            stop.set()
            echo_ms.extend(await probe)
            await asyncio.sleep(1.5)  # the last deliveries
            for ws, task in opened:
                task.cancel()
                await ws.close()
                task.cancel()

        try:
            asyncio.run(body())
        finally:
            echo.stop()

    latencies: list[float] = []
    lost = reordered = 0
    for got in received:
        seen: dict[str, int] = {}
        ids = set()
        for t, room, seq in got:
            latencies.append((t - stamps[seq]) * 1000)
            ids.add(seq)
            if seen.get(room, -1) > seq:
                reordered += 1
            seen[room] = seq
        lost += len(stamps) - len(ids)
    note = f"{rooms_count} rooms, {monitors} monitors, {RATE:.0f} updates/s for {seconds:g} s"
    per_monitor = ", ".join(str(len({seq for _, _, seq in got})) for got in received)
    ratio = percentile(latencies, 95) / percentile(echo_ms, 95)
    ctx.add(
        Figure(
            NAME,
            "update delivery p95 / loopback echo p95",
            [ratio],
            unit="ratio",
            target=f"<= {MAX_OVER_ECHO:.0f}",
        ).check(ratio <= MAX_OVER_ECHO and lost == 0 and reordered == 0)
    )
    ctx.add(Figure(NAME, "update written -> received by each monitor", latencies, note=note))
    ctx.add(Figure(NAME, "  reference: loopback echo round trip during the updates", echo_ms))
    ctx.add(
        Figure(
            NAME,
            "updates lost / reordered per room",
            [float(lost + reordered)],
            unit="count",
            target="0",
            note=f"{lost} lost, {reordered} reordered of {count * monitors}; received per monitor "
            f"{per_monitor}"
            + (f"; ended early: {'; '.join(ENDED)}" if ENDED else "")
            + (
                f"; {len(PUBLISH_ERRORS)} writes failed (first: {PUBLISH_ERRORS[0]})"
                if PUBLISH_ERRORS
                else ""
            ),
        ).check(lost == 0 and reordered == 0 and not PUBLISH_ERRORS)
    )
    one = len(
        json.dumps(
            {
                "type": "line",
                "room": str(rooms[0].public_id),
                "line": {
                    "speaker": "student",
                    "text": "update u0 of the bench",
                    "source": "",
                    "at": "x",
                },
            }
        )
    )
    ctx.add(
        Figure(
            NAME,
            "naive: whole snapshot per update (build time)",
            naive_ms,
            note=f"{len(snapshot_json) / 1024:.0f} KiB per update vs {one} bytes",
        )
    )

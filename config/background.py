"""One registry for background work: every in-process loop and every spawned job, by name.

Declaring. Each app declares its background work in its own `background.py` module
(`avatars/background.py`, `classrooms/background.py`), imported by `autodiscover()` when a
process starts its registry, so `grep` over those files lists everything that runs unasked:

    from config import background

    @background.periodic("avatars.reap", every=lambda: settings.AVATAR_REAPER_INTERVAL)
    async def reap() -> None: ...            # runs at start, then every N seconds

    @background.at_start("classrooms.resume")
    async def resume() -> None: ...          # runs once when the process starts its loops

    @background.job("class_session.launch", pending=sessions_waiting_for_launch)
    async def launch(*, session_id: int) -> None: ...

    background.spawn("class_session.launch", session_id=session.pk)   # from a view, a socket

Job arguments are plain values (ids, not model instances): a job must be resumable from the
database alone. `pending` is a sync function returning the argument dicts of work the
database says is waiting (see "Spawned jobs").

Running. `start()` (inside a running event loop) sets up this process's runner on that loop
once; calling it again is a no-op (a runner whose loop has closed - a finished test - or that
was inherited through a fork is replaced). With AVATAR_BACKGROUND_LOOPS=true it also starts
every loop, each in its own task, so one slow loop never delays another; a loop that raises is
logged and runs again at its next period. Web processes call `start()` at their first ASGI
event (`BackgroundMiddleware` in config/asgi.py; daphne sends no lifespan events, so the
runner is stopped from a Twisted shutdown trigger, as daphne stops its own application
instances; servers that send lifespan events get start and stop from them).
`python manage.py run_background` calls it with loops forced on and calls `stop()` on
SIGTERM/SIGINT. `stop()` cancels every task and waits for them.
`snapshot()` reports each entry: kind, state (idle, running, failed, stopped), runs, failures,
last start and end, last error.

Spawned jobs. The wanted state is always in the database before a job is spawned (the class
session row is `starting`, the room `pending`), so a job only gets there sooner:
- BACKGROUND_JOBS_INLINE=true (the default; one process does everything): `spawn()` starts the
  job at once in this process, as a task of the runner (on the runner's loop, in a clean
  context, never tied to the request that asked; one task per name and arguments; cancelled by
  `stop()`).
- BACKGROUND_JOBS_INLINE=false (web processes in front of `run_background` workers): `spawn()`
  runs nothing here. Every process with loops runs `jobs.pickup` every
  BACKGROUND_PICKUP_INTERVAL seconds: it asks each job's `pending()` and starts what it finds
  (once per process).
A process that dies mid-job loses nothing: the `pending()` finders and the startup resume of
the next process with loops finish the work. Jobs claim their work with conditional updates,
so several workers running the same job at once never double-start or double-stop a session
(tests/config/test_background_workers.py runs two worker processes against one database).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)

LoopFunc = Callable[[], Awaitable[Any]]
JobFunc = Callable[..., Awaitable[Any]]
Pending = Callable[[], list[dict[str, Any]]]


@dataclass(frozen=True)
class Loop:
    name: str
    func: LoopFunc
    every: Callable[[], float] | None  # None: once, when the loops start


@dataclass(frozen=True)
class Job:
    name: str
    func: JobFunc
    pending: Pending | None


@dataclass
class State:
    """What one loop or job has done in this process (`snapshot()`)."""

    name: str
    kind: str  # periodic | at_start | job
    state: str = "idle"  # idle | running | failed | stopped
    runs: int = 0
    failures: int = 0
    last_started_at: datetime | None = None
    last_finished_at: datetime | None = None
    last_error: str = ""


class Registry:
    """The declarations (shared by every runner of the process)."""

    def __init__(self) -> None:
        self.loops: dict[str, Loop] = {}
        self.jobs: dict[str, Job] = {}

    def _check_new(self, name: str) -> None:
        if name in self.loops or name in self.jobs:
            raise ValueError(f"background work {name!r} is declared twice")

    def periodic(
        self, name: str, *, every: float | Callable[[], float]
    ) -> Callable[[LoopFunc], LoopFunc]:
        """Run the decorated coroutine function at start, then every `every` seconds (a
        callable is read before each wait, so settings overridden at run time apply)."""

        def declare(func: LoopFunc) -> LoopFunc:
            self._check_new(name)
            period = every if callable(every) else (lambda: float(every))
            self.loops[name] = Loop(name, func, period)
            return func

        return declare

    def at_start(self, name: str) -> Callable[[LoopFunc], LoopFunc]:
        """Run the decorated coroutine function once when a process starts its loops."""

        def declare(func: LoopFunc) -> LoopFunc:
            self._check_new(name)
            self.loops[name] = Loop(name, func, None)
            return func

        return declare

    def job(self, name: str, *, pending: Pending | None = None) -> Callable[[JobFunc], JobFunc]:
        """Declare a job started by `spawn(name, **kwargs)`; `pending()` (sync) lists the
        kwargs of work the database says is waiting, for the pickup loop."""

        def declare(func: JobFunc) -> JobFunc:
            self._check_new(name)
            self.jobs[name] = Job(name, func, pending)
            return func

        return declare


REGISTRY = Registry()
periodic = REGISTRY.periodic
at_start = REGISTRY.at_start
job = REGISTRY.job


def autodiscover() -> None:
    """Import every installed app's `background` module (where its work is declared)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("background")


def _job_key(name: str, kwargs: dict[str, Any]) -> str:
    return name + "".join(f":{k}={kwargs[k]}" for k in sorted(kwargs))


class Runner:
    """The registry running on one event loop: its tasks and what they did."""

    def __init__(self, registry: Registry, loop: asyncio.AbstractEventLoop) -> None:
        self.registry = registry
        self.loop = loop
        self.pid = os.getpid()
        self.loops_started = False
        # A worker process has no requests to recycle its database connections: each turn of
        # a loop drops a connection that broke or outlived CONN_MAX_AGE first.
        self.fresh_connections = False
        self.tasks: dict[str, asyncio.Task[Any]] = {}
        self.states: dict[str, State] = {}

    @property
    def usable(self) -> bool:
        return self.pid == os.getpid() and not self.loop.is_closed() and self.loop.is_running()

    # --- loops ---

    def start_loops(self) -> None:
        if self.loops_started:
            return
        self.loops_started = True
        for spec in self.registry.loops.values():
            kind = "periodic" if spec.every is not None else "at_start"
            self.states[spec.name] = State(spec.name, kind)
            self._create(spec.name, self._run_loop(spec))
        self.states["jobs.pickup"] = State("jobs.pickup", "periodic")
        self._create("jobs.pickup", self._run_pickup())

    def _create(self, key: str, coro: Any) -> asyncio.Task[Any]:
        # A clean context: the caller may be a request handled in a thread of asgiref's
        # executor, whose context dies with the request.
        task = self.loop.create_task(coro, name=f"background:{key}", context=contextvars.Context())
        self.tasks[key] = task
        task.add_done_callback(
            lambda t: self.tasks.pop(key, None) if self.tasks.get(key) is t else None
        )
        return task

    async def _once(self, state: State, func: Callable[[], Awaitable[Any]]) -> None:
        state.state = "running"
        state.runs += 1
        state.last_started_at = timezone.now()
        try:
            if self.fresh_connections:
                await sync_to_async(close_old_connections)()
            await func()
        except asyncio.CancelledError:
            state.state = "stopped"
            raise
        except Exception as exc:
            state.failures += 1
            state.state = "failed"
            state.last_error = f"{type(exc).__name__}: {exc}"[:500]
            logger.exception("background %s failed; it runs again at its next turn", state.name)
        else:
            state.state = "idle"
        finally:
            state.last_finished_at = timezone.now()

    async def _run_loop(self, spec: Loop) -> None:
        state = self.states[spec.name]
        while True:
            await self._once(state, spec.func)
            if spec.every is None:
                return
            await asyncio.sleep(max(0.05, spec.every()))

    async def _run_pickup(self) -> None:
        state = self.states["jobs.pickup"]
        while True:
            await self._once(state, self.pickup)
            await asyncio.sleep(max(0.05, float(settings.BACKGROUND_PICKUP_INTERVAL)))

    async def pickup(self) -> int:
        """Start every job the database says is waiting (not already running here)."""
        started = 0
        for spec in list(self.registry.jobs.values()):
            if spec.pending is None:
                continue
            for kwargs in await sync_to_async(spec.pending)():
                if self.run_job(spec.name, kwargs) is not None:
                    started += 1
        return started

    # --- jobs ---

    def run_job(self, name: str, kwargs: dict[str, Any]) -> asyncio.Task[Any] | None:
        """Start the job here unless the same one (name and arguments) is running. Returns
        the new task, or None when it was already running."""
        spec = self.registry.jobs[name]
        key = _job_key(name, kwargs)
        running = self.tasks.get(key)
        if running is not None and not running.done():
            return None
        state = self.states.setdefault(name, State(name, "job"))

        async def run() -> None:
            await self._once(state, lambda: spec.func(**kwargs))

        return self._create(key, run())

    async def stop(self) -> None:
        tasks = list(self.tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.tasks.clear()
        for state in self.states.values():
            state.state = "stopped"


_runner: Runner | None = None
_runner_lock = threading.Lock()
_discovered = False


def start(*, loops: bool | None = None, worker: bool = False) -> Runner:
    """Set up this process's runner on the running loop (once) and, when `loops` (default
    AVATAR_BACKGROUND_LOOPS), start its loops. Idempotent; returns the runner. `worker`: this
    process does nothing else (`run_background`), so the runner recycles database connections."""
    global _runner, _discovered
    loop = asyncio.get_running_loop()
    with _runner_lock:
        if not _discovered:
            autodiscover()
            _discovered = True
        if _runner is None or not _runner.usable:
            _runner = Runner(REGISTRY, loop)
        runner = _runner
        runner.fresh_connections = runner.fresh_connections or worker
    want_loops = settings.AVATAR_BACKGROUND_LOOPS if loops is None else loops
    if want_loops and runner.loop is loop:
        runner.start_loops()
    return runner


def current() -> Runner | None:
    """This process's runner, if one is running."""
    runner = _runner
    return runner if runner is not None and runner.usable else None


async def stop() -> None:
    """Cancel every loop and job of this process's runner and wait for them."""
    global _runner
    runner, _runner = _runner, None
    if runner is not None and runner.pid == os.getpid() and not runner.loop.is_closed():
        count = len(runner.tasks)
        await runner.stop()
        logger.info("background work stopped (%d tasks cancelled)", count)


def spawn(name: str, **kwargs: Any) -> bool:
    """Ask for the declared job `name` to run with `kwargs`. True when it was started (or is
    already running) in this process; False when it is left to the pickup loop of a process
    with loops (BACKGROUND_JOBS_INLINE=false, or no runner in this process, e.g. a management
    command). Callable from any thread."""
    if name not in REGISTRY.jobs:
        autodiscover()
        if name not in REGISTRY.jobs:
            raise LookupError(f"no background job named {name!r}")
    if not settings.BACKGROUND_JOBS_INLINE:
        return False
    runner = current()
    if runner is None:
        logger.info("no background runner here: %s is left to the pickup loop", name)
        return False
    try:
        here = asyncio.get_running_loop() is runner.loop
    except RuntimeError:
        here = False
    if here:
        runner.run_job(name, kwargs)
    else:
        runner.loop.call_soon_threadsafe(runner.run_job, name, kwargs)
    return True


def snapshot() -> list[dict[str, Any]]:
    """What every loop and job of this process did, by name (empty without a runner)."""
    runner = current()
    if runner is None:
        return []
    return [vars(state).copy() for state in sorted(runner.states.values(), key=lambda s: s.name)]


__all__ = [
    "REGISTRY",
    "Registry",
    "Runner",
    "State",
    "at_start",
    "autodiscover",
    "current",
    "job",
    "periodic",
    "snapshot",
    "spawn",
    "start",
    "stop",
]

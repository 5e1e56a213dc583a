"""The process's engines on one loop thread: what the rest of the toolkit talks to.

One loop thread per process runs one :class:`Engine` per API host (per budget key): every
session, cell and widget of the process that talks to that host shares its engine, so
their requests are paced together, and the slot file extends that to every process.
Sessions to different hosts (a simulator, the real API) never share or disturb a budget.
An engine is created with the settings of the first session that needs it and is never
reconfigured by a later one: each session carries its own pace in its requests.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from insta_nb.clock import Clock
from insta_nb.config import EngineSettings
from insta_nb.engine.core import Engine
from insta_nb.engine.jobs import EngineSnapshot, Request
from insta_nb.engine.loop_thread import LoopThread

__all__ = ["EngineRunner", "shared_runner"]

T = TypeVar("T")


class EngineRunner:
    """Engines by budget key, living on one :class:`LoopThread`."""

    def __init__(
        self, settings: EngineSettings | None = None, *, clock: Clock | None = None
    ) -> None:
        self.thread = LoopThread()
        self._clock = clock
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()
        #: The engine of ``settings`` (the first one made).
        self.engine = self.engine_for(settings or EngineSettings())

    def engine_for(self, settings: EngineSettings) -> Engine:
        """The engine of ``settings.budget_key``, made with ``settings`` on first use."""
        with self._lock:
            engine = self._engines.get(settings.budget_key)
            if engine is None:
                engine = Engine(settings, clock=self._clock)
                self._engines[settings.budget_key] = engine
            return engine

    @property
    def engines(self) -> list[Engine]:
        with self._lock:
            return list(self._engines.values())

    async def run(self, request: Request, engine: Engine | None = None) -> Any:
        """Await ``request``'s result from any event loop."""
        target = engine or self.engine
        return await self.thread.submit(lambda: target.run(request))

    def run_sync(
        self, request: Request, timeout: float | None = None, engine: Engine | None = None
    ) -> Any:
        """Block until ``request``'s result (never on the engine thread)."""
        target = engine or self.engine
        return self.thread.call(lambda: target.run(request), timeout)

    async def on_loop(self, fn: Callable[[], Awaitable[T]]) -> T:
        """Await any coroutine run on the engine loop (e.g. to build an httpx client there)."""
        return await self.thread.submit(fn)

    def on_loop_sync(self, fn: Callable[[], Awaitable[T]], timeout: float | None = None) -> T:
        return self.thread.call(fn, timeout)

    def cancel_owner(self, owner: str) -> None:
        """Cancel ``owner``'s queued jobs on every engine (thread-safe, returns at once)."""
        for engine in self.engines:
            self.thread.loop.call_soon_threadsafe(engine.cancel_owner, owner)

    def cancel_job(self, job_id: int, engine: Engine | None = None) -> None:
        """Cancel the queued job ``job_id`` (thread-safe, returns at once)."""
        self.thread.loop.call_soon_threadsafe((engine or self.engine).cancel_job, job_id)

    def snapshot(self, engine: Engine | None = None) -> EngineSnapshot:
        """A consistent snapshot, taken on the engine loop."""
        target = engine or self.engine
        if self.thread.in_loop_thread():
            return target.snapshot()

        async def take() -> EngineSnapshot:
            return target.snapshot()

        return self.thread.call(take, timeout=10)

    def __repr__(self) -> str:
        return f"EngineRunner({self.engines!r})"


_shared: EngineRunner | None = None
_shared_lock = threading.Lock()


def shared_runner(settings: EngineSettings | None = None) -> EngineRunner:
    """The process-wide runner, created on first use.

    ``settings`` only chooses the first engine of a new runner; an existing runner (and
    every engine in it) is never reconfigured: use :meth:`EngineRunner.engine_for`.
    """
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = EngineRunner(settings)
        return _shared

"""The process's one engine on its loop thread: what the rest of the toolkit talks to.

Every session, cell and widget of a process shares :func:`shared_runner`, so their
requests are paced together; the slot file extends that to every process.
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
    """An :class:`Engine` living on its own :class:`LoopThread`."""

    def __init__(
        self, settings: EngineSettings | None = None, *, clock: Clock | None = None
    ) -> None:
        self.thread = LoopThread()
        self.engine = Engine(settings, clock=clock)

    async def run(self, request: Request) -> Any:
        """Await ``request``'s result from any event loop."""
        return await self.thread.submit(lambda: self.engine.run(request))

    def run_sync(self, request: Request, timeout: float | None = None) -> Any:
        """Block until ``request``'s result (never on the engine thread)."""
        return self.thread.call(lambda: self.engine.run(request), timeout)

    async def on_loop(self, fn: Callable[[], Awaitable[T]]) -> T:
        """Await any coroutine run on the engine loop (e.g. to build an httpx client there)."""
        return await self.thread.submit(fn)

    def on_loop_sync(self, fn: Callable[[], Awaitable[T]], timeout: float | None = None) -> T:
        return self.thread.call(fn, timeout)

    def cancel_owner(self, owner: str) -> None:
        """Cancel ``owner``'s queued jobs (thread-safe, returns at once)."""
        self.thread.loop.call_soon_threadsafe(self.engine.cancel_owner, owner)

    def cancel_job(self, job_id: int) -> None:
        """Cancel the queued job ``job_id`` (thread-safe, returns at once)."""
        self.thread.loop.call_soon_threadsafe(self.engine.cancel_job, job_id)

    def snapshot(self) -> EngineSnapshot:
        """A consistent snapshot, taken on the engine loop."""
        if self.thread.in_loop_thread():
            return self.engine.snapshot()

        async def take() -> EngineSnapshot:
            return self.engine.snapshot()

        return self.thread.call(take, timeout=10)

    def configure(self, settings: EngineSettings) -> None:
        self.thread.loop.call_soon_threadsafe(self.engine.configure, settings)

    def __repr__(self) -> str:
        return f"EngineRunner({self.engine!r})"


_shared: EngineRunner | None = None
_shared_lock = threading.Lock()


def shared_runner(settings: EngineSettings | None = None) -> EngineRunner:
    """The process-wide engine, created on first use.

    Passing ``settings`` to an existing engine reconfigures it: there is only one
    budget per machine, so there is only one engine per process.
    """
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = EngineRunner(settings)
        elif settings is not None and settings != _shared.engine.settings:
            _shared.configure(settings)
        return _shared

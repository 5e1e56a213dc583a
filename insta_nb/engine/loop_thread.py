"""The engine's own event loop, in a daemon thread, and the bridges into it.

Every httpx client, the scheduler and the pollers live on this loop and never cross
loops (ARCHITECTURE §3). Callers reach it from anywhere:

* async: ``await runner.submit(coro_fn)`` from a notebook cell's loop or any other;
* sync: ``runner.call(coro_fn)`` blocks; a kernel interrupt (``KeyboardInterrupt``)
  cancels the work. Calling it from the engine thread itself raises instead of
  deadlocking.

No event loop is patched: if a user applied nest_asyncio themselves, nothing here
depends on it.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

from insta_nb import errors

__all__ = ["LoopThread"]

T = TypeVar("T")


class LoopThread:
    """An asyncio loop running forever in a daemon thread, started on first use."""

    def __init__(self, name: str = "insta_nb-engine") -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._thread is None or not self._thread.is_alive():
                self._start()
            assert self._loop is not None
            return self._loop

    def _start(self) -> None:
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def main() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        thread = threading.Thread(target=main, name=self._name, daemon=True)
        thread.start()
        ready.wait()
        self._loop, self._thread = loop, thread
        atexit.register(self.stop)

    def in_loop_thread(self) -> bool:
        return self._thread is not None and threading.current_thread() is self._thread

    def schedule(self, fn: Callable[[], Awaitable[T]]) -> concurrent.futures.Future[T]:
        """Run ``fn()`` on the engine loop; thread-safe."""

        async def runner() -> T:
            return await fn()

        return asyncio.run_coroutine_threadsafe(runner(), self.loop)

    async def submit(self, fn: Callable[[], Awaitable[T]]) -> T:
        """Await ``fn()`` run on the engine loop, from any event loop."""
        if self.in_loop_thread():
            return await fn()
        future = self.schedule(fn)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            future.cancel()
            raise

    def call(self, fn: Callable[[], Awaitable[T]], timeout: float | None = None) -> T:
        """Run ``fn()`` on the engine loop and block until it is done."""
        if self.in_loop_thread():
            raise errors.UsageError(
                "a synchronous insta_nb call was made on the engine's own thread; "
                "use the async API (await ...) there"
            )
        future = self.schedule(fn)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise errors.DeadlineExceededError(f"no result within {timeout} s") from None
        except KeyboardInterrupt:
            # A kernel interrupt: cancel the job (a queued job is dropped; a sent
            # mutation finishes on the engine and is reported by the service).
            future.cancel()
            raise

    def stop(self) -> None:
        """Stop the loop (at interpreter exit); pending work is abandoned."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None or not thread.is_alive():
            return

        async def cancel_everything() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(cancel_everything(), loop).result(timeout=2)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=2)
        if not thread.is_alive():
            loop.close()

    def __repr__(self) -> str:
        alive = self._thread is not None and self._thread.is_alive()
        return f"LoopThread({self._name!r}, running={alive})"

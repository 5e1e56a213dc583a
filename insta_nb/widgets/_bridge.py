"""The only code in the widgets that touches an event loop or a thread.

Widgets are mutated on the kernel's thread only (ARCHITECTURE §3). A :class:`Bridge`
captures the loop running where a view is built (the kernel's), runs service
coroutines on the engine thread through ``session.schedule``, and hands
results, errors and service events back with ``loop.call_soon_threadsafe``. It keeps a
strong reference to everything in flight, sends every failure to the owning widget's
error area *and* to ``logging.getLogger("insta_nb.widgets")``, and offers
:meth:`Bridge.drain` / :meth:`Bridge.adrain` so tests wait for work instead of sleeping.

Without a running loop where the view is built (plain pytest, a script), deliveries
wait in a queue and run when that thread calls :meth:`Bridge.drain` or
:meth:`Bridge.pump` (one at a time, under a lock). Widgets are then still mutated by
one thread only, and a test sees each step happen exactly when it asks for it.

Timers (a confirmation that reverts, a countdown that ticks) go through
:class:`LoopTimers` on the kernel loop, or :class:`ManualTimers` that only fire when a
test calls :meth:`ManualTimers.advance`.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import heapq
import itertools
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from insta_nb import errors

if TYPE_CHECKING:
    from insta_nb.session import ServiceEvent, Session

__all__ = ["Bridge", "ErrorSink", "LoopTimers", "ManualTimers", "TimerHandle", "Timers"]

log = logging.getLogger("insta_nb.widgets")
T = TypeVar("T")


class ErrorSink(Protocol):
    """Where a widget shows a failure of work it started."""

    def show_error(self, message: str) -> None: ...


class TimerHandle(Protocol):
    """A scheduled call that can be cancelled."""

    def cancel(self) -> None: ...


class Timers(Protocol):
    """Delayed calls on the widgets' thread, with the clock they are measured on."""

    def now(self) -> float: ...

    def call_later(self, seconds: float, fn: Callable[[], None]) -> TimerHandle: ...


class LoopTimers:
    """Timers on the kernel's loop (``loop.call_later``); ``now`` is ``time.monotonic``."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def now(self) -> float:
        return time.monotonic()

    def call_later(self, seconds: float, fn: Callable[[], None]) -> TimerHandle:
        return self._loop.call_later(max(0.0, seconds), fn)


class _ManualHandle:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualTimers:
    """Timers that fire only when :meth:`advance` moves their clock (tests, headless use)."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._heap: list[tuple[float, int, _ManualHandle, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._lock = threading.RLock()

    def now(self) -> float:
        return self._now

    def call_later(self, seconds: float, fn: Callable[[], None]) -> TimerHandle:
        handle = _ManualHandle()
        with self._lock:
            heapq.heappush(self._heap, (self._now + max(0.0, seconds), next(self._seq), handle, fn))
        return handle

    @property
    def pending(self) -> int:
        """Timers scheduled and not cancelled."""
        with self._lock:
            return sum(1 for *_, h, _fn in self._heap if not h.cancelled)

    def advance(self, seconds: float) -> None:
        """Move the clock, firing due timers in order (including ones they schedule)."""
        target = self._now + seconds
        while True:
            with self._lock:
                if not self._heap or self._heap[0][0] > target:
                    break
                when, _, handle, fn = heapq.heappop(self._heap)
                self._now = max(self._now, when)
            if not handle.cancelled:
                fn()
        self._now = max(self._now, target)


def describe_error(exc: BaseException) -> str:
    """A one-line message for a person: our errors carry one; anything else is a bug."""
    if isinstance(exc, errors.InstaError):
        return str(exc.message)
    return f"Unexpected error ({type(exc).__name__}): see the log of 'insta_nb.widgets'."


class Bridge:
    """Runs service work on the engine thread and brings results back to the widgets' thread.

    Args:
        session: Whose engine runs the work.
        loop: The widgets' loop; default: the loop running in the calling thread, if any.
        timers: Delayed calls for the widgets; default :class:`LoopTimers` on ``loop``,
            or :class:`ManualTimers` when there is no loop.
        headless: Ignore any running loop and deliver on the producing thread (tests
            whose thread runs some other library's loop, e.g. Playwright's sync API).
    """

    def __init__(
        self,
        session: Session,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        timers: Timers | None = None,
        headless: bool = False,
    ) -> None:
        self.session = session
        if loop is None and not headless:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
        self.loop = loop
        self.timers: Timers = timers or (LoopTimers(loop) if loop is not None else ManualTimers())
        self._lock = threading.RLock()
        self._idle = threading.Condition(self._lock)
        self._pump_lock = threading.Lock()
        self._futures: set[concurrent.futures.Future[Any]] = set()
        self._queue: collections.deque[Callable[[], None]] = collections.deque()
        self._pending = 0
        self._closed = False

    @property
    def headless(self) -> bool:
        """No widgets' loop: deliveries wait for :meth:`drain` or :meth:`pump`."""
        return self.loop is None

    # --- delivery ---------------------------------------------------------------------

    def deliver(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the widgets' thread (thread-safe; errors are logged, not raised)."""
        with self._lock:
            self._pending += 1
            if self.loop is None:
                self._queue.append(fn)
                self._idle.notify_all()
                return
        try:
            self.loop.call_soon_threadsafe(self._run_delivery, fn)
        except RuntimeError:  # the kernel's loop is gone: nobody is looking any more
            self._done_delivery()

    def _run_delivery(self, fn: Callable[[], None]) -> None:
        try:
            if not self._closed:
                fn()
        except Exception:
            log.exception("a widget update failed")
        finally:
            self._done_delivery()

    def pump(self) -> int:
        """Headless: run the deliveries waiting now, in order; returns how many ran."""
        ran = 0
        with self._pump_lock:
            while True:
                with self._lock:
                    if not self._queue:
                        return ran
                    fn = self._queue.popleft()
                self._run_delivery(fn)
                ran += 1

    def _done_delivery(self) -> None:
        with self._lock:
            self._pending -= 1
            self._idle.notify_all()

    # --- work on the engine -------------------------------------------------------------

    def run(
        self,
        fn: Callable[[], Awaitable[T]],
        *,
        on_result: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        sink: ErrorSink | None = None,
        what: str = "request",
    ) -> concurrent.futures.Future[T]:
        """Run ``fn()`` on the engine loop; deliver its outcome on the widgets' thread.

        Exactly one of ``on_result`` / ``on_error`` is called. Errors also go to
        ``sink.show_error`` and to the log, so none is ever lost.
        """
        future = self.session.schedule(fn)
        with self._lock:
            self._futures.add(future)

        def settle() -> None:
            exc = _exception_of(future)
            if exc is None:
                if on_result is not None:
                    on_result(future.result())
                return
            self._report(exc, sink, what)
            if on_error is not None:
                on_error(exc)

        def done(_: concurrent.futures.Future[T]) -> None:
            with self._lock:
                self._pending += 1  # counted before the future leaves the set
                self._futures.discard(future)
            try:
                self.deliver(settle)
            finally:
                self._done_delivery()

        future.add_done_callback(done)
        return future

    def _report(self, exc: BaseException, sink: ErrorSink | None, what: str) -> None:
        if isinstance(exc, errors.InstaError):
            log.warning("%s failed: %s", what, exc.message)
        else:
            log.error("%s failed", what, exc_info=(type(exc), exc, exc.__traceback__))
        if sink is not None:
            try:
                sink.show_error(describe_error(exc))
            except Exception:
                log.exception("could not show an error in its widget")

    def call_on_engine(self, fn: Callable[[], object]) -> None:
        """Call a plain function on the engine loop, fire and forget (e.g. a ``stop()``)."""

        def guarded() -> None:
            try:
                fn()
            except Exception:
                log.exception("engine-side call from a widget failed")

        self.session.call_soon(guarded)

    def latest(self, fn: Callable[[T], None]) -> Callable[[T], None]:
        """A thread-safe ``push(value)`` that delivers only the newest value to ``fn``.

        A burst of pushes before the widgets' thread gets to run becomes one call.
        """
        slot: list[T] = []
        lock = threading.Lock()

        def flush() -> None:
            with lock:
                if not slot:
                    return
                value = slot.pop()
            fn(value)

        def push(value: T) -> None:
            with lock:
                scheduled = bool(slot)
                slot[:] = [value]
            if not scheduled:
                self.deliver(flush)

        return push

    def subscribe(self, listener: Callable[[ServiceEvent], None]) -> Callable[[], None]:
        """Listen to the service; ``listener`` runs on the **engine** thread (keep it tiny).

        Returns ``unsubscribe``.
        """
        return self.session.subscribe(listener)

    # --- waiting ------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Work or deliveries are still outstanding."""
        with self._lock:
            return bool(self._futures) or self._pending > 0

    def drain(self, timeout: float = 10.0) -> None:
        """Block until every started job and delivery is done (not on the widgets' loop).

        Headless, the deliveries run here, on the calling thread.
        """
        if self.loop is not None and _loop_is_current(self.loop):
            raise errors.UsageError("drain() would block the kernel: use 'await bridge.adrain()'")
        deadline = time.monotonic() + timeout
        while True:
            self.pump()
            with self._lock:
                unfinished = [f for f in self._futures if not f.done()]
                idle = not self._futures and self._pending <= 0 and not self._queue
            if idle:
                return
            left = deadline - time.monotonic()
            if left <= 0:
                raise errors.DeadlineExceededError(
                    f"widgets still busy after {timeout} s ({len(unfinished)} jobs waiting)"
                )
            if unfinished:
                concurrent.futures.wait(unfinished, timeout=left)
            else:  # a finished job's delivery is on its way into the queue
                with self._idle:
                    if not self._queue:
                        self._idle.wait(min(left, 0.05))

    async def adrain(self, timeout: float = 10.0) -> None:
        """Await every started job and delivery (from the widgets' loop)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            with self._lock:
                futures = list(self._futures)
                pending = self._pending
            if not futures and pending <= 0:
                return
            left = deadline - loop.time()
            if left <= 0:
                raise errors.DeadlineExceededError(f"widgets still busy after {timeout} s")
            if futures:
                await asyncio.wait([asyncio.wrap_future(f) for f in futures], timeout=left)
            else:
                await asyncio.sleep(0)  # lets call_soon_threadsafe deliveries run

    def close(self) -> None:
        """Stop delivering (work already on the engine finishes there)."""
        self._closed = True


def _exception_of(future: concurrent.futures.Future[Any]) -> BaseException | None:
    if future.cancelled():
        return errors.JobCancelledError("cancelled")
    return future.exception()


def _loop_is_current(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False

"""The dispatcher: one loop that turns queued jobs into paced, retried sends.

The life of a request (ARCHITECTURE §4)::

    run(request) → job → scheduler → wait for pacing, pause, breaker → machine slot
                 → one attempt → response → retry policy → result | error

* **Pacing**: a send starts only when ``now ≥ previous response + interval``; the
  machine-wide slot store enforces the same rule across processes. Slots are charged
  when a request is handed to the transport and never refunded.
* **429**: the whole engine pauses (``Retry-After`` or a jittered window), the pause
  is written to the shared slots, and the interval widens (AIMD) before decaying back.
* **Outages**: idempotent jobs retry with full jitter under a time budget; the breaker
  opens after consecutive failures and only probes until the API answers again.

Everything here runs on one event loop (the engine thread's, or a test's); time comes
from the injected clock only.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

from insta_nb import errors
from insta_nb.clock import Clock, SystemClock
from insta_nb.config import EngineSettings
from insta_nb.engine.breaker import Breaker
from insta_nb.engine.jobs import BreakerState, EngineSnapshot, Job, JobInfo, Request
from insta_nb.engine.journal import CreateJournal, FileJournal, MemoryJournal
from insta_nb.engine.retry import Verdict, backoff, counts_as_outage, verdict
from insta_nb.engine.scheduler import Scheduler
from insta_nb.engine.slots import FileSlots, MemorySlots, SlotStore

__all__ = ["Engine"]

log = logging.getLogger("insta_nb.engine")

Listener = Callable[[], None]


class Engine:
    """Schedules, paces and retries every request of this process."""

    def __init__(
        self,
        settings: EngineSettings | None = None,
        *,
        clock: Clock | None = None,
        slots: SlotStore | None = None,
        rng: random.Random | None = None,
        journal: CreateJournal | None = None,
    ) -> None:
        self.settings = settings or EngineSettings()
        self.clock = clock or SystemClock()
        self.slots = slots or self._default_slots(self.settings)
        #: Creates in flight or just made, machine-wide for this host (the service's).
        self.journal = journal or self._default_journal(self.settings)
        self._rng = rng or random.Random()
        self._scheduler = Scheduler(self.settings.aging_slots)
        self._breaker = Breaker(
            threshold=self.settings.breaker_threshold,
            first_probe=2 * self.settings.interval,
            probe_cap=self.settings.probe_cap,
            rng=self._rng,
        )
        self.interval = self.settings.interval
        self._last_response = float("-inf")
        self._paused_until = float("-inf")
        self._clean_since_429 = 0
        self._latency = 0.0
        self._recent_429: collections.deque[float] = collections.deque(maxlen=100)
        self._in_flight: Job | None = None
        self._listeners: list[Listener] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        #: Cheap idempotent call used to probe an API believed down (the service sets it).
        self.probe: Callable[[], Awaitable[Any]] | None = None
        self.sent = self.succeeded = self.rejected_429 = self.failed = self.retried = 0

    @staticmethod
    def _default_journal(settings: EngineSettings) -> CreateJournal:
        if settings.shared_slots:
            return FileJournal(settings.resolved_state_dir())
        return MemoryJournal()

    @staticmethod
    def _default_slots(settings: EngineSettings) -> SlotStore:
        if settings.shared_slots:
            return FileSlots(settings.resolved_state_dir(), settings.budget_key)
        return MemorySlots()

    # --- public, called on the engine's loop ---------------------------------------------

    async def run(self, request: Request) -> Any:
        """Queue ``request`` and wait for its result (shared with identical GETs)."""
        if self._closed:
            raise errors.UsageError("the request engine is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._scheduler.submit(request, future, self.clock.monotonic(), self._in_flight)
        self._ensure_running()
        self._changed()
        try:
            return await future
        finally:
            if future.cancelled():
                # This waiter is gone; the job stays if other waiters still want it.
                self._changed()

    def cancel_owner(self, owner: str) -> int:
        """Cancel ``owner``'s queued jobs; jobs already sent are left to finish."""
        count = 0
        for job in list(self._scheduler):
            for waiter in job.live_waiters():
                if waiter.owner == owner:
                    waiter.future.set_exception(
                        errors.JobCancelledError(
                            f"{job.request.label} was cancelled before it was sent"
                        )
                    )
                    count += 1
        if count:
            self._scheduler.prune()
            self._changed()
        return count

    def cancel_job(self, job_id: int) -> int:
        """Cancel every waiter of the queued job ``job_id`` (the queue view's Cancel).

        A job already handed to the transport is not queued any more and is left to
        finish. Returns how many waiters were cancelled.
        """
        count = 0
        for job in list(self._scheduler):
            if job.id != job_id:
                continue
            message = f"{job.request.label} was cancelled before it was sent"
            for waiter in job.live_waiters():
                waiter.future.set_exception(errors.JobCancelledError(message))
                count += 1
        if count:
            self._scheduler.prune()
            self._changed()
        return count

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener()`` (on the engine loop) whenever the state may have changed."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def configure(self, settings: EngineSettings) -> None:
        """Adopt new settings; they apply from the next decision on."""
        self.settings = settings
        # An explicit new interval applies at once (a 429 widens it again if needed).
        self.interval = settings.interval
        self._scheduler.aging_slots = max(1, settings.aging_slots)
        self._breaker.threshold = settings.breaker_threshold
        self._breaker.first_probe = 2 * settings.interval
        self._breaker.probe_cap = settings.probe_cap
        self._changed()

    async def aclose(self) -> None:
        """Stop dispatching and fail every queued job."""
        self._closed = True
        for job in list(self._scheduler):
            self._scheduler.remove(job)
            self._settle(job, error=errors.JobCancelledError("the request engine was closed"))
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def snapshot(self) -> EngineSnapshot:
        now = self.clock.monotonic()
        start = max(0.0, self._ready_at() - now)
        step = self.interval + self._latency
        queued = tuple(
            JobInfo(
                id=job.id,
                label=job.label,
                kind=job.kind,
                owner=job.request.owner,
                position=i,
                eta=max(start + i * step, job.not_before - now),
                waited=now - job.enqueued_at,
                attempts=job.attempts,
                is_retry=job.is_retry,
            )
            for i, job in enumerate(j for j in self._scheduler.ordered() if j.live_waiters())
        )
        window = 24 * self.settings.interval
        last = self._recent_429[-1] if self._recent_429 else None
        probe_at = self._breaker.next_probe_at
        return EngineSnapshot(
            queued=queued,
            in_flight=self._in_flight.request.label if self._in_flight else None,
            interval=self.interval,
            base_interval=self.settings.interval,
            next_slot_in=start,
            paused_for=max(0.0, self._paused_until - now),
            last_429_ago=None if last is None else now - last,
            recent_429=sum(1 for t in self._recent_429 if now - t <= window),
            breaker=self._breaker.state,
            next_probe_in=None if probe_at is None else max(0.0, probe_at - now),
            consecutive_failures=self._breaker.failures,
            sent=self.sent,
            succeeded=self.succeeded,
            rejected_429=self.rejected_429,
            failed=self.failed,
            retried=self.retried,
        )

    # --- the dispatcher ----------------------------------------------------------------------

    def _ensure_running(self) -> None:
        if self._wake is None:
            self._wake = asyncio.Event()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._dispatch())
        self._wake.set()

    def _changed(self) -> None:
        if self._wake is not None:
            self._wake.set()
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:  # a broken view must never stop the engine
                log.exception("engine listener failed")

    def _pace(self, job: Job | None) -> float:
        """Seconds from a response to ``job``'s send: its session's pace, widened after 429s.

        Sessions sharing this host's engine keep their own pace (a later ``connect()``
        never changes an earlier session); a 429 widens every pace alike, as the limit
        it signals is the host's.
        """
        if job is None or job.request.pace is None:
            return self.interval
        return job.request.pace * (self.interval / self.settings.interval)

    def _ready_at(self) -> float:
        head = self._scheduler.peek(float("inf"))
        ready = max(self._last_response + self._pace(head), self._paused_until)
        if self._breaker.state is not BreakerState.CLOSED and self._breaker.next_probe_at:
            ready = max(ready, self._breaker.next_probe_at)
        return ready

    async def _dispatch(self) -> None:
        while not self._closed:
            try:
                await self._wait_until_sendable()
                await self._take_machine_slot()
                await self._send_next()
            except asyncio.CancelledError:
                raise
            except Exception:  # pragma: no cover - a bug; keep serving the queue
                log.exception("request engine dispatcher failed; continuing")
                await self.clock.sleep(self.interval)

    async def _wait_until_sendable(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            now = self.clock.monotonic()
            self._expire_deadlines(now)
            self._scheduler.prune()
            if not len(self._scheduler):
                await self._wake.wait()
                continue
            ready = max(self._ready_at(), self._scheduler.earliest_not_before() or now)
            wake_at = min([ready, *self._deadlines()])
            if now >= ready:
                return
            await self._sleep_or_wake(wake_at - now)

    async def _take_machine_slot(self) -> None:
        lease = self.settings.request_timeout + self.interval
        while True:
            view = self.slots.try_acquire(self.clock.time(), lease)
            if view is None:
                return
            wait = view.next_free - self.clock.time()
            if view.leased:
                # Another process is in flight: its response will shorten the wait.
                wait = min(wait, max(0.002, self.settings.interval / 20))
            await self.clock.sleep(max(0.0, wait))

    async def _send_next(self) -> None:
        now = self.clock.monotonic()
        probing = self._breaker.state is not BreakerState.CLOSED
        job = self._pick_probe(now) if probing else self._scheduler.pick(now)
        if job is None and probing and self.probe is not None:
            await self._send_probe()
            return
        if job is None:
            # Everything was cancelled while we waited for the slot: nothing was sent.
            self.slots.release(self.clock.time())
            return
        if probing:
            self._breaker.probing()
        await self._attempt(job)

    def _pick_probe(self, now: float) -> Job | None:
        for job in self._scheduler.ordered():
            if job.request.idempotent and job.not_before <= now and job.live_waiters():
                self._scheduler.remove(job)
                return job
        return None if self.probe is not None else self._scheduler.pick(now)

    async def _send_probe(self) -> None:
        assert self.probe is not None
        self._breaker.probing()
        self.sent += 1
        self._changed()
        error: Exception | None = None
        try:
            await self.probe()
        except Exception as exc:
            error = exc
        self._after_response()
        if error is not None and counts_as_outage(error):
            self._breaker.record_failure(self.clock.monotonic())
        else:
            self._breaker.record_success()
        self._changed()

    async def _attempt(self, job: Job) -> None:
        job.attempts += 1
        self._scheduler.charge(job)
        self._in_flight = job
        self.sent += 1
        started = self.clock.monotonic()
        if job.first_sent_at is None:
            job.first_sent_at = started
            if job.request.on_send is not None:
                try:
                    job.request.on_send()
                except Exception:  # the caller's bookkeeping must not stop the send
                    log.exception("on_send callback failed")
        self._changed()
        result: Any = None
        error: Exception | None = None
        try:
            result = await job.request.call()
        except asyncio.CancelledError:
            self._in_flight = None
            self._settle(
                job,
                error=errors.JobCancelledError(
                    f"{job.request.label}: engine closed while it was in flight; outcome unknown"
                ),
            )
            raise
        except Exception as exc:
            error = exc
        self._in_flight = None
        self._after_response(self._pace(job))
        self._latency = 0.8 * self._latency + 0.2 * (self.clock.monotonic() - started)
        if error is None:
            self._breaker.record_success()
            self._count_clean()
            self.succeeded += 1
            self._settle(job, result=result)
        else:
            self._handle_error(job, error)
        self._changed()

    def _after_response(self, pace: float | None = None) -> None:
        self._last_response = self.clock.monotonic()
        self.slots.release(self.clock.time() + (self.interval if pace is None else pace))

    def _handle_error(self, job: Job, error: Exception) -> None:
        now = self.clock.monotonic()
        if isinstance(error, errors.RateLimitedError):
            self._on_429(error, now)
        elif counts_as_outage(error):
            self._breaker.record_failure(now)
        else:
            self._breaker.record_success()  # any API answer means the API is reachable
            self._count_clean()
        request = job.request
        decision = verdict(
            error,
            idempotent=request.idempotent,
            maybe_applied=job.maybe_applied,
            not_found_ok=request.not_found_after_retry_ok,
        )
        if getattr(error, "ambiguous", False):
            job.maybe_applied = True
        if decision is Verdict.SUCCESS:
            self.succeeded += 1
            self._settle(job, result=None)
            return
        if decision is Verdict.RETRY:
            wait = 0.0
            if not isinstance(error, errors.RateLimitedError):
                wait = backoff(
                    job.attempts, base=self.interval, cap=self.settings.backoff_cap, rng=self._rng
                )
            if now + wait <= self._budget_end(job):
                self.retried += 1
                log.info("retrying %s in %.1fs after %s", request.label, wait, type(error).__name__)
                self._scheduler.requeue(job, now + wait)
                return
        self.failed += 1
        self._settle(job, error=error)

    def _budget_end(self, job: Job) -> float:
        start = job.first_sent_at if job.first_sent_at is not None else job.enqueued_at
        budget = job.request.retry_budget
        end = start + (self.settings.retry_budget if budget is None else budget)
        return min(end, job.request.deadline) if job.request.deadline is not None else end

    def _on_429(self, error: errors.RateLimitedError, now: float) -> None:
        self.rejected_429 += 1
        self._recent_429.append(now)
        self._clean_since_429 = 0
        if error.retry_after is not None:
            pause = min(error.retry_after, self.settings.max_interval * 20)
        else:
            pause = self._rng.uniform(2.0, 3.0) * self.interval
        self._paused_until = max(self._paused_until, now + pause)
        self.slots.defer(self.clock.time() + pause)
        self.interval = min(
            self.settings.max_interval, self.interval * self.settings.backoff_factor_429
        )
        log.warning("rate limited (429): pausing %.1fs, interval now %.2fs", pause, self.interval)

    def _count_clean(self) -> None:
        if self.interval <= self.settings.interval:
            return
        self._clean_since_429 += 1
        if self._clean_since_429 >= self.settings.decay_after:
            self._clean_since_429 = 0
            self.interval = max(self.settings.interval, self.interval * 0.75)

    def _settle(self, job: Job, *, result: Any = None, error: BaseException | None = None) -> None:
        for waiter in job.live_waiters():
            if error is None:
                waiter.future.set_result(result)
            else:
                waiter.future.set_exception(error)

    def _deadline_of(self, job: Job) -> float | None:
        deadline = job.request.deadline
        if self._breaker.state is not BreakerState.CLOSED:
            limit = job.enqueued_at + self.settings.outage_queue_limit
            deadline = limit if deadline is None else min(deadline, limit)
        return deadline

    def _deadlines(self) -> list[float]:
        times = (self._deadline_of(j) for j in self._scheduler)
        return [t for t in times if t is not None]

    def _expire_deadlines(self, now: float) -> None:
        for job in list(self._scheduler):
            deadline = self._deadline_of(job)
            if deadline is None or now < deadline:
                continue
            self._scheduler.remove(job)
            self.failed += 1
            if job.request.deadline is not None and deadline >= job.request.deadline:
                text = f"{job.request.label} could not be sent before its deadline"
            else:
                text = (
                    f"{job.request.label} was not sent: the API has been unreachable "
                    f"for {self.settings.outage_queue_limit / 60:.0f} minutes"
                )
            self._settle(job, error=errors.DeadlineExceededError(text))

    async def _sleep_or_wake(self, seconds: float) -> None:
        assert self._wake is not None
        sleeper = asyncio.ensure_future(self.clock.sleep(seconds))
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            woken.cancel()

    def __repr__(self) -> str:
        return (
            f"Engine(interval={self.interval:.2f}s, queued={len(self._scheduler)}, "
            f"breaker={self._breaker.state.value})"
        )

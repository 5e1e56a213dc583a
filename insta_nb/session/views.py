"""What views use: the session's observable state, its watches, its engine's queue.

Nothing here sends a request of its own: views read what the inventory knows, subscribe
to its changes, keep it fresh with a :class:`~insta_nb.service.Watch`, and hop onto the
engine thread to change their own watch.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Awaitable, Callable, Collection
from typing import TYPE_CHECKING, TypeVar

from insta_nb.engine import EngineSnapshot
from insta_nb.service import ClusterRow, Operation, ServiceEvent, Watch
from insta_nb.session.core import SessionCore

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ViewCalls"]

T = TypeVar("T")


class ViewCalls(SessionCore):
    """Observable state for views and exports, and the engine thread they hop to."""

    def rows(self) -> list[ClusterRow]:
        """What the inventory knows now (no request)."""
        return self.service.rows()

    def operations(self) -> list[Operation]:
        """Recent user actions and how they ended (no request)."""
        return list(self.service.operations)

    def last_refresh(self) -> tuple[float | None, str | None]:
        """Wall time of the last background refresh, and its error if it failed."""
        return self.service.last_refresh, self.service.last_refresh_error

    @property
    def listed(self) -> bool:
        """Whether the inventory holds a full list yet."""
        return self.service.inventory.listed_at is not None

    def now(self) -> float:
        """Wall time as the session's clock tells it."""
        return self._engine.clock.time()

    def dataframe(self) -> pd.DataFrame:
        """The inventory as a pandas DataFrame (a copy)."""
        from insta_nb.frame import clusters_frame

        return clusters_frame(self.service.rows())

    def subscribe(self, listener: Callable[[ServiceEvent], None]) -> Callable[[], None]:
        """Call ``listener(event)`` **on the engine thread** after each change.

        Views hop to their own thread (the widgets' bridge does). Returns ``unsubscribe``.
        """
        return self.service.subscribe(listener)

    def watch(self, detail_ids: Collection[str] = (), *, period: float | None = None) -> Watch:
        """Keep the inventory fresh until the returned watch's ``stop()``.

        A watch is one view's own: ``set_paused``, ``set_period`` and ``stop`` change
        only it. Call those on the engine thread (``session.call_soon``).
        """
        if self.runner.thread.in_loop_thread():
            return self.service.watch(detail_ids, period)

        async def start() -> Watch:
            return self.service.watch(detail_ids, period)

        return self.runner.on_loop_sync(start, timeout=10)

    def engine_snapshot(self) -> EngineSnapshot:
        """Queue, pacing and outage state of this session's engine."""
        return self.runner.snapshot(self._engine)

    def cancel_queued(self, owner: str) -> None:
        """Cancel ``owner``'s jobs that are still queued (thread-safe)."""
        self.runner.cancel_owner(owner)

    def cancel_job(self, job_id: int) -> None:
        """Cancel one queued job, as the queue view's Cancel button does (thread-safe)."""
        self.runner.cancel_job(job_id, self._engine)

    # --- the engine thread, for views -------------------------------------------------------

    def in_engine_thread(self) -> bool:
        return self.runner.thread.in_loop_thread()

    def call_soon(self, fn: Callable[[], object]) -> None:
        """Call ``fn()`` on the engine thread, fire and forget (thread-safe)."""
        self.runner.thread.loop.call_soon_threadsafe(fn)

    def schedule(self, fn: Callable[[], Awaitable[T]]) -> concurrent.futures.Future[T]:
        """Run ``fn()`` on the engine loop; a future to wait on from any thread."""
        return self.runner.thread.schedule(fn)

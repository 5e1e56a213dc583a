"""Keeping the inventory fresh while someone watches, and waiting for one cluster.

Each view holds its own :class:`Watch` with its own settings (paused, period), so pausing
one table leaves the others refreshing. One poller serves every watch of a service: one
list call refreshes every cluster's status, and per-cluster status calls are made only
for clusters a view shows in detail or that are in transition. It polls fast after a
mutation or while anything changes, at the shortest period a watch asks for when steady,
and stops when nobody watches. Watches are changed on the engine loop only.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import random
from collections.abc import Callable, Collection
from typing import Any

from insta_nb import errors
from insta_nb.engine import JobKind
from insta_nb.models import ClusterDetails, ClusterStatus
from insta_nb.service.context import ServiceContext
from insta_nb.service.events import ServiceEvent

__all__ = ["Watch", "Watcher"]

_ids = itertools.count(1)


def _checked_period(period: object) -> float | None:
    """``period`` if it is ``None`` or a finite number of seconds > 0.

    NaN or a negative period made the poller sleep for nothing (a hot loop) or fail in
    the background, where nobody sees it; refuse it where it is given instead.
    """
    if period is None:
        return None
    if isinstance(period, bool) or not isinstance(period, int | float):
        raise errors.ValidationError({"period": f"Give seconds as a number, not {period!r}."})
    if not (math.isfinite(period) and period > 0):
        raise errors.ValidationError(
            {"period": f"Give a finite number of seconds > 0, not {period}."}
        )
    return float(period)


def _checked_wait(target: object, timeout: object, on_progress: object) -> ClusterStatus:
    """``target`` as a status, after checking what ``wait_for_status`` was given.

    Checked before the first request: a NaN timeout never expired (a wait for ever), a
    text target never matched and then crashed, a non-callable ``on_progress`` raised
    TypeError after a request was sent.
    """
    names = {s.value for s in ClusterStatus}
    if not (isinstance(target, str) and target in names):
        raise errors.ValidationError(
            {"target": f"Give a ClusterStatus (such as RUNNING), not {target!r}."}
        )
    status = ClusterStatus(target)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise errors.ValidationError({"timeout": f"Give seconds as a number, not {timeout!r}."})
    if not (math.isfinite(timeout) and timeout >= 0):
        raise errors.ValidationError(
            {"timeout": f"Give a finite number of seconds >= 0, not {timeout}."}
        )
    if on_progress is not None and not callable(on_progress):
        raise errors.ValidationError({"on_progress": "Give a function of one argument, or None."})
    return status


class Watch:
    """One view's interest in the inventory. Change it on the engine loop only."""

    def __init__(self, watcher: Watcher, detail_ids: Collection[str], period: float | None):
        self._watcher = watcher
        #: Clusters this view shows in detail (their status is fetched on every refresh).
        self.detail_ids = set(detail_ids)
        #: Steady refresh period this view asks for (``None``: the settings' default).
        self.period = _checked_period(period)
        #: A paused watch asks for no refreshes; other watches go on.
        self.paused = False
        #: Clusters this view shows right now (a table's page), in its order: of the
        #: clusters never read, these are read first.
        self.focus: tuple[str, ...] = ()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self._watcher.wake()

    def set_period(self, period: float | None) -> None:
        self.period = _checked_period(period)
        self._watcher.wake()

    def set_focus(self, cluster_ids: Collection[str]) -> None:
        """Say which clusters the view shows now; unread ones among them are read first."""
        focus = tuple(cluster_ids)
        if focus != self.focus:
            self.focus = focus
            if any(self._watcher.unread(focus)):
                self._watcher.wake()

    def refresh_now(self) -> None:
        """Refresh at the next free slot, even while paused."""
        self._watcher.refresh_now()

    def stop(self) -> None:
        self._watcher.remove(self)


class Watcher:
    """The poller of one service."""

    def __init__(self, ctx: ServiceContext, rng: random.Random) -> None:
        self._ctx = ctx
        self._rng = rng
        self.watches: list[Watch] = []
        self._poller: asyncio.Task[None] | None = None
        self._poke: asyncio.Event | None = None
        self._forced = False
        self._fast_until = float("-inf")
        #: Owner of this service's background refreshes (cancelled when nobody watches).
        self.owner = f"insta_nb:poller:{next(_ids)}"
        self.last_refresh: float | None = None
        self.last_refresh_error: str | None = None
        ctx.on_mutation.append(self._after_mutation)

    def watch(self, detail_ids: Collection[str] = (), period: float | None = None) -> Watch:
        handle = Watch(self, detail_ids, period)
        self.watches.append(handle)
        self._ensure_poller()
        return handle

    def remove(self, handle: Watch) -> None:
        if handle in self.watches:
            self.watches.remove(handle)
        if not self.watches:
            # Nobody watches: refreshes still queued would be wasted slots.
            self._ctx.engine.cancel_owner(self.owner)
        self.wake()

    def refresh_now(self) -> None:
        self._forced = True
        self._ensure_poller()
        self.wake()

    def wake(self) -> None:
        if self._poke is not None:
            self._poke.set()

    def _after_mutation(self) -> None:
        self._fast_until = self._ctx.clock.monotonic() + self._ctx.settings.fast_after_mutation
        self.wake()

    async def wait_for_status(
        self,
        cluster_id: str,
        target: ClusterStatus,
        *,
        timeout: float,
        on_progress: Callable[[ClusterDetails], None] | None,
        owner: str | None,
        backoff: bool = False,
    ) -> ClusterDetails:
        target = _checked_wait(target, timeout, on_progress)
        ctx = self._ctx
        end = ctx.clock.monotonic() + timeout
        period = ctx.settings.fast_poll
        while True:
            details = await ctx.get_cluster(cluster_id, owner=owner)
            if on_progress is not None:
                on_progress(details)
            if details.status is target:
                return details
            stuck = [
                n
                for n in details.nodes
                if n.status in (ClusterStatus.FAILED, ClusterStatus.DEFERRED)
            ]
            if details.status in (ClusterStatus.FAILED, ClusterStatus.DELETED) or stuck:
                what = stuck[0].status.value if stuck else details.status.value
                raise errors.InstaError(
                    f"cluster {cluster_id} will not reach {target.value}: a node is {what}"
                )
            if ctx.clock.monotonic() >= end:
                raise errors.DeadlineExceededError(
                    f"cluster {cluster_id} did not reach {target.value} within {timeout:.0f} s"
                )
            await ctx.clock.sleep(period)
            if backoff:
                # A long wait spends fewer of the machine's requests; the steady period
                # bounds how late the news can be.
                period = max(period, min(period * 1.5, ctx.settings.steady_poll))

    # --- the poller ------------------------------------------------------------------------

    def _ensure_poller(self) -> None:
        if self._poke is None:
            self._poke = asyncio.Event()
        if self._poller is None or self._poller.done():
            self._poller = asyncio.get_running_loop().create_task(self._poll_loop())

    def _period(self) -> float | None:
        """Seconds until the next refresh; ``None`` while every watch is paused."""
        periods = [w.period or self._ctx.settings.steady_poll for w in self.watches if not w.paused]
        if not periods:
            return None
        settings = self._ctx.settings
        # Clusters never read also keep the pace fast: with hundreds of them, each
        # refresh reads only a few (first_reads_per_refresh).
        busy = self._ctx.clock.monotonic() < self._fast_until or any(
            r.status.is_transitional or r.pending or r.details is None for r in self._ctx.inventory
        )
        steady = min(periods)
        return min(settings.fast_poll, steady) if busy else steady

    async def _poll_loop(self) -> None:
        assert self._poke is not None
        while self.watches:
            self._poke.clear()
            if self._forced or any(not w.paused for w in self.watches):
                self._forced = False
                await self.refresh_once()
            period = self._period()
            poked = asyncio.ensure_future(self._poke.wait())
            waits: set[asyncio.Future[Any]] = {poked}
            if period is not None:
                # Jittered so that kernels watching the same account drift apart.
                waits.add(
                    asyncio.ensure_future(
                        self._ctx.clock.sleep(period * self._rng.uniform(0.9, 1.1))
                    )
                )
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waits:
                    waiter.cancel()

    async def refresh_once(self) -> None:
        ctx = self._ctx
        try:
            await ctx.list_clusters(kind=JobKind.POLL, owner=self.owner)
            wanted = self._wanted()
            await asyncio.gather(*(self._refresh_details(i) for i in wanted))
            for hook in list(ctx.on_poll):
                await hook(self.owner)
            self.last_refresh, self.last_refresh_error = ctx.clock.time(), None
            ctx.emit(ServiceEvent(poll_error=None, refreshed=True))
        except errors.JobCancelledError:
            return  # the last watcher left; nothing to report
        except errors.InstaError as exc:
            self.last_refresh_error = exc.message
            ctx.emit(ServiceEvent(poll_error=exc.message, refreshed=True))

    def unread(self, cluster_ids: Collection[str] = ()) -> list[str]:
        """Of ``cluster_ids`` (all when empty), those listed but never read in detail."""
        inventory = self._ctx.inventory
        if cluster_ids:
            rows = (inventory.get(i) for i in cluster_ids)
            return [r.id for r in rows if r is not None and r.details is None]
        return [r.id for r in inventory if r.details is None]

    def _wanted(self) -> list[str]:
        """Clusters to read this refresh, in the order their requests are queued.

        Every cluster a view watches in detail or that is changing, then at most
        ``first_reads_per_refresh`` never-read ones, those the views show first.
        """
        present = {r.id for r in self._ctx.inventory}
        always = [i for w in self.watches for i in sorted(w.detail_ids)]
        always += [r.id for r in self._ctx.inventory if r.status.is_transitional or r.pending]
        focus = [i for w in self.watches if not w.paused for i in w.focus]
        unread = self.unread(focus) + self.unread()
        budget = max(0, self._ctx.settings.first_reads_per_refresh)
        first = [i for i in dict.fromkeys(unread) if i not in always][:budget]
        return [i for i in dict.fromkeys(always + first) if i in present]

    async def _refresh_details(self, cluster_id: str) -> None:
        ctx = self._ctx
        try:
            await ctx.get_cluster(cluster_id, kind=JobKind.POLL, owner=self.owner)
        except errors.NotFoundError:
            # Deleted between the list and this call: the list will agree next time.
            if ctx.inventory.remove(cluster_id):
                ctx.bus.rows_changed({cluster_id})

    async def aclose(self) -> None:
        self.watches.clear()
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller

"""Creates that are never duplicated: the machine-wide journal, a fresh list, reconciliation.

The life of a create (ARCHITECTURE §4)::

    validate → journal intent (machine-wide, by host, account and name)
             → a list made now (never an older inventory) → POST, once
             → id | ambiguous failure → look for the name → adopt | "not created"

Only never-sent errors and 429 are retried by the engine. On an ambiguous failure
(timeout after send, 502/504, a dropped connection) we list by name and adopt the match;
a failure the backend says proves refusal (v1: 503) is sent again once a list proves the
cluster absent. A create reported "not created" whose cluster shows up later is adopted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import replace

from insta_nb import errors
from insta_nb.backend import CreateSpec, Op
from insta_nb.engine import JobKind
from insta_nb.engine.journal import CreateJournal
from insta_nb.models import ClusterSummary, LegacyClusterSpec
from insta_nb.service.context import ServiceContext
from insta_nb.service.inventory import ClusterRow
from insta_nb.service.operations import Operation, OperationState
from insta_nb.service.placeholders import legacy_placeholder, placeholder

__all__ = ["Creates"]

log = logging.getLogger("insta_nb.service")
#: A create refused (v1: 503) and proven absent is sent again at most this many times in all.
_MAX_REFUSED_CREATES = 5


class Creates:
    """Cluster creates of one service."""

    def __init__(
        self,
        ctx: ServiceContext,
        journal: CreateJournal,
        known_key_ids: Callable[[], Collection[str] | None],
    ) -> None:
        self._ctx = ctx
        self._journal = journal
        self._known_key_ids = known_key_ids
        #: The journal's key: one account on one API host.
        self._key = f"{ctx.backend.api_url}|{ctx.backend.username}"
        self._unconfirmed: dict[str, Operation] = {}
        #: Cluster ids that a create of ours adopted: never adopted twice.
        self._adopted: set[str] = set()
        ctx.on_listed.append(self._adopt_late_arrivals)

    async def create_cluster(
        self, spec: CreateSpec, *, force: bool, adopt: bool, owner: str | None
    ) -> str:
        self._ctx.refuse_if_read_only("create a cluster")
        self._ctx.refuse_invalid(
            self._ctx.backend.validate_spec(spec, encryption_key_ids=self._known_key_ids())
        )
        backend = self._ctx.backend
        return await self._create(
            spec.cluster_name,
            Op.CREATE_CLUSTER,
            lambda: backend.create_cluster(spec),
            placeholder(spec),
            force=force,
            adopt=adopt,
            owner=owner,
        )

    async def create_cluster_legacy(
        self, spec: LegacyClusterSpec, *, force: bool, adopt: bool, owner: str | None
    ) -> str:
        self._ctx.refuse_if_read_only("create a cluster")
        self._ctx.refuse_invalid(self._ctx.backend.validate_legacy_spec(spec))
        backend = self._ctx.backend
        return await self._create(
            spec.cluster_name,
            Op.CREATE_CLUSTER_LEGACY,
            lambda: backend.create_cluster_legacy(spec),
            legacy_placeholder(spec),
            force=force,
            adopt=adopt,
            owner=owner,
        )

    def forget(self, cluster_id: str) -> None:
        """``cluster_id`` was deleted through us: its name may be created again."""
        self._journal.forget_cluster(self._key, cluster_id)

    # --- the steps ----------------------------------------------------------------------------

    async def _create(
        self,
        name: str,
        op_kind: Op,
        call: Callable[[], Awaitable[str]],
        row: ClusterRow,
        *,
        force: bool,
        adopt: bool,
        owner: str | None,
    ) -> str:
        ctx = self._ctx
        now = ctx.clock.time()
        claim = self._journal.claim(
            self._key, name, now, force=force, recent=ctx.settings.created_recently
        )
        if claim.token is None:
            assert claim.blocking is not None
            if adopt and claim.blocking.cluster_id:
                return claim.blocking.cluster_id
            raise errors.ValidationError(
                {
                    "clusterName": f"a create of {name!r} is already {claim.blocking.where(now)}"
                    " — nothing was sent (adopt=True uses that cluster, force=True makes another)"
                }
            )
        token = claim.token
        op = ctx.start("create", name, owner)
        task: asyncio.Task[str] | None = None
        try:
            before = await self._existing_ids(op, name, claim.orphan is not None)
            if before and not force:
                if adopt:
                    ctx.finish(op, OperationState.DONE, "adopted the existing cluster")
                    op.cluster_id = sorted(before)[0]
                    return op.cluster_id
                raise errors.ValidationError(
                    {"clusterName": f"a cluster named {name!r} already exists — nothing was sent"}
                )
            # The send runs in its own task: if the caller goes away (a cell interrupted,
            # a widget closed) after the create was sent, it still finishes and reports.
            task = asyncio.ensure_future(self._send(op, token, op_kind, name, before, call, row))
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if task is not None and op.state is OperationState.QUEUED:
                task.cancel()  # never sent: drop it
                ctx.finish(op, OperationState.CANCELLED, "cancelled before it was sent")
            raise
        except errors.JobCancelledError as exc:
            ctx.finish(op, OperationState.CANCELLED, exc.message)
            raise
        except errors.InstaError as exc:
            if not op.state.finished:
                ctx.finish(op, OperationState.FAILED, str(exc.message), exc)
            raise
        finally:
            if task is None:
                self._journal.release(token)

    async def _existing_ids(self, op: Operation, name: str, orphaned: bool) -> set[str]:
        """Ids of clusters named ``name``, from a list made now.

        After a dead process's create that may have been sent, keep looking for the
        reconcile window, since an applied create may take a moment to be listed.
        """
        ctx = self._ctx
        # A user's create waits on this list: it goes with the user's actions, as a request
        # of its own, so that cancelling one create's check (the queue view's Cancel)
        # leaves the other creates alone.
        check = f"— name check before create {name}"
        found = set(await self._named(name, JobKind.MUTATION, op.owner, check))
        if orphaned and not found:
            ctx.advance(op, OperationState.RECONCILING)
            end = ctx.clock.monotonic() + ctx.settings.reconcile_window
            while not found and ctx.clock.monotonic() < end:
                await ctx.clock.sleep(ctx.settings.reconcile_every)
                found = set(await self._named(name, JobKind.MUTATION, op.owner, check))
            ctx.advance(op, OperationState.QUEUED)
        return found

    async def _named(
        self, name: str, kind: JobKind, owner: str | None, purpose: str | None = None
    ) -> list[str]:
        """Ids of the clusters named ``name``, in the API's order, from a request made now.

        ``purpose`` makes it a request of its own (only its owner cancels it); without
        it, a shared list. A backend whose list has no names is asked by name instead.
        """
        ctx = self._ctx
        if ctx.backend.lists_names:
            summaries = await ctx.list_clusters(
                kind=kind, owner=owner, purpose=purpose or "", shared=purpose is None
            )
        else:
            summaries = await ctx.run(
                lambda: ctx.backend.find_clusters(name),
                kind,
                Op.LIST_CLUSTERS,
                purpose or f"— looking for {name}",
                owner=owner,
            )
        return list(dict.fromkeys(s.id for s in summaries if s.name == name))

    async def _send(
        self,
        op: Operation,
        token: str,
        op_kind: Op,
        name: str,
        before: set[str],
        call: Callable[[], Awaitable[str]],
        row: ClusterRow,
    ) -> str:
        ctx = self._ctx

        def sent() -> None:
            # Written before the bytes leave: a process killed now leaves a "sent" intent,
            # which the next create of this name reconciles instead of trusting.
            self._journal.update(token, "sent", ctx.clock.time())
            ctx.advance(op, OperationState.SENT)

        outcome = "unknown"
        try:
            for _ in range(_MAX_REFUSED_CREATES):
                try:
                    cluster_id = await ctx.run(
                        call,
                        JobKind.MUTATION,
                        op_kind,
                        name,
                        owner=op.owner,
                        idempotent=False,
                        on_send=sent,
                    )
                except errors.InstaError as exc:
                    if not exc.ambiguous:
                        # A definite refusal; but an engine closed mid-flight knows nothing.
                        in_flight = op.state is OperationState.SENT
                        if not (in_flight and isinstance(exc, errors.JobCancelledError)):
                            outcome = "released"
                        raise
                    log.warning("create of %r: outcome unknown (%s); reconciling", name, exc)
                    refused = ctx.backend.create_refused(exc)
                    found = await self._reconcile(op, name, before, refused=refused)
                    if found is None:
                        # Refused, and a list shows no such cluster: sending again is
                        # informed, not blind.
                        ctx.advance(op, OperationState.QUEUED)
                        continue
                    cluster_id = found
                self._journal.update(token, "created", ctx.clock.time(), cluster_id)
                outcome = "created"
                self._adopt(op, cluster_id, row)
                return cluster_id
            outcome = "released"
            raise errors.CreateNotConfirmedError(
                name, f"the API kept refusing the create of {name!r}"
            )
        except errors.CreateNotConfirmedError:
            if op.state is OperationState.NOT_CREATED:
                outcome = "released"
            raise
        finally:
            if outcome == "released":
                self._journal.release(token)
            elif outcome == "unknown":
                self._journal.update(token, "unknown", ctx.clock.time())

    async def _reconcile(
        self, op: Operation, name: str, before: set[str], *, refused: bool
    ) -> str | None:
        """Look for the cluster by name; ``None`` when a refused create is proven absent."""
        ctx = self._ctx
        ctx.advance(op, OperationState.RECONCILING)
        end = ctx.clock.monotonic() + ctx.settings.reconcile_window
        # Without one successful list nothing is proven; wait out an outage, within reason.
        give_up = end + ctx.engine.settings.outage_queue_limit
        listed = False
        while True:
            try:
                named = await self._named(name, JobKind.READ, op.owner)
                listed = True
            except errors.InstaError as exc:
                log.info("reconciling %r: list failed (%s)", name, exc)
                named = []
            taken = before | self._adopted
            match = [i for i in named if i not in taken]
            if match:
                return match[0]
            if refused and listed:
                return None
            now = ctx.clock.monotonic()
            if listed and now >= end:
                self._unconfirmed[name] = op
                ctx.finish(
                    op,
                    OperationState.NOT_CREATED,
                    "no cluster of that name appeared: it was not created",
                )
                raise errors.CreateNotConfirmedError(name)
            if now >= give_up:
                self._unconfirmed[name] = op
                ctx.finish(
                    op,
                    OperationState.FAILED,
                    "outcome unknown: the API could not be reached to check; "
                    "the cluster is adopted if it appears later",
                )
                raise errors.CreateNotConfirmedError(
                    name, f"could not confirm whether {name!r} was created"
                )
            await ctx.clock.sleep(ctx.settings.reconcile_every)

    def _adopt(self, op: Operation, cluster_id: str, row: ClusterRow) -> None:
        ctx = self._ctx
        op.cluster_id = cluster_id
        self._adopted.add(cluster_id)
        if ctx.inventory.get(cluster_id) is None:
            ctx.inventory.put(
                replace(row, id=cluster_id, since=ctx.clock.time(), pending="creating")
            )
            ctx.bus.rows_changed({cluster_id})
        ctx.finish(op, OperationState.DONE, "created")
        ctx.mutated()

    def _adopt_late_arrivals(self, summaries: list[ClusterSummary]) -> None:
        # A create reported "not created" whose cluster shows up later is still adopted.
        for s in summaries:
            if s.id in self._adopted or s.name not in self._unconfirmed:
                continue
            op = self._unconfirmed.pop(s.name)
            self._adopted.add(s.id)
            op.cluster_id = s.id
            self._ctx.finish(op, OperationState.DONE, "created (found after reconciliation)")

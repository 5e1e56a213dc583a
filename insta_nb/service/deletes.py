"""Deleting exactly one cluster, and knowing when a lost answer still means success.

Confirmation is the caller's job (widgets ask; code names the exact id). A delete is
idempotent for the engine: a retry that meets 404 has succeeded. A 409 means "already
being deleted" as well as "dependencies remain", so we ask the cluster's status before
calling it a failure.
"""

from __future__ import annotations

from collections.abc import Callable

from insta_nb import errors
from insta_nb.backend import Op
from insta_nb.engine import JobKind
from insta_nb.models import ClusterStatus
from insta_nb.service.context import ServiceContext
from insta_nb.service.operations import OperationState

__all__ = ["Deletes"]


class Deletes:
    """Cluster deletes of one service."""

    def __init__(self, ctx: ServiceContext, on_deleted: Callable[[str], None]) -> None:
        self._ctx = ctx
        self._on_deleted = on_deleted

    async def delete_cluster(self, cluster_id: str, *, owner: str | None) -> None:
        ctx = self._ctx
        ctx.backend.check_id(cluster_id)  # refused before it takes a slot
        ctx.refuse_if_read_only("delete a cluster")
        name = ctx.name_of(cluster_id)
        op = ctx.start("delete", name, owner)
        op.cluster_id = cluster_id
        if ctx.inventory.update(cluster_id, pending="deleting", error=None):
            ctx.bus.rows_changed({cluster_id})
        try:
            op.state = OperationState.SENT
            await self._send(cluster_id, name, owner)
        except errors.InstaError as exc:
            if ctx.inventory.update(cluster_id, pending=None, error=exc.message):
                ctx.bus.rows_changed({cluster_id})
            ctx.finish(op, OperationState.FAILED, exc.message, exc)
            raise
        if ctx.inventory.update(cluster_id, status=ClusterStatus.DELETING, pending=None):
            ctx.bus.rows_changed({cluster_id})
        self._on_deleted(cluster_id)
        ctx.finish(op, OperationState.DONE, "marked for deletion")
        ctx.mutated()

    async def _send(self, cluster_id: str, name: str, owner: str | None) -> None:
        ctx = self._ctx
        try:
            await ctx.run(
                lambda: ctx.backend.delete_cluster(cluster_id),
                JobKind.MUTATION,
                Op.DELETE_CLUSTER,
                name,
                owner=owner,
                idempotent=True,
                not_found_after_retry_ok=True,
            )
        except errors.ConflictError:
            # An earlier attempt whose response was lost may have gone through. Ask.
            try:
                details = await ctx.get_cluster(cluster_id, owner=owner)
            except errors.NotFoundError:
                # Gone since the 409 (DELETED past the API's retention): the delete worked.
                # Seen in the soak under load: the read waited longer than the retention.
                return
            if details.status not in (ClusterStatus.DELETING, ClusterStatus.DELETED):
                raise

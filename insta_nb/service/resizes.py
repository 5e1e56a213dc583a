"""Resizing a data centre to another node size, as a user action.

The backend knows which sizes a data centre may take (its bundle, provider and size
family); a resize is checked against the cluster's current details before it is
queued, so a bad size or concurrency is refused with the field named and no request
spent on it. While the API resizes, the cluster's row is marked ``"resizing"`` so
that the watcher keeps reading its details (node sizes) until no data centre shows a
resize target any more.
"""

from __future__ import annotations

from insta_nb import errors
from insta_nb.backend import Op
from insta_nb.engine import JobKind
from insta_nb.models import ClusterDetails, ResizeSpec
from insta_nb.service.context import ServiceContext
from insta_nb.service.data_centres import pick_data_centre
from insta_nb.service.operations import OperationState

__all__ = ["Resizes"]


def _spec_problems(spec: ResizeSpec) -> dict[str, str]:
    """What is wrong whatever the data centre (checked before any request)."""
    problems: dict[str, str] = {}
    if not isinstance(spec.node_size, str) or not spec.node_size.strip():
        problems["newNodeSize"] = "Choose a node size."
    count = spec.concurrent_resizes
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        problems["concurrentResizes"] = "Give a whole number of nodes, at least 1."
    if not isinstance(spec.notify_support_contacts, bool):
        problems["notifySupportContacts"] = "Must be true or false."
    if spec.node_purpose is not None and not isinstance(spec.node_purpose, str):
        problems["nodePurpose"] = "Give a node purpose name, e.g. OPENSEARCH_DATA."
    return problems


class Resizes:
    """Data centre resizes of one service."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    async def _details(self, cluster_id: str, owner: str | None) -> ClusterDetails:
        ctx = self._ctx
        row = ctx.inventory.get(cluster_id)
        if row is not None and row.details is not None and row.pending != "resizing":
            return row.details
        return await ctx.get_cluster(cluster_id, owner=owner)

    async def sizes(
        self, cluster_id: str, data_centre_id: str | None = None, *, owner: str | None = None
    ) -> list[str]:
        """Sizes the data centre may be resized to (empty: it cannot be resized)."""
        ctx = self._ctx
        ctx.backend.check_id(cluster_id)
        if data_centre_id is not None:
            ctx.backend.check_id(data_centre_id, "data_centre_id")
        details = await self._details(cluster_id, owner)
        dc = pick_data_centre(details, data_centre_id)
        return ctx.backend.resize_sizes(details, dc.id)

    async def resize(
        self,
        cluster_id: str,
        spec: ResizeSpec,
        *,
        data_centre_id: str | None = None,
        owner: str | None = None,
    ) -> None:
        ctx = self._ctx
        ctx.backend.check_id(cluster_id)
        if data_centre_id is not None:
            ctx.backend.check_id(data_centre_id, "data_centre_id")
        ctx.refuse_if_read_only("resize a data centre")
        ctx.refuse_invalid(_spec_problems(spec))
        # Fresh details: the current size decides which sizes are allowed.
        details = await ctx.get_cluster(cluster_id, owner=owner)
        dc = pick_data_centre(details, data_centre_id)
        ctx.refuse_invalid(ctx.backend.validate_resize(details, dc.id, spec))
        op = ctx.start("resize", f"{ctx.name_of(cluster_id)} to {spec.node_size}", owner)
        op.cluster_id = cluster_id
        try:
            op.state = OperationState.SENT
            await self._send(cluster_id, dc.id, spec, owner)
        except errors.InstaError as exc:
            ctx.finish(op, OperationState.FAILED, exc.message, exc)
            raise
        if ctx.inventory.update(cluster_id, pending="resizing", error=None):
            ctx.bus.rows_changed({cluster_id})
        ctx.finish(op, OperationState.DONE, f"resizing to {spec.node_size}")
        ctx.mutated()

    async def _send(
        self, cluster_id: str, data_centre_id: str, spec: ResizeSpec, owner: str | None
    ) -> None:
        ctx = self._ctx
        try:
            await ctx.run(
                lambda: ctx.backend.resize_data_centre(cluster_id, data_centre_id, spec),
                JobKind.MUTATION,
                Op.RESIZE_DATA_CENTRE,
                f"{ctx.name_of(cluster_id)} to {spec.node_size}",
                owner=owner,
                idempotent=False,
            )
        except errors.InstaError as exc:
            if not getattr(exc, "ambiguous", False):
                raise
            # The answer was lost: the details tell whether the resize started.
            details = await ctx.get_cluster(cluster_id, owner=owner)
            dc = pick_data_centre(details, data_centre_id)
            if dc.resize_target_node_size != spec.node_size:
                raise

"""One VPC peering as a line of a row's details: peer network, subnets, status, Delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from insta_nb.peering import PeeringStatus, VpcPeering
from insta_nb.widgets._messages import MessageArea
from insta_nb.widgets.peering_delete import PeeringDeleteConfirm
from insta_nb.widgets.row_extensions import RowContext
from insta_nb.widgets.snapshot import esc, toned

if TYPE_CHECKING:
    from insta_nb.models import ClusterDetails

__all__ = ["PeeringLine", "line_html", "status_text"]


def status_text(peering: VpcPeering) -> tuple[str, str]:
    """``("⏳ pending-acceptance: waiting for the peer account", "warn")`` and the like."""
    status, raw = peering.status, peering.status_code or peering.status.value
    if status is PeeringStatus.ACTIVE:
        return f"✓ {raw}", "ok"
    if status.is_failure:
        why = f": {peering.failure_reason}" if peering.failure_reason else ""
        return f"✖ {raw}{why}", "error"
    if status is PeeringStatus.PENDING_ACCEPTANCE:
        return f"⏳ {raw}: waiting for the peer account to accept", "warn"
    if status is PeeringStatus.INACTIVE:
        return f"⏳ {raw}: waiting for the peer network's side", "warn"
    if status is PeeringStatus.DELETING:
        return f"⊘ {raw}", "muted"
    return f"◔ {raw}", "busy"


class PeeringLine(w.HBox):
    """One peering: the peer network, subnets, data centre, status, and its Delete.

    Args:
        peering: What to show first.
        ctx: The row's context (tier, timers, read-only key).
        delete: Called once the delete was confirmed.
    """

    def __init__(self, peering: VpcPeering, ctx: RowContext, delete: Callable[[], None]) -> None:
        self.peering = peering
        self.info = w.HTML()
        self.message = MessageArea()
        self.delete = PeeringDeleteConfirm(
            peering,
            ctx.row.sla_tier,
            delete,
            ctx.bridge.timers,
            disabled_reason="The API key is read-only: deleting is not possible"
            if ctx.session.read_only
            else None,
        )
        super().__init__(
            [self.info, self.delete, self.message],
            layout=w.Layout(align_items="center", flex_flow="row wrap"),
        )
        self.add_class("insta-nb-peering")
        self.show(peering, ctx.row.details)

    def show(self, peering: VpcPeering, details: ClusterDetails | None) -> None:
        """Redraw for ``peering`` as last read."""
        self.peering = peering
        self.info.value = line_html(peering, details)
        if peering.status is PeeringStatus.DELETING:
            self.delete.mark_deleting()

    def text(self) -> str:
        """The line as text."""
        words, _ = status_text(self.peering)
        subnets = ", ".join(self.peering.peer_subnets)
        return f"{self.peering.peer or self.peering.id} [{subnets}] {words}"


def line_html(peering: VpcPeering, details: ClusterDetails | None) -> str:
    """A peering as one line of themed HTML."""
    words, tone = status_text(peering)
    dc_name = peering.data_centre_id
    for dc in details.data_centres if details else ():
        if dc.id == peering.data_centre_id:
            dc_name = dc.name or dc.id
    subnets = ", ".join(peering.peer_subnets) or "no subnets"
    return (
        f'<span title="peering {esc(peering.id)}"><code>{esc(peering.peer or peering.id)}</code>'
        f" · {esc(subnets)} · data centre {esc(dc_name)} — {toned(words, tone)}</span>"
    )

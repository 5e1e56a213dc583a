"""Deleting a VPC peering, behind the same confirmation as a cluster's delete.

:class:`~insta_nb.widgets.delete_confirm.DeleteConfirm` and its rules, reworded for a
peering: a first click only asks; the cluster's tier decides whether the peer network's
name must be typed (:func:`~insta_nb.widgets.delete_confirm.needs_typed_name`); the
question closes by itself; a second confirm does nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from insta_nb.peering import VpcPeering
from insta_nb.widgets._bridge import Timers
from insta_nb.widgets.delete_confirm import (
    DEFAULT_CONFIRM_TIMEOUT,
    DeleteConfirm,
    DeleteWording,
    needs_typed_name,
)

__all__ = ["PEERING_WORDING", "PeeringDeleteConfirm", "peer_name"]

#: "Delete the VPC peering to vpc-0a1b2c3d? … Type the peer network's name to confirm."
PEERING_WORDING = DeleteWording(subject="the VPC peering to", typed="the peer network's name")


def peer_name(peering: VpcPeering) -> str:
    """What the user typed to name the peer network (``vpc-0a1b2c3d``), else the id."""
    return (
        peering.peer_vpc_id
        or peering.peer_vpc_network_name
        or peering.peer_vnet_network_name
        or peering.id
    )


class PeeringDeleteConfirm(DeleteConfirm):
    """The Delete button of one peering and its inline confirmation.

    Args:
        peering: The peering it deletes.
        sla_tier: The cluster's tier: every tier but NON_PRODUCTION needs the peer
            network's name typed, as a cluster's delete needs the cluster's name.
        on_confirm: Called once per confirmed delete.
        timers: Where the auto-revert timer runs.
        timeout: Seconds before an unanswered question closes.
        disabled_reason: Why deleting is impossible (a read-only key).
    """

    def __init__(
        self,
        peering: VpcPeering,
        sla_tier: str | None,
        on_confirm: Callable[[], None],
        timers: Timers,
        *,
        timeout: float = DEFAULT_CONFIRM_TIMEOUT,
        disabled_reason: str | None = None,
    ) -> None:
        self.peering_id = peering.id
        super().__init__(
            peer_name(peering),
            on_confirm,
            timers,
            timeout=timeout,
            needs_typed_name=needs_typed_name(sla_tier),
            disabled_reason=disabled_reason,
            wording=PEERING_WORDING,
        )

"""What the peering and resize widget tests share: a running cluster and a row context."""

from __future__ import annotations

import ipywidgets as w

from insta_nb.session import ClusterRow
from insta_nb.widgets._bridge import Bridge
from insta_nb.widgets.row_extensions import RowContext, TableRefresh

from .conftest import World

#: GENESIS 30 s + PROVISIONING 120 s + PROVISIONED 30 s + 3 nodes joining 80 s each.
RUNNING_AFTER = 30 + 120 + 30 + 3 * 80 + 1.0


def running_cluster(world: World, name: str, tier: str = "NON_PRODUCTION") -> str:
    """A RUNNING cluster whose row (details included) the session knows."""
    cluster_id = world.create(name, tier)
    world.advance(RUNNING_AFTER)
    world.list()
    world.on_engine(lambda: world.session.service.get_cluster(cluster_id))
    return cluster_id


def row_of(world: World, cluster_id: str) -> ClusterRow:
    """The session's row for ``cluster_id`` now."""
    return next(r for r in world.session.rows() if r.id == cluster_id)


class Context:
    """Row contexts as a table makes them, with the errors it was told about and what an
    action showed (``ctx.show``: the old widget is closed, as a row's details close it)."""

    def __init__(self, world: World, bridge: Bridge, cluster_id: str) -> None:
        self.world, self.bridge, self.cluster_id = world, bridge, cluster_id
        self.errors: list[str] = []
        self.shown: w.Widget | None = None
        self.refresh = TableRefresh()

    def show(self, widget: w.Widget | None) -> None:
        old, self.shown = self.shown, widget
        if old is not None and old is not widget:
            old.close()

    def __call__(self) -> RowContext:
        return RowContext(
            row=row_of(self.world, self.cluster_id),
            session=self.world.session,
            bridge=self.bridge,
            owner="widget:test-table",
            report_error=self.errors.append,
            show=self.show,
            refresh=self.refresh,
        )

"""The features every cluster table's rows get: VPC peering and resize.

One call plugs them into a table (the dashboard makes it):

.. code-block:: python

    add_row_features(table)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from insta_nb.widgets.peering_panel import peering_panel
from insta_nb.widgets.resize_panel import ResizeFeature

if TYPE_CHECKING:
    from insta_nb.widgets.cluster_table import ClusterTable

__all__ = ["add_row_features"]


def add_row_features(table: ClusterTable) -> None:
    """Add the Resize action, the VPC peering section and the Resize section to ``table``."""
    resize = ResizeFeature(confirm_timeout=table.confirm_timeout)
    table.add_row_action(resize.action())
    table.add_row_panel(peering_panel())
    table.add_row_panel(resize.panel())

"""Plug-in points of a cluster row: actions and panels shown in the row's details.

A feature that works on one cluster (VPC peering, resize, …) adds itself to a table with
one call, and the table shows it in the details of every row:

.. code-block:: python

    table.add_row_action(RowAction("Resize", run=open_resize, tooltip="Change node size"))
    table.add_row_panel(RowPanel("VPC peering", build=PeeringPanel))

An action is a button in the details' action bar; a panel is a widget built when a row's
details open and closed when they close (so 500 rows carry no hidden panels). Both get
a :class:`RowContext`: the row as last drawn, the session, the table's bridge and owner
(requests made ``with ctx.session.owned_by(ctx.owner)`` are cancelled with the table), and
``report_error`` to show a failure on the row's own error line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ipywidgets as w

from insta_nb.session import ClusterRow

if TYPE_CHECKING:
    from insta_nb.session import Session
    from insta_nb.widgets._bridge import Bridge

__all__ = ["RowAction", "RowContext", "RowPanel"]


@dataclass(frozen=True)
class RowContext:
    """What an action or a panel needs to act on one cluster."""

    row: ClusterRow
    session: Session
    bridge: Bridge
    owner: str
    report_error: Callable[[str], None]

    @property
    def cluster_id(self) -> str:
        """The cluster's id."""
        return self.row.id


def _always(_: ClusterRow) -> bool:
    return True


@dataclass(frozen=True)
class RowAction:
    """A button in a row's details.

    Args:
        label: The button's words (kept short: "Resize").
        run: Called with the row's context when clicked.
        tooltip: What it does, in a sentence.
        icon: A Font Awesome icon name, or "".
        available: Whether it can be used on this row now (else the button is disabled).
    """

    label: str
    run: Callable[[RowContext], None]
    tooltip: str
    icon: str = ""
    available: Callable[[ClusterRow], bool] = _always


@dataclass(frozen=True)
class RowPanel:
    """A titled section of a row's details.

    Args:
        title: Shown above the panel.
        build: Makes the panel's widget when the details open.
        update: Called with (widget, context) when the row changed while open (optional).
    """

    title: str
    build: Callable[[RowContext], w.Widget]
    update: Callable[[w.Widget, RowContext], None] | None = None

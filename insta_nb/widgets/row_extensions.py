"""Plug-in points of a cluster row: actions and panels shown in the row's details.

A feature that works on one cluster (VPC peering, resize, …) adds itself to a table with
one call, and the table shows it in the details of every row:

.. code-block:: python

    table.add_row_action(RowAction("Resize", run=open_resize, tooltip="Change node size"))
    table.add_row_panel(RowPanel("VPC peering", build=PeeringPanel))

An action is a button in the details' action bar; what its ``run`` returns (a widget, or
``None``) is drawn in the details under that bar, replacing what an action showed before,
and closed with the details. A panel is a widget built when a row's details open and
closed when they close (so 500 rows carry no hidden panels). Both get a
:class:`RowContext`: the row as last drawn, the session, the table's bridge and owner
(requests made ``with ctx.session.owned_by(ctx.owner)`` are cancelled with the table),
``report_error`` to show a failure on the row's own error line (it never touches the
row's delete), ``show`` to replace (or, with ``None``, remove) what an action shows, and
``refresh``: the table's pause state and refresh period, read-only and observable, so a
panel that polls on its own pauses with the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import ipywidgets as w
import traitlets

from insta_nb.session import ClusterRow

if TYPE_CHECKING:
    from insta_nb.session import Session
    from insta_nb.widgets._bridge import Bridge

__all__ = ["RowAction", "RowContext", "RowPanel", "TableRefresh"]


class TableRefresh(traitlets.HasTraits):
    """The table's refresh settings as plug-ins see them: read them, observe them.

    ``paused``: the user paused the table (nothing should poll meanwhile). ``period``:
    the seconds the user chose between refreshes, ``None`` for the service's own policy.
    Both are read-only to plug-ins; ``refresh.observe(callback, names="paused")`` tells
    of changes (the table changes them on the notebook's thread, like a widget's value).
    """

    paused = traitlets.Bool(False, read_only=True)
    period = traitlets.Float(None, allow_none=True, read_only=True)

    def set_by_table(self, *, paused: bool, period: float | None) -> None:
        """Only the table calls this, when the user changes its controls."""
        with self.hold_trait_notifications():
            self.set_trait("paused", paused)
            self.set_trait("period", period)


def _nowhere(widget: w.Widget | None) -> None:
    # A context made outside a table has no details to draw in.
    if widget is not None:
        widget.close()


@dataclass(frozen=True)
class RowContext:
    """What an action or a panel needs to act on one cluster.

    ``show(widget)`` draws ``widget`` in the row's details under the action bar (closing
    what was there); ``show(None)`` removes it and redraws the panels with the row as it
    is now (e.g. a picker whose request was accepted).
    """

    row: ClusterRow
    session: Session
    bridge: Bridge
    owner: str
    report_error: Callable[[str], None]
    show: Callable[[w.Widget | None], None] = _nowhere
    refresh: TableRefresh = field(default_factory=TableRefresh)

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
        run: Called with the row's context when clicked; a widget it returns is drawn in
            the details under the action bar (``None``: nothing to draw).
        tooltip: What it does, in a sentence.
        icon: A Font Awesome icon name, or "".
        available: Whether it can be used on this row now (else the button is disabled).
        update: Called with (the widget ``run`` returned, context) when the row changed
            while that widget is shown (optional).
    """

    label: str
    run: Callable[[RowContext], w.Widget | None]
    tooltip: str
    icon: str = ""
    available: Callable[[ClusterRow], bool] = _always
    update: Callable[[w.Widget, RowContext], None] | None = None


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

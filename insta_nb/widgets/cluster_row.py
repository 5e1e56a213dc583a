"""One line of the cluster table: a few widgets, reused for whichever cluster it shows.

The table builds row widgets for one page only and, when the page, the sort or the
filter changes, points the same widgets at other clusters (:meth:`ClusterRowView.bind`):
changing a few values is far cheaper than opening new widget models. A row remembers
the cluster and :attr:`~insta_nb.service.ClusterRow.version` it shows and ignores rows it
has already drawn, so an unchanged refresh sends nothing.

A row is a wrapping flex box: a selection checkbox, one HTML widget with the cells
(styled by :mod:`~insta_nb.widgets._table_style`, so it fits any output width), the
Details toggle and the Delete button. The delete question, the error line and the
details (built only while open) take lines of their own below it.
"""

from __future__ import annotations

from typing import Any, Protocol

import ipywidgets as w

from insta_nb.models import ClusterStatus
from insta_nb.session import ClusterRow
from insta_nb.widgets._bridge import Timers
from insta_nb.widgets._row_cells import PRIMARY, SECONDARY, cells_html, text_cells
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.delete_confirm import (
    DEFAULT_CONFIRM_TIMEOUT,
    DeleteConfirm,
    DeleteWording,
    SharedModels,
    needs_typed_name,
)
from insta_nb.widgets.row_details import RowDetails
from insta_nb.widgets.snapshot import TONES, esc

__all__ = [
    "PRIMARY",
    "SECONDARY",
    "ClusterRowView",
    "RowHost",
    "cells_html",
    "text_cells",
]

#: The row's cells name the cluster next to its buttons, so their tooltips need not:
#: moving the row to another cluster (paging) then sends its cells only.
PICK_TIP = "Select this cluster (for Delete selected)"
DETAILS_TIP = "Details of this cluster: data centres, nodes, addresses, firewall rules"
_ROW_WORDING = DeleteWording(named_tooltip=False)


class RowHost(Protocol):
    """What a row asks of its table."""

    def delete(self, cluster_id: str) -> None: ...
    def details_changed(self, cluster_id: str, opened: bool) -> None: ...
    def select(self, cluster_id: str, selected: bool) -> None: ...
    def is_selected(self, cluster_id: str) -> bool: ...
    def local_error(self, cluster_id: str) -> str | None: ...
    def details_for(self, view: ClusterRowView) -> RowDetails: ...


class ClusterRowView(w.HBox):
    """The widgets of one table line; :meth:`bind` points them at a cluster.

    Args:
        row: What to draw first.
        timers: For the delete confirmation's timeout.
        host: The table (deletes, selection, details, local errors).
        confirm_timeout: Seconds an unanswered delete question stays open.
        read_only: The session's key cannot delete: the button says so.
        shared: The table's shared layout and style models.
    """

    def __init__(
        self,
        row: ClusterRow,
        timers: Timers,
        host: RowHost,
        *,
        confirm_timeout: float = DEFAULT_CONFIRM_TIMEOUT,
        read_only: bool = False,
        shared: SharedModels | None = None,
    ) -> None:
        shared = shared or SharedModels()
        self.cluster_id = row.id
        self.row = row
        self.version = -1
        self._host = host
        self._quiet = False
        self._error_html: w.HTML | None = None
        self._details: RowDetails | None = None
        self.pick = w.Checkbox(
            value=host.is_selected(row.id),
            indent=False,
            description="",
            tooltip=PICK_TIP,
            layout=shared.pick,
            style=shared.checkbox_style,
            _dom_classes=("inb-pick",),
        )
        self.cells = w.HTML(
            cells_html(row),
            layout=shared.plain,
            style=shared.html_style,
            _dom_classes=("inb-cellbox",),
        )
        self.details_toggle = w.ToggleButton(
            value=False,
            description="Details",
            icon="chevron-down",
            tooltip=DETAILS_TIP,
            layout=shared.toggle,
            style=shared.toggle_style,
            _dom_classes=("inb-action",),
        )
        self.delete = DeleteConfirm(
            row.name,
            lambda: host.delete(self.cluster_id),
            timers,
            timeout=confirm_timeout,
            needs_typed_name=needs_typed_name(row.sla_tier),
            place_panel=self._place_second,
            disabled_reason="The API key is read-only: deleting is not possible"
            if read_only
            else None,
            shared=shared,
            wording=_ROW_WORDING,
            dom_classes=("inb-action",),
        )
        self.pick.observe(self._on_pick, names="value")
        self.details_toggle.observe(self._toggle_details, names="value")
        super().__init__(
            [self.pick, self.cells, self.details_toggle, self.delete],
            layout=shared.plain,
            _dom_classes=("insta-nb-row", "inb-row"),
        )
        self.bind(row)

    # --- drawing ----------------------------------------------------------------------

    def bind(self, row: ClusterRow) -> bool:
        """Show ``row`` (maybe another cluster); returns whether anything was redrawn."""
        other = row.id != self.cluster_id
        if not other and row.version == self.version:
            # The selection may have changed while this row was out of view (no message
            # when it did not).
            self.set_picked(self._host.is_selected(row.id))
            return False
        if other:
            # The widgets move to another cluster: close what belonged to the old one.
            self.details_toggle.value = False
            self.delete.reset()
            self.cluster_id = row.id
        self.row, self.version = row, row.version
        name = row.name or row.id
        self.cells.value = cells_html(row)
        self.set_picked(self._host.is_selected(row.id))
        self.delete.set_name(name, needs_typed_name(row.sla_tier))
        if row.status is ClusterStatus.DELETING or row.pending == "deleting":
            self.delete.mark_deleting()
        self._draw_error()
        if self._details is not None:
            self._details.show(row)
        return True

    def set_picked(self, picked: bool) -> None:
        """Tick or clear the checkbox without telling the table (it knows already)."""
        self._quiet = True
        try:
            self.pick.value = picked
        finally:
            self._quiet = False

    def show(self, row: ClusterRow, now: float = 0.0) -> bool:
        """Draw a new version of the same cluster (kept for callers of the old API)."""
        return self.bind(row)

    def show_error(self, message: str) -> None:
        """Say on the row's error line that something done on it failed.

        The row's delete is left as it is (one may still be on its way):
        :meth:`delete_failed` is for a delete's own failure.
        """
        self._draw_error(message)

    def delete_failed(self, message: str) -> None:
        """This row's delete failed: offer it again and say why."""
        self.delete.failed()
        self._draw_error(message)

    @property
    def error_html(self) -> w.HTML:
        """The row's error line (built when first needed)."""
        if self._error_html is None:
            self._error_html = w.HTML(layout=w.Layout(display="none"))
            self._error_html.add_class("inb-second")
            _append(self, self._error_html)
        return self._error_html

    @property
    def details(self) -> RowDetails | None:
        """The open details area, if any."""
        return self._details

    def _draw_error(self, message: str | None = None) -> None:
        message = message or self._host.local_error(self.cluster_id) or self.row.error
        if not message:
            if self._error_html is not None and self._error_html.value:
                self._error_html.layout.display = "none"
                self._error_html.value = ""
            return
        self.error_html.value = (
            f'<span role="alert" style="color:{TONES["text"]};">'
            f'<span style="color:{TONES["error"]};">✖</span> {esc(message)}</span>'
        )
        self.error_html.layout.display = None

    def clear_error(self) -> None:
        """Hide the error line (a new action starts)."""
        self._draw_error()

    def _place_second(self, panel: w.Widget, shown: bool) -> None:
        # The delete question gets a line of its own under the row, not a squeezed cell.
        panel.add_class("inb-second")
        _place(self, panel, shown)

    def _on_pick(self, change: dict[str, object]) -> None:
        if not self._quiet:
            self._host.select(self.cluster_id, bool(change["new"]))

    def _toggle_details(self, change: dict[str, object]) -> None:
        opened = bool(change["new"])
        self.details_toggle.icon = "chevron-up" if opened else "chevron-down"
        if opened and self._details is None:
            self._details = self._host.details_for(self)
            _append(self, self._details)
        elif not opened and self._details is not None:
            details, self._details = self._details, None
            _place(self, details, False)
            details.close()
        self._host.details_changed(self.cluster_id, opened)

    def text_cells(self) -> list[str]:
        """The row as text cells (for ``text/plain`` and the HTML snapshot)."""
        return text_cells(self.row)

    def close(self) -> None:
        """Stop its details watch and close every widget of the row."""
        if self.details_toggle.value:
            self.details_toggle.value = False
        self.delete.close()
        for child in (self.pick, self.cells, self.details_toggle):
            child.close()  # their layouts and styles belong to the table
        for extra in self.children[4:]:
            close_tree(extra)
        super().close()


def _append(box: Any, widget: w.Widget) -> None:
    box.children = (*box.children, widget)


def _place(box: Any, panel: w.Widget, shown: bool) -> None:
    # Right after the first line's four widgets, before the error line and the details.
    rest = [c for c in box.children if c is not panel]
    wanted = (*rest[:4], panel, *rest[4:]) if shown else tuple(rest)
    if wanted != tuple(box.children):
        box.children = wanted

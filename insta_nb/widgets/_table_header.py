"""The cluster table's header: column titles that sort when clicked, lined up with the rows.

Each title is a button (reachable with Tab, clicked with Enter or Space), laid out in the
same CSS grid as a row's cells (:mod:`~insta_nb.widgets._table_style`). Clicking a
title sorts by that column, ascending; clicking the sorted column again reverses the
order. The sorted column reads "Region ▲" (or ▼) and its tooltip says the order in
words; the Sort control above the table shows the same choice (both edit one query).
ipywidgets has no ``aria-label`` trait: a button's accessible name is its text, and its
tooltip is its ``title``.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from insta_nb.widgets._row_cells import PRIMARY, SECONDARY
from insta_nb.widgets.delete_confirm import SharedModels

__all__ = ["TableHeader", "title_text", "title_tip"]


def title_text(column: str, sort: str, descending: bool) -> str:
    """``"Region"``, or ``"Region ▲"`` / ``"Region ▼"`` for the sorted column."""
    if column != sort:
        return column
    return f"{column} {'▼' if descending else '▲'}"


def title_tip(column: str, sort: str, descending: bool) -> str:
    """What clicking the title does, and the order now when it is the sorted column."""
    if column != sort:
        return f"Sort by {column}"
    if descending:
        return f"Sorted by {column}, descending: click for ascending"
    return f"Sorted by {column}, ascending: click for descending"


class TableHeader(w.HBox):
    """The header line: "select all", one button per column, spacers for the row buttons.

    Args:
        select_all: The table's "select every cluster on this page" checkbox.
        shared: The table's shared models (the spacers use a row's very layouts).
        on_sort: Called with a column title when its button is clicked.
    """

    def __init__(
        self,
        select_all: w.Checkbox,
        shared: SharedModels,
        on_sort: Callable[[str], None],
    ) -> None:
        self._layout = w.Layout()
        self._style = w.ButtonStyle()
        self.titles: dict[str, w.Button] = {}
        for column in (*PRIMARY, *SECONDARY):
            button = w.Button(
                description=column,
                tooltip=f"Sort by {column}",
                layout=self._layout,
                style=self._style,
                _dom_classes=("inb-title",),
            )
            button.on_click(lambda _, c=column: on_sort(c))
            self.titles[column] = button
        self.titles["Cluster"].add_class("inb-name")
        more = w.HBox(
            [self.titles[c] for c in SECONDARY], layout=self._layout, _dom_classes=("inb-more",)
        )
        grid = w.HBox(
            [*(self.titles[c] for c in PRIMARY), more],
            layout=self._layout,
            _dom_classes=("inb-cells", "inb-head"),
        )
        self.cells = w.HBox([grid], layout=self._layout, _dom_classes=("inb-cellbox",))
        # Invisible twins of a row's buttons: the header's cells get exactly the width a
        # row's cells get, so the columns line up at every output width.
        ghosts = [
            w.ToggleButton(
                description="Details",
                tooltip="(spacer)",
                layout=shared.toggle,
                style=shared.toggle_style,
                _dom_classes=("inb-action", "inb-ghost"),
            ),
            w.HBox(
                [w.Button(description="Delete", tooltip="(spacer)", layout=shared.button)],
                layout=shared.plain,
                _dom_classes=("inb-action", "inb-ghost"),
            ),
        ]
        super().__init__(
            [select_all, self.cells, *ghosts], _dom_classes=("inb-row", "inb-head-row")
        )
        self.show("Cluster", False)

    @property
    def text(self) -> str:
        """The titles as they read, e.g. ``"Cluster Status Nodes Provider Region ▼ …"``."""
        return " ".join(b.description for b in self.titles.values())

    def show(self, sort: str, descending: bool) -> None:
        """Mark ``sort`` as the sorted column (titles that did not change send nothing)."""
        for column, button in self.titles.items():
            button.description = title_text(column, sort, descending)
            button.tooltip = title_tip(column, sort, descending)
            sorted_here = "inb-sorted" in button._dom_classes
            if column == sort and not sorted_here:
                button.add_class("inb-sorted")  # in the text colour, not the muted one
            elif column != sort and sorted_here:
                button.remove_class("inb-sorted")

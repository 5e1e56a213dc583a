"""The cluster table's find-and-page controls: count, name filter, status, sort, pager.

:class:`TableControls` owns the widgets and the :class:`~insta_nb.widgets.table_query.TableQuery`
they describe, and calls ``on_change`` whenever the user changes it. The count widget
carries the CSS class ``insta-nb-table-count`` (browser benchmarks wait for it) and its
text starts with the number of clusters ("500 clusters").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import ipywidgets as w

from insta_nb.widgets.table_query import (
    PAGE_SIZES,
    SORT_KEYS,
    STATUS_FILTERS,
    PageSlice,
    TableQuery,
)

__all__ = ["COUNT_CLASS", "TableControls", "count_text"]

#: CSS class of the count ("500 clusters"); a stable hook for tests and benchmarks.
COUNT_CLASS = "insta-nb-table-count"


def count_text(total: int) -> str:
    """``"1 cluster"``, ``"500 clusters"``."""
    return f"{total} cluster" + ("" if total == 1 else "s")


class TableControls:
    """The widgets above the rows, and the query they stand for.

    Args:
        on_change: Called with the new query after every user change.
        page_size: Rows per page at first.
    """

    def __init__(self, on_change: Callable[[TableQuery], None], *, page_size: int = 50) -> None:
        self._on_change = on_change
        self._quiet = False  # the controls are being set to match a header click
        sizes = sorted({*PAGE_SIZES, page_size})
        self.query = TableQuery(page_size=page_size)
        self.count = w.HTML(value="", layout=w.Layout(display="none"))
        self.count.add_class(COUNT_CLASS)
        self.filter_text = w.Text(
            value="",
            description="Name",
            placeholder="filter by name or id",
            tooltip="Show only clusters whose name (or id) contains this text",
            continuous_update=True,
            style={"description_width": "auto"},
            layout=w.Layout(width="230px"),
        )
        self.status_choice = w.Dropdown(
            options=list(STATUS_FILTERS),
            value="All statuses",
            description="Status",
            tooltip="Show only clusters in this state",
            style={"description_width": "auto"},
            layout=w.Layout(width="210px"),
        )
        self.sort_choice = w.Dropdown(
            options=list(SORT_KEYS),
            value="Cluster",
            description="Sort by",
            tooltip="The column the rows are ordered by (then by name)",
            style={"description_width": "auto"},
            layout=w.Layout(width="190px"),
        )
        self.order_toggle = w.ToggleButton(
            value=False,
            description="Ascending",
            icon="arrow-up",
            tooltip="Sort order: click for descending",
            layout=w.Layout(width="auto"),
        )
        self.page_size = w.Dropdown(
            options=[(f"{n} per page", n) for n in sizes],
            value=page_size,
            tooltip="Rows per page",
            layout=w.Layout(width="130px"),
        )
        self.prev_button = w.Button(
            description="Previous",
            icon="chevron-left",
            tooltip="Previous page",
            disabled=True,
            layout=w.Layout(width="auto"),
        )
        self.next_button = w.Button(
            description="Next",
            icon="chevron-right",
            tooltip="Next page",
            disabled=True,
            layout=w.Layout(width="auto"),
        )
        self.pager_label = w.Label(value="", layout=w.Layout(margin="0 6px"))
        self.pager_label.add_class("insta-nb-pager")
        self.filter_text.observe(lambda c: self._set(text=c["new"], page=0), names="value")
        self.status_choice.observe(lambda c: self._set(status=c["new"], page=0), names="value")
        self.sort_choice.observe(self._on_sort, names="value")
        self.order_toggle.observe(self._on_order, names="value")
        self.page_size.observe(self._on_page_size, names="value")
        self.prev_button.on_click(lambda _: self._set(page=self.query.page - 1))
        self.next_button.on_click(lambda _: self._set(page=self.query.page + 1))
        self.find_bar = w.HBox(
            [self.count, self.filter_text, self.status_choice, self.sort_choice, self.order_toggle],
            layout=w.Layout(align_items="center", flex_flow="row wrap"),
        )
        self.pager = w.HBox(
            [self.prev_button, self.pager_label, self.next_button, self.page_size],
            layout=w.Layout(align_items="center", flex_flow="row wrap"),
        )

    def _set(self, **changes: Any) -> None:
        self.query = replace(self.query, **changes)
        self._on_change(self.query)

    def sort_by(self, column: str) -> None:
        """Sort by ``column`` (a header click): ascending, or reversed if already sorted by it.

        The Sort control and the order toggle are set to match; the rows are drawn once.
        """
        same = column == self.query.sort
        descending = not self.query.descending if same else False
        self._quiet = True
        try:
            self.sort_choice.value = column
            self.order_toggle.value = descending
        finally:
            self._quiet = False
        self._set(sort=column, descending=descending, page=0 if not same else self.query.page)

    def _on_sort(self, change: dict[str, Any]) -> None:
        if not self._quiet:
            self._set(sort=change["new"], page=0)

    def _on_order(self, change: dict[str, Any]) -> None:
        descending = bool(change["new"])
        self.order_toggle.description = "Descending" if descending else "Ascending"
        self.order_toggle.icon = "arrow-down" if descending else "arrow-up"
        self.order_toggle.tooltip = (
            "Sort order: click for ascending" if descending else "Sort order: click for descending"
        )
        if not self._quiet:
            self._set(descending=descending)

    def _on_page_size(self, change: dict[str, Any]) -> None:
        # Keep the first row of the current page in view.
        first = self.query.page * self.query.page_size
        size = int(change["new"])
        self._set(page_size=size, page=first // size)

    def show(self, total: int, page: PageSlice) -> None:
        """Draw the count of all clusters and where ``page`` lies (unchanged: no message)."""
        if page.page != self.query.page:
            self.query = replace(self.query, page=page.page)
        self.count.value = count_text(total)
        self.count.layout.display = None
        self.pager_label.value = page.label
        self.prev_button.disabled = page.page == 0
        self.next_button.disabled = page.page >= page.pages - 1

    def close_all(self) -> list[w.Widget]:
        """The top-level boxes (the table closes their trees)."""
        return [self.find_bar, self.pager]

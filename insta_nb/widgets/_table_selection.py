"""Selecting clusters in the table and deleting the selection (mixed into ClusterTable).

The selection is a set of cluster ids, so it survives paging, sorting and filtering;
clusters that leave the inventory leave it too. "Delete selected (N)" opens one
:class:`~insta_nb.widgets.bulk_delete.BulkDeleteConfirm` naming every selected cluster,
and each confirmed delete then goes through the table's normal delete, like a single one.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from insta_nb.session import ClusterRow
from insta_nb.widgets.bulk_delete import BulkDeleteConfirm

if TYPE_CHECKING:
    from insta_nb.session import Session
    from insta_nb.widgets._bridge import Bridge
    from insta_nb.widgets.cluster_row import ClusterRowView

__all__ = ["TableSelection"]


class TableSelection:
    """Checkboxes, "select all on this page" and "Delete selected (N)"."""

    session: Session
    bridge: Bridge
    confirm_timeout: float
    _rows: dict[str, ClusterRow]
    _pool: list[ClusterRowView]
    _shown: int

    def delete(self, cluster_id: str) -> None:
        raise NotImplementedError

    def _build_selection_controls(self) -> None:
        self._selected: set[str] = set()
        self._quiet_select = False
        self.select_all = w.Checkbox(
            value=False,
            indent=False,
            description="",
            tooltip="Select every cluster on this page",
            layout=w.Layout(width="28px"),
            _dom_classes=("inb-pick",),
        )
        self.select_all.observe(self._on_select_all, names="value")
        self.delete_selected = w.Button(
            description="Delete selected (0)",
            icon="trash",
            tooltip="Delete the selected clusters (asks once, listing every name)",
            disabled=True,
            layout=w.Layout(width="auto"),
        )
        self.delete_selected.on_click(self._on_delete_selected)
        self.bulk = BulkDeleteConfirm(
            self._delete_many, self.bridge.timers, timeout=self.confirm_timeout
        )

    @property
    def selected(self) -> list[str]:
        """Ids of the selected clusters (on any page)."""
        return sorted(self._selected)

    def is_selected(self, cluster_id: str) -> bool:
        """Whether ``cluster_id`` is selected (a row asks when it is drawn)."""
        return cluster_id in self._selected

    def select(self, cluster_id: str, selected: bool) -> None:
        """Select or unselect one cluster (a row's checkbox calls this)."""
        if selected:
            self._selected.add(cluster_id)
        else:
            self._selected.discard(cluster_id)
        self._draw_selection()

    def _forget_selected(self, known: Collection[str]) -> None:
        self._selected &= set(known)

    def _on_select_all(self, change: dict[str, Any]) -> None:
        if self._quiet_select:
            return
        picked = bool(change["new"])
        for view in self._pool[: self._shown]:
            if picked:
                self._selected.add(view.cluster_id)
            else:
                self._selected.discard(view.cluster_id)
            view.set_picked(picked)
        self._draw_selection()

    def _draw_selection(self) -> None:
        shown = [v.cluster_id for v in self._pool[: self._shown]]
        self._quiet_select = True
        try:
            self.select_all.value = bool(shown) and all(i in self._selected for i in shown)
        finally:
            self._quiet_select = False
        count = len(self._selected)
        self.delete_selected.description = f"Delete selected ({count})"
        read_only = self.session.read_only
        self.delete_selected.disabled = not count or read_only
        if read_only:
            self.delete_selected.tooltip = "The API key is read-only: deleting is not possible"

    def _on_delete_selected(self, _: object = None) -> None:
        rows = [self._rows[i] for i in self.selected if i in self._rows]
        if rows and not self.session.read_only:
            self.bulk.ask(sorted(rows, key=lambda r: ((r.name or r.id).casefold(), r.id)))

    def _delete_many(self, cluster_ids: list[str]) -> None:
        for cluster_id in cluster_ids:
            self.delete(cluster_id)
            self._selected.discard(cluster_id)
        for view in self._pool[: self._shown]:
            view.set_picked(view.cluster_id in self._selected)
        self._draw_selection()

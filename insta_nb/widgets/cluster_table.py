"""The live cluster table: every cluster counted, one page of them drawn, updated in place.

While the table is alive it keeps the service watching (``service.watch()``); closing it
stops the watch, the details watches and the table's queued requests. The table keeps
every row the session knows but builds row widgets only for the page in view (filter by
name and status, sort by any column, 25–200 rows a page) and reuses them when the page
changes. Rows are redrawn only when their :attr:`~insta_nb.service.ClusterRow.version`
changed, so a refresh that changed nothing sends no message, and a change to a cluster
on another page sends nothing but a changed count. Rows can be selected (across pages)
and deleted together with one confirmation. Actions and panels of other features plug
into every row's details (:meth:`ClusterTable.add_row_action`, :meth:`add_row_panel`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import ipywidgets as w

from insta_nb.frame import clusters_frame
from insta_nb.session import ClusterRow, EngineSnapshot, ServiceEvent, Watch
from insta_nb.widgets._bridge import Bridge
from insta_nb.widgets._table_selection import TableSelection
from insta_nb.widgets._table_style import style_widget
from insta_nb.widgets._table_watch import REFRESH_CHOICES, TableWatching
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.banner import Banner
from insta_nb.widgets.cluster_row import ClusterRowView, header_html, text_cells
from insta_nb.widgets.delete_confirm import DEFAULT_CONFIRM_TIMEOUT, SharedModels
from insta_nb.widgets.row_details import RowDetails
from insta_nb.widgets.row_extensions import RowAction, RowContext, RowPanel
from insta_nb.widgets.snapshot import SnapshotDisplay, box_html, esc, table_html, text_table, toned
from insta_nb.widgets.table_controls import TableControls
from insta_nb.widgets.table_query import TableQuery, page_of, select

if TYPE_CHECKING:
    import pandas as pd

    from insta_nb.session import Session

__all__ = ["REFRESH_CHOICES", "TEXT_COLUMNS", "ClusterTable"]

#: Columns of the text and HTML snapshots.
TEXT_COLUMNS = (
    "Cluster", "Status", "Nodes", "Provider", "Region", "Node size", "SLA tier", "First seen",
)  # fmt: skip
_ids = itertools.count(1)


class ClusterTable(TableSelection, TableWatching, SnapshotDisplay, w.VBox):
    """Every cluster of the session's account, live, one page at a time.

    Args:
        session: Whose clusters.
        bridge: Share one with sibling views (the dashboard does); default: a new one.
        confirm_timeout: Seconds an unanswered delete confirmation stays open.
        watch: Start watching at once (the default); tests may drive refreshes by hand.
        page_size: Rows per page at first (the user can change it).
    """

    def __init__(
        self,
        session: Session,
        *,
        bridge: Bridge | None = None,
        confirm_timeout: float = DEFAULT_CONFIRM_TIMEOUT,
        watch: bool = True,
        page_size: int = 50,
    ) -> None:
        self.session = session
        self.bridge = bridge or Bridge(session)
        self._own_bridge = bridge is None
        self.owner = f"widget:cluster-table:{next(_ids)}"
        self.confirm_timeout = confirm_timeout
        self._rows: dict[str, ClusterRow] = {}
        self._pool: list[ClusterRowView] = []
        self._shared = SharedModels()
        self._shown = 0
        self._errors: dict[str, str] = {}
        self._actions: list[RowAction] = []
        self._panels: list[RowPanel] = []
        self._listed = False
        self._closed = False
        self._detail_watches: dict[str, Watch] = {}
        self._snapshot: EngineSnapshot | None = None
        self._poll_error: str | None = None
        self._refreshed = False
        title = "Clusters" + (" — embedded simulator" if session.is_simulated else "")
        self.title = w.HTML(f"<b>{esc(title)}</b>")
        self._build_watch_controls()
        self.controls = TableControls(self._on_query, page_size=page_size)
        self.banner = Banner(self.bridge.timers)
        self._build_selection_controls()
        self.header = w.HTML(header_html())
        self.header.add_class("inb-cellbox")
        # Invisible twins of a row's buttons: the header's cells get exactly the width a
        # row's cells get, so the columns line up at every output width.
        ghosts = [
            w.ToggleButton(
                description="Details",
                tooltip="(spacer)",
                layout=self._shared.toggle,
                style=self._shared.toggle_style,
                _dom_classes=("inb-action", "inb-ghost"),
            ),
            w.HBox(
                [w.Button(description="Delete", tooltip="(spacer)", layout=self._shared.button)],
                layout=self._shared.plain,
                _dom_classes=("inb-action", "inb-ghost"),
            ),
        ]
        self.head_row = w.HBox(
            [self.select_all, self.header, *ghosts], _dom_classes=("inb-row", "inb-head-row")
        )
        self.empty_html = w.HTML(toned("Loading the cluster list…", "muted"))
        self.rows_box = w.VBox([])
        super().__init__(
            [
                style_widget(),
                self.title,
                self.watch_bar,
                self.controls.find_bar,
                w.HBox(
                    [self.controls.pager, self.delete_selected],
                    layout=w.Layout(align_items="center", flex_flow="row wrap"),
                ),
                self.banner,
                self.bulk,
                self.head_row,
                self.rows_box,
                self.empty_html,
            ]
        )
        self.add_class("insta-nb-cluster-table")

        self._push_rows = self.bridge.latest(self.show_rows)
        self._push_engine = self.bridge.latest(self._show_engine)
        self._push_poll = self.bridge.latest(self._show_poll)
        self._unsubscribe: Callable[[], None] = self.bridge.subscribe(self._on_service_event)
        rows = session.rows()
        if session.listed or rows:
            self.show_rows(rows)
        if watch:
            self.start_watching()

    # --- engine thread -----------------------------------------------------------------

    def _on_service_event(self, event: ServiceEvent) -> None:
        # Runs on the engine loop: read the session's state there, hand copies to our thread.
        session = self.session
        if event.rows:
            self._push_rows(session.rows())
        if event.engine:
            self._push_engine(session.engine_snapshot())
        if event.refreshed:
            if not self._listed and session.listed:
                self._push_rows(session.rows())  # an empty first list changes no row
            self._push_poll(session.last_refresh())

    # --- plug-in points -------------------------------------------------------------------

    def add_row_action(self, action: RowAction) -> None:
        """Offer ``action`` in every row's details (rows whose details are open get it next
        time they open)."""
        self._actions.append(action)

    def add_row_panel(self, panel: RowPanel) -> None:
        """Show ``panel`` in every row's details, built when the details open."""
        self._panels.append(panel)

    def details_for(self, view: ClusterRowView) -> RowDetails:
        """The details area of ``view``'s cluster (the row asks when its details open)."""
        return RowDetails(lambda: self._context(view), self._actions, self._panels)

    def _context(self, view: ClusterRowView) -> RowContext:
        cluster_id = view.cluster_id
        return RowContext(
            row=self._rows.get(cluster_id, view.row),
            session=self.session,
            bridge=self.bridge,
            owner=self.owner,
            report_error=lambda message: self.report_error(cluster_id, message),
        )

    # --- rows ----------------------------------------------------------------------------

    def show_rows(self, rows: Iterable[ClusterRow]) -> None:
        """Bring the table to ``rows`` (the whole inventory), touching changed rows only."""
        if self._closed:
            return
        self._rows = {r.id: r for r in rows}
        self._forget_selected(self._rows)
        for gone in [i for i in self._errors if i not in self._rows]:
            del self._errors[gone]
        self._listed = True
        self._mark_listed()
        self._draw()

    def _on_query(self, _: TableQuery) -> None:
        self._draw()

    def _draw(self) -> None:
        query = self.controls.query
        matching = select(list(self._rows.values()), query)
        page = page_of(len(matching), query)
        on_page = matching[page.start : page.stop]
        for i, row in enumerate(on_page):
            if i < len(self._pool):
                self._pool[i].bind(row)
            else:
                self._pool.append(
                    ClusterRowView(
                        row,
                        self.bridge.timers,
                        self,
                        confirm_timeout=self.confirm_timeout,
                        read_only=self.session.read_only,
                        shared=self._shared,
                    )
                )
        for idle in self._pool[len(on_page) : self._shown]:
            idle.details_toggle.value = False  # stops its details watch
            idle.delete.reset()
        self._shown = len(on_page)
        children = tuple(self._pool[: self._shown])
        if children != tuple(self.rows_box.children):
            self.rows_box.children = children
        self.controls.show(len(self._rows), page)
        self.header.value = header_html(query.sort, query.descending)
        self._draw_selection()
        self._draw_empty()

    def _draw_empty(self) -> None:
        if self._shown:
            self.empty_html.layout.display = "none"
            return
        if not self._listed:
            text = "Loading the cluster list…"
        elif self._rows:
            text = "No cluster matches the filter."
        else:
            text = "No clusters in this account yet."
        self.empty_html.value = toned(text, "muted")
        self.empty_html.layout.display = None

    @property
    def row_views(self) -> dict[str, ClusterRowView]:
        """Row widgets of the page in view, by cluster id (a new mapping)."""
        return {v.cluster_id: v for v in self._pool[: self._shown]}

    def _view_of(self, cluster_id: str) -> ClusterRowView | None:
        return self.row_views.get(cluster_id)

    @property
    def dataframe(self) -> pd.DataFrame:
        """Every row (all pages), as a new DataFrame (changing it changes nothing here)."""
        return clusters_frame(self._rows.values())

    # --- actions ----------------------------------------------------------------------------

    def delete(self, cluster_id: str) -> None:
        """Send the delete of ``cluster_id`` (after its confirmation); errors show on its row."""
        self._errors.pop(cluster_id, None)
        view = self._view_of(cluster_id)
        if view is not None:
            view.clear_error()
        session, owner = self.session, self.owner
        row = self._rows.get(cluster_id)
        name = row.name if row is not None else cluster_id

        async def delete() -> None:
            with session.owned_by(owner):
                await session.delete_cluster(cluster_id)

        self.bridge.run(delete, sink=_RowSink(self, cluster_id), what=f"delete cluster {name}")

    def report_error(self, cluster_id: str, message: str) -> None:
        """Show ``message`` on ``cluster_id``'s row (now, or when it comes into view)."""
        self._errors[cluster_id] = message
        view = self._view_of(cluster_id)
        if view is not None:
            view.show_error(message)

    def local_error(self, cluster_id: str) -> str | None:
        """The last error of an action of this table on ``cluster_id``."""
        return self._errors.get(cluster_id)

    # --- snapshots ------------------------------------------------------------------------

    def _cells(self) -> list[list[str]]:
        return [text_cells(r) for r in select(list(self._rows.values()), self.controls.query)]

    def snapshot_text(self) -> str:
        """The table as plain text (every cluster the filter keeps, all pages)."""
        lines = [f"{self.title_text()} — {self.updated_label.value}"]
        if self.banner.text:
            lines.append(self.banner.text)
        cells = self._cells()
        lines.append(text_table(TEXT_COLUMNS, cells) if cells else self._empty_text())
        return "\n".join(lines)

    def snapshot_html(self) -> str:
        """The table as static HTML (escaped, themed)."""
        cells = [[esc(c) for c in row] for row in self._cells()]
        body = table_html(TEXT_COLUMNS, cells) if cells else toned(self._empty_text(), "muted")
        if self.banner.text:
            body = f"<div>{esc(self.banner.text)}</div>" + body
        return box_html(self.title_text(), body, note=self.updated_label.value)

    def title_text(self) -> str:
        """The title, saying when the session is the embedded simulator."""
        return "Clusters" + (" (embedded simulator)" if self.session.is_simulated else "")

    def _empty_text(self) -> str:
        return "No clusters in this account yet." if self._listed else "Not listed yet."

    def __repr__(self) -> str:
        return f"<ClusterTable {len(self._rows)} clusters, owner={self.owner}>"

    # --- lifetime -------------------------------------------------------------------------

    def close(self) -> None:
        """Stop watching, cancel this table's queued requests, close every widget."""
        if self._closed:
            return
        self._closed = True
        self._unsubscribe()
        self._stop_all_watches()
        self.session.cancel_queued(self.owner)
        for view in self._pool:
            view.close()
        self._pool.clear()
        for model in self._shared.models():
            model.close()
        self.banner.close()
        self.bulk.close()
        for child in self.children:
            close_tree(child)
        if self._own_bridge:
            self.bridge.close()
        super().close()


class _RowSink:
    """Where a failed action on one cluster reports: that cluster's row."""

    def __init__(self, table: ClusterTable, cluster_id: str) -> None:
        self._table, self._id = table, cluster_id

    def show_error(self, message: str) -> None:
        self._table.report_error(self._id, message)

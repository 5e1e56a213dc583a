"""The live cluster table: every cluster counted, one page of them drawn, updated in place.

While the table is alive it keeps the service watching (``service.watch()``); closing it
stops the watch, the details watches and the table's queued requests. The table keeps
every row the session knows but builds row widgets only for the page in view (filter by
name and status, sort by any column with the Sort control or by clicking its title,
25–200 rows a page) and reuses them when the page changes; it tells the watch which
clusters are in view, so those are read first. Rows are redrawn only when their
:attr:`~insta_nb.service.ClusterRow.version` changed, so a refresh that changed nothing
sends no message, and a change to a cluster on another page sends nothing but a changed
count. Rows can be selected (across pages) and deleted together with one confirmation.
Actions and panels of other features plug into every row's details
(:meth:`ClusterTable.add_row_action`, :meth:`add_row_panel`).

The table is put together from mixins, one concern each: row plug-ins, deletes and
errors (``_table_row_actions``), selection (``_table_selection``), refreshing
(``_table_watch``) and the static snapshot (``_table_snapshot``); the header is
``_table_header``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import ipywidgets as w

from insta_nb.frame import clusters_frame
from insta_nb.session import ClusterRow, EngineSnapshot, ServiceEvent, Watch
from insta_nb.widgets._bridge import Bridge
from insta_nb.widgets._table_header import TableHeader
from insta_nb.widgets._table_row_actions import TableRowActions
from insta_nb.widgets._table_selection import TableSelection
from insta_nb.widgets._table_snapshot import TEXT_COLUMNS, TableSnapshot
from insta_nb.widgets._table_style import style_widget
from insta_nb.widgets._table_watch import REFRESH_CHOICES, TableWatching
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.banner import Banner
from insta_nb.widgets.cluster_row import ClusterRowView
from insta_nb.widgets.delete_confirm import DEFAULT_CONFIRM_TIMEOUT, SharedModels
from insta_nb.widgets.snapshot import SnapshotDisplay, esc, toned
from insta_nb.widgets.table_controls import TableControls
from insta_nb.widgets.table_query import TableQuery, page_of, select

if TYPE_CHECKING:
    import pandas as pd

    from insta_nb.session import Session

__all__ = ["REFRESH_CHOICES", "TEXT_COLUMNS", "ClusterTable"]

_ids = itertools.count(1)
#: Rows of a first draw sent before the rest of the page is built (about one screenful).
EARLY_ROWS = 12


class ClusterTable(
    TableRowActions, TableSelection, TableWatching, TableSnapshot, SnapshotDisplay, w.VBox
):
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
        self._init_row_actions()
        self._listed = False
        self._closed = False
        self._detail_watches: dict[str, Watch] = {}
        self._snapshot: EngineSnapshot | None = None
        self._poll_error: str | None = None
        self._refreshed = False
        if watch:
            # The list goes out now and arrives while the widgets below are being built
            # (the rows are read, or subscribed to, after them).
            self.start_watching()
        title = "Clusters" + (" — embedded simulator" if session.is_simulated else "")
        self.title = w.HTML(f"<b>{esc(title)}</b>")
        self._build_watch_controls()
        self.controls = TableControls(self._on_query, page_size=page_size)
        self.banner = Banner(self.bridge.timers)
        self._build_selection_controls()
        self.head_row = TableHeader(self.select_all, self._shared, self.controls.sort_by)
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
        self._engine_due = False  # a snapshot of the engine is on its way (engine thread)
        self._push_poll = self.bridge.latest(self._show_poll)
        self._unsubscribe: Callable[[], None] = self.bridge.subscribe(self._on_service_event)
        rows = session.rows()
        if session.listed or rows:
            self.show_rows(rows, draw=self.bridge.headless)

    # --- engine thread -----------------------------------------------------------------

    def _on_service_event(self, event: ServiceEvent) -> None:
        # Runs on the engine loop: read the session's state there, hand copies to our thread.
        session = self.session
        if event.rows:
            self._push_rows(session.rows())
        if event.engine and not self._engine_due:
            # One snapshot a burst, not one an event: queueing the details reads of 500
            # clusters emits 500 events in one turn of the engine loop, and each snapshot
            # lists the whole queue (0.9 s of the engine thread, beside the first draw).
            self._engine_due = True
            self.bridge.run(self._engine_now, on_result=self._show_engine, what="read the queue")
        if event.refreshed:
            if not self._listed and session.listed:
                self._push_rows(session.rows())  # an empty first list changes no row
            self._push_poll(session.last_refresh())

    async def _engine_now(self) -> EngineSnapshot:
        # Engine loop, after the events already due in this turn.
        self._engine_due = False
        return self.session.engine_snapshot()

    # --- rows ----------------------------------------------------------------------------

    def show_rows(self, rows: Iterable[ClusterRow], *, draw: bool = True) -> None:
        """Bring the table to ``rows`` (the whole inventory), touching changed rows only.

        ``draw=False``: take the rows now, draw them at the widgets' loop's next turn (a
        table built in a cell: its output reaches the browser before the page's rows).
        """
        if self._closed:
            return
        self._rows = {r.id: r for r in rows}
        self._forget_selected(self._rows)
        self._forget_errors(self._rows)
        self._listed = True
        self._mark_listed()
        if draw:
            self._draw()
        else:
            self.bridge.deliver(lambda: None if self._closed else self._draw())

    def _on_query(self, _: TableQuery) -> None:
        self._draw()

    def _draw(self) -> None:
        query = self.controls.query
        matching = select(list(self._rows.values()), query)
        page = page_of(len(matching), query)
        on_page = matching[page.start : page.stop]
        # The count and the pager first: they are a few messages, the rows a few hundred,
        # and the browser handles them in the order they are sent.
        self.controls.show(len(self._rows), page)
        for i, row in enumerate(on_page):
            if i < len(self._pool):
                self._pool[i].bind(row)
            else:
                if i == EARLY_ROWS and self._shown < i:
                    # A first draw: the first rows are sent on their own, so the browser
                    # shows them while the rest of the page's models are still coming.
                    self._shown = i
                    self.rows_box.children = tuple(self._pool[:i])
                    self._draw_empty()
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
        self.head_row.show(query.sort, query.descending)
        self._draw_selection()
        self._draw_empty()
        self.focus_on(row.id for row in on_page)  # unread clusters in view are read first

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

"""The live cluster table: one row widget per cluster id, updated in place.

While the table is alive it keeps the service watching (``service.watch()``); closing it
stops the watch, the details watches and the table's queued requests. Rows are redrawn
only when their :attr:`~insta_nb.service.ClusterRow.version` changed, so a refresh
that changed nothing sends no row message at all. Refresh period, pause and "refresh
now" act on this table's own watch; a banner says when the API is rate limiting or
unreachable, with a countdown.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from insta_nb.frame import clusters_frame
from insta_nb.session import ClusterRow, EngineSnapshot, ServiceEvent, Watch
from insta_nb.widgets._bridge import Bridge, TimerHandle
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.banner import Banner
from insta_nb.widgets.cluster_row import ClusterRowView, header_html
from insta_nb.widgets.delete_confirm import DEFAULT_CONFIRM_TIMEOUT
from insta_nb.widgets.snapshot import SnapshotDisplay, box_html, esc, table_html, text_table, toned

if TYPE_CHECKING:
    import pandas as pd

    from insta_nb.session import Session

__all__ = ["REFRESH_CHOICES", "TEXT_COLUMNS", "ClusterTable"]

#: Choices of the refresh-period control (``0``: the service's own policy; a ``None``
#: value would read as "nothing selected" in a Dropdown).
REFRESH_CHOICES: tuple[tuple[str, float], ...] = (
    ("auto (5–30 s)", 0.0),
    ("5 s", 5.0),
    ("10 s", 10.0),
    ("30 s", 30.0),
    ("1 min", 60.0),
    ("5 min", 300.0),
)
#: Columns of the text and HTML snapshots.
TEXT_COLUMNS = ("Cluster", "Status", "Nodes", "Provider", "Region", "Node size", "SLA tier", "Age")
_AGE_TICK = 60.0
_ids = itertools.count(1)


class ClusterTable(SnapshotDisplay, w.VBox):
    """Every cluster of the session's account, live.

    Args:
        session: Whose clusters.
        bridge: Share one with sibling views (the dashboard does); default: a new one.
        confirm_timeout: Seconds an unanswered delete confirmation stays open.
        watch: Start watching at once (the default); tests may drive refreshes by hand.
    """

    def __init__(
        self,
        session: Session,
        *,
        bridge: Bridge | None = None,
        confirm_timeout: float = DEFAULT_CONFIRM_TIMEOUT,
        watch: bool = True,
    ) -> None:
        self.session = session
        self.bridge = bridge or Bridge(session)
        self._own_bridge = bridge is None
        self.owner = f"widget:cluster-table:{next(_ids)}"
        self.confirm_timeout = confirm_timeout
        self._views: dict[str, ClusterRowView] = {}
        self._rows: dict[str, ClusterRow] = {}
        self._listed = False
        self._closed = False
        self._unsubscribe: Callable[[], None] = lambda: None
        #: This table's own watch (its pause and period are this table's only).
        self._watch: Watch | None = None
        #: The same handle, set on the engine thread: close() may come before the result
        #: of start_watching() reaches the kernel thread, and must still stop it.
        self._engine_watch: Watch | None = None
        self._period: float | None = None
        self._paused = False
        self._detail_watches: dict[str, Watch] = {}
        self._age_timer: TimerHandle | None = None
        self._snapshot: EngineSnapshot | None = None
        self._poll_error: str | None = None
        title = "Clusters" + (" — embedded simulator" if session.is_simulated else "")
        self.title = w.HTML(f"<b>{esc(title)}</b>")
        self.interval_choice = w.Dropdown(
            options=[(label, value) for label, value in REFRESH_CHOICES],
            value=0.0,
            description="Refresh every",
            tooltip=(
                "How often the cluster list is refreshed (one request for all clusters); "
                "auto: every 30 s, every 5 s while something changes"
            ),
            style={"description_width": "auto"},
            layout=w.Layout(width="230px"),
        )
        self.pause_toggle = w.ToggleButton(
            value=False,
            description="Pause",
            icon="pause",
            tooltip="Stop refreshing (nothing is sent while paused)",
            layout=w.Layout(width="auto"),
        )
        self.refresh_button = w.Button(
            description="Refresh now",
            icon="refresh",
            tooltip="Refresh at the next free request slot",
            layout=w.Layout(width="auto"),
        )
        self.updated_label = w.Label(value="Not refreshed yet", layout=w.Layout(margin="0 0 0 8px"))
        self.banner = Banner(self.bridge.timers)
        self.header = w.HTML(header_html(), layout=w.Layout(margin="4px 0 0 0", overflow="visible"))
        self.empty_html = w.HTML(toned("Loading the cluster list…", "muted"))
        self.rows_box = w.VBox([], layout=w.Layout(overflow="visible", width="max-content"))
        self.interval_choice.observe(self._on_interval, names="value")
        self.pause_toggle.observe(self._on_pause, names="value")
        self.refresh_button.on_click(self._on_refresh)
        toolbar = w.HBox(
            [self.interval_choice, self.pause_toggle, self.refresh_button, self.updated_label],
            layout=w.Layout(align_items="center", flex_flow="row wrap"),
        )
        # Header and rows scroll sideways together when the output is narrower than the
        # columns, so they always stay lined up.
        self.grid = w.VBox(
            [self.header, self.rows_box],
            layout=w.Layout(overflow="auto hidden"),
        )
        super().__init__([self.title, toolbar, self.banner, self.grid, self.empty_html])
        self.add_class("insta-nb-cluster-table")

        self._push_rows = self.bridge.latest(self.show_rows)
        self._push_engine = self.bridge.latest(self._show_engine)
        self._push_poll = self.bridge.latest(self._show_poll)
        self._unsubscribe = self.bridge.subscribe(self._on_service_event)
        rows = session.rows()
        if session.listed or rows:
            self.show_rows(rows)
        self._schedule_age_tick()
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

    # --- watching ------------------------------------------------------------------------

    def start_watching(self) -> None:
        """Keep the inventory fresh while this table lives (idempotent)."""
        if self._watch is not None or self._closed:
            return
        period, paused = self._period, self._paused

        async def watch() -> Watch | None:
            if self._closed:
                return None
            handle = self.session.watch(period=period)
            handle.set_paused(paused)
            self._engine_watch = handle
            return handle

        def started(handle: Watch | None) -> None:
            if handle is None:
                return
            if self._closed:
                self.bridge.call_on_engine(handle.stop)
            else:
                self._watch = handle

        self.bridge.run(watch, on_result=started, sink=self, what="start watching")

    def stop_watching(self) -> None:
        """Stop the watch started by :meth:`start_watching`."""
        if self._watch is not None:
            self.bridge.call_on_engine(self._watch.stop)
            self._watch = None

    # --- rows ----------------------------------------------------------------------------

    def show_rows(self, rows: Iterable[ClusterRow]) -> None:
        """Bring the table to ``rows`` (the whole inventory), touching changed rows only."""
        if self._closed:
            return
        now = self.session.now()
        ordered = sorted(rows, key=lambda r: (r.name, r.id))
        self._rows = {r.id: r for r in ordered}
        for row in ordered:
            view = self._views.get(row.id)
            if view is None:
                self._views[row.id] = ClusterRowView(
                    row,
                    self.bridge.timers,
                    now,
                    on_delete=self._delete,
                    on_details=self._details,
                    confirm_timeout=self.confirm_timeout,
                    read_only=self.session.read_only,
                )
            else:
                view.show(row, now)
        for gone in [i for i in self._views if i not in self._rows]:
            self._detail_stop(gone)
            self._views.pop(gone).close()
        children = tuple(self._views[r.id] for r in ordered)
        if children != tuple(self.rows_box.children):
            self.rows_box.children = children
        self._listed = True
        self._draw_empty()

    def _draw_empty(self) -> None:
        if self._views:
            self.empty_html.layout.display = "none"
            return
        self.empty_html.value = toned(
            "No clusters in this account yet." if self._listed else "Loading the cluster list…",
            "muted",
        )
        self.empty_html.layout.display = None

    @property
    def row_views(self) -> dict[str, ClusterRowView]:
        """Row widgets by cluster id (a copy of the mapping)."""
        return dict(self._views)

    @property
    def dataframe(self) -> pd.DataFrame:
        """The rows shown, as a new DataFrame (changing it changes nothing here)."""
        return clusters_frame(self._rows.values())

    # --- actions ----------------------------------------------------------------------------

    def _delete(self, cluster_id: str) -> None:
        view = self._views.get(cluster_id)
        if view is None:
            return
        view.clear_error()
        session, owner, name = self.session, self.owner, view.row.name

        async def delete() -> None:
            with session.owned_by(owner):
                await session.delete_cluster(cluster_id)

        self.bridge.run(delete, sink=view, what=f"delete cluster {name}")

    def _details(self, cluster_id: str, opened: bool) -> None:
        if not opened:
            self._detail_stop(cluster_id)
            return
        session, owner = self.session, self.owner
        view = self._views.get(cluster_id)

        async def watch() -> Watch:
            return session.watch({cluster_id})

        def started(handle: Watch) -> None:
            still_open = view is not None and view.details_toggle.value and not self._closed
            if still_open and cluster_id in self._views:
                self._detail_stop(cluster_id)
                self._detail_watches[cluster_id] = handle
            else:
                self.bridge.call_on_engine(handle.stop)

        async def rules() -> object:
            with session.owned_by(owner):
                return await session.list_firewall_rules(cluster_id)

        self.bridge.run(watch, on_result=started, sink=view, what="watch details")
        self.bridge.run(rules, sink=view, what="list firewall rules")

    def _detail_stop(self, cluster_id: str) -> None:
        handle = self._detail_watches.pop(cluster_id, None)
        if handle is not None:
            self.bridge.call_on_engine(handle.stop)

    def _on_interval(self, change: dict[str, Any]) -> None:
        period = self._period = change["new"] or None
        handle = self._watch
        if handle is not None:  # this table's watch only; changed on the engine thread
            self.bridge.call_on_engine(lambda: handle.set_period(period))
            self.bridge.call_on_engine(handle.refresh_now)

    def _on_pause(self, change: dict[str, Any]) -> None:
        paused = self._paused = bool(change["new"])
        handle = self._watch
        if handle is not None:  # this table's watch only; changed on the engine thread
            self.bridge.call_on_engine(lambda: handle.set_paused(paused))
        self.pause_toggle.icon = "play" if paused else "pause"
        self.pause_toggle.description = "Resume" if paused else "Pause"
        self.pause_toggle.tooltip = (
            "Start refreshing again" if paused else "Stop refreshing (nothing is sent while paused)"
        )
        self._draw_updated(self.session.last_refresh()[0])
        if not paused and handle is not None:
            self.bridge.call_on_engine(handle.refresh_now)

    def _on_refresh(self, _: object = None) -> None:
        if self._watch is not None:
            self.bridge.call_on_engine(self._watch.refresh_now)

    # --- status lines -------------------------------------------------------------------

    def _show_engine(self, snapshot: EngineSnapshot) -> None:
        if not self._closed:
            self._snapshot = snapshot
            self.banner.update(snapshot, self._poll_error)

    def _show_poll(self, poll: tuple[float | None, str | None]) -> None:
        if self._closed:
            return
        last, self._poll_error = poll
        self._draw_updated(last)
        self.banner.update(self._snapshot, self._poll_error)

    def _draw_updated(self, last: float | None) -> None:
        stamp = "never" if last is None else time.strftime("%H:%M:%S", time.localtime(last))
        paused = " — paused" if self._paused else ""
        self.updated_label.value = f"Last updated {stamp}{paused}"

    def show_error(self, message: str) -> None:
        """Errors of the table's own work (starting the watch) go to its banner."""
        self._poll_error = message
        self.banner.update(self._snapshot, message)

    def _schedule_age_tick(self) -> None:
        def tick() -> None:
            if self._closed:
                return
            now = self.session.now()
            for view in self._views.values():
                view.refresh_age(now)
            self._schedule_age_tick()

        self._age_timer = self.bridge.timers.call_later(_AGE_TICK, tick)

    # --- snapshots ------------------------------------------------------------------------

    def _cells(self) -> list[list[str]]:
        now = self.session.now()
        return [self._views[i].text_cells(now) for i in self._rows if i in self._views]

    def snapshot_text(self) -> str:
        """The table as plain text."""
        head = f"{self.title_text()} — {self.updated_label.value}"
        lines = [head]
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
        return f"<ClusterTable {len(self._views)} clusters, owner={self.owner}>"

    # --- lifetime -------------------------------------------------------------------------

    async def _stop_engine_watch(self) -> None:
        # Runs on the engine loop after any watch() scheduled before it (FIFO).
        handle, self._engine_watch = self._engine_watch, None
        if handle is not None:
            handle.stop()

    def close(self) -> None:
        """Stop watching, cancel this table's queued requests, close every widget."""
        if self._closed:
            return
        self._closed = True
        self._unsubscribe()
        self.stop_watching()
        self.session.schedule(self._stop_engine_watch)
        for cluster_id in list(self._detail_watches):
            self._detail_stop(cluster_id)
        if self._age_timer is not None:
            self._age_timer.cancel()
        self.session.cancel_queued(self.owner)
        for view in self._views.values():
            view.close()
        self._views.clear()
        self.banner.close()
        for child in self.children:
            close_tree(child)
        if self._own_bridge:
            self.bridge.close()
        super().close()

"""How the cluster table keeps itself fresh: its own watch, refresh controls, status line.

A mixin of :class:`~insta_nb.widgets.ClusterTable`. Refresh period, pause and "refresh
now" act on this table's own watch (changed on the engine thread); a row whose details
are open gets a details watch of its own. The status line says when the list arrived,
then when the last full refresh ended; the banner says when the API is rate limiting
or unreachable.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from insta_nb.session import EngineSnapshot, Watch

if TYPE_CHECKING:
    from insta_nb.session import Session
    from insta_nb.widgets._bridge import Bridge
    from insta_nb.widgets.banner import Banner
    from insta_nb.widgets.cluster_row import ClusterRowView
    from insta_nb.widgets.row_extensions import TableRefresh

__all__ = ["REFRESH_CHOICES", "TableWatching"]

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


class TableWatching:
    """The table's watch, its controls and its status line (mixed into ClusterTable)."""

    session: Session
    bridge: Bridge
    owner: str
    banner: Banner
    _closed: bool
    _detail_watches: dict[str, Watch]
    _snapshot: EngineSnapshot | None
    _poll_error: str | None
    _refreshed: bool
    refresh_state: TableRefresh
    #: This table's own watch (its pause and period are this table's only).
    _watch: Watch | None = None
    #: The same handle, set on the engine thread: close() may come before the result of
    #: start_watching() reaches the kernel thread, and must still stop it.
    _engine_watch: Watch | None = None
    _period: float | None = None
    _paused: bool = False
    #: When the first list reached this table (session clock).
    _listed_at: float | None = None
    #: Clusters on the page in view: the service reads the unread ones among them first.
    _focus: tuple[str, ...] = ()

    def _view_of(self, cluster_id: str) -> ClusterRowView | None:
        raise NotImplementedError

    def _build_watch_controls(self) -> None:
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
        self.interval_choice.observe(self._on_interval, names="value")
        self.pause_toggle.observe(self._on_pause, names="value")
        self.refresh_button.on_click(self._on_refresh)
        self.watch_bar = w.HBox(
            [self.interval_choice, self.pause_toggle, self.refresh_button, self.updated_label],
            layout=w.Layout(align_items="center", flex_flow="row wrap"),
        )

    # --- the table's watch ---------------------------------------------------------------

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
            handle.set_focus(self._focus)
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

    def focus_on(self, cluster_ids: Iterable[str]) -> None:
        """Say which clusters the page shows: of those never read, the service reads
        these first (with hundreds of clusters it reads a few per refresh)."""
        focus = tuple(cluster_ids)
        if focus == self._focus:
            return
        self._focus = focus
        handle = self._engine_watch
        if handle is not None:
            self.bridge.call_on_engine(lambda: handle.set_focus(focus))

    def stop_watching(self) -> None:
        """Stop the watch started by :meth:`start_watching`."""
        if self._watch is not None:
            self.bridge.call_on_engine(self._watch.stop)
            self._watch = None

    # --- details watches -------------------------------------------------------------------

    def details_changed(self, cluster_id: str, opened: bool) -> None:
        """A row's details opened (watch that cluster, list its rules) or closed (stop)."""
        if not opened:
            self._detail_stop(cluster_id)
            return
        session, owner = self.session, self.owner
        view = self._view_of(cluster_id)

        async def watch() -> Watch:
            return session.watch({cluster_id})

        def started(handle: Watch) -> None:
            now = self._view_of(cluster_id)
            if now is not None and now.details_toggle.value and not self._closed:
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

    # --- controls ------------------------------------------------------------------------

    def _on_interval(self, change: dict[str, Any]) -> None:
        period = self._period = change["new"] or None
        self.refresh_state.set_by_table(paused=self._paused, period=period)
        handle = self._watch
        if handle is not None:  # this table's watch only; changed on the engine thread
            self.bridge.call_on_engine(lambda: handle.set_period(period))
            self.bridge.call_on_engine(handle.refresh_now)

    def _on_pause(self, change: dict[str, Any]) -> None:
        paused = self._paused = bool(change["new"])
        self.refresh_state.set_by_table(paused=paused, period=self._period)
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
        self._refreshed = self._refreshed or last is not None
        self._draw_updated(last)
        self.banner.update(self._snapshot, self._poll_error)

    def _draw_updated(self, last: float | None) -> None:
        paused = " — paused" if self._paused else ""
        if last is None and self._listed_at is not None:
            # The first full refresh also fetches every cluster's details, which can take
            # minutes at scale; the list itself is what the rows show already.
            self.updated_label.value = f"Cluster list received {_clock(self._listed_at)}{paused}"
            return
        stamp = "never" if last is None else _clock(last)
        self.updated_label.value = f"Last updated {stamp}{paused}"

    def _mark_listed(self) -> None:
        if self._listed_at is None:
            self._listed_at = self.session.now()
            if not self._refreshed:
                self._draw_updated(None)

    def show_error(self, message: str) -> None:
        """Errors of the table's own work (starting the watch) go to its banner."""
        self._poll_error = message
        self.banner.update(self._snapshot, message)

    # --- lifetime -------------------------------------------------------------------------

    async def _stop_engine_watch(self) -> None:
        # Runs on the engine loop after any watch() scheduled before it (FIFO).
        handle, self._engine_watch = self._engine_watch, None
        if handle is not None:
            handle.stop()

    def _stop_all_watches(self) -> None:
        self.stop_watching()
        self.session.schedule(self._stop_engine_watch)
        for cluster_id in list(self._detail_watches):
            self._detail_stop(cluster_id)


def _clock(wall: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(wall))

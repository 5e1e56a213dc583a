"""The one-call dashboard: the cluster table, the create form and the request queue.

``dashboard()`` with no session connects (credentials from the environment, or the
embedded simulator) and says plainly when nothing is provisioned for real.

What the user looks at comes first: the cluster table is built with the dashboard, the
create form shortly after the table has drawn its list (or when its tab is opened), and
the request queue when its tab is opened. Every widget model costs the browser time to
create, and the browser handles them in the order they were sent: the ~250 models of
the two hidden tabs, built up front, delayed the cluster count by as long.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w

from insta_nb.widgets._bridge import Bridge, TimerHandle
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.cluster_table import ClusterTable
from insta_nb.widgets.delete_confirm import DEFAULT_CONFIRM_TIMEOUT
from insta_nb.widgets.product_form import create_form_for
from insta_nb.widgets.queue_view import QueueView
from insta_nb.widgets.row_features import add_row_features
from insta_nb.widgets.snapshot import TONES, SnapshotDisplay, esc

if TYPE_CHECKING:
    from insta_nb.session import Session
    from insta_nb.widgets.create_form import CreateForm
    from insta_nb.widgets.product_form import ProductForm

__all__ = ["SIMULATOR_NOTICE", "Dashboard", "dashboard"]

SIMULATOR_NOTICE = "Embedded simulator — nothing is provisioned for real"

#: Seconds after the table's first list that the create form is built: the browser
#: draws the table's rows first.
FORM_AFTER_LIST = 0.5
#: Seconds after the dashboard at the latest (a list that is slow to come, or none).
FORM_AT_THE_LATEST = 3.0
_FORM_TAB, _QUEUE_TAB = 1, 2


class Dashboard(SnapshotDisplay, w.VBox):
    """Cluster table, create form and request queue over one session, in tabs.

    Args:
        session: Whose clusters.
        bridge: Default: a new one, shared by the three views.
        confirm_timeout: Seconds an unanswered delete confirmation stays open.
        watch: Keep the cluster list fresh while the dashboard lives.
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
        self._closed = False
        self.table = ClusterTable(
            session, bridge=self.bridge, confirm_timeout=confirm_timeout, watch=watch
        )
        add_row_features(self.table)  # VPC peering and Resize in every row's details
        self._form: CreateForm | ProductForm | None = None
        self._queue: QueueView | None = None
        # The hidden tabs hold an empty box until their view is built (see the module).
        self._form_box = w.VBox([])
        self._queue_box = w.VBox([])
        self.notice = w.HTML(self._notice_html(), layout=w.Layout(margin="0 0 4px 0"))
        if not session.is_simulated:
            self.notice.layout.display = "none"
        self.tabs = w.Tab(
            [self.table, self._form_box, self._queue_box],
            titles=("Clusters", "Create", "Request queue"),
        )
        self.tabs.selected_index = 0
        self.tabs.observe(self._on_tab, names="selected_index")
        super().__init__([self.notice, self.tabs])
        self.add_class("insta-nb-dashboard")
        self._display_snapshot = False
        timers = self.bridge.timers
        self._form_timers: list[TimerHandle] = [
            timers.call_later(FORM_AT_THE_LATEST, self._form_due)
        ]
        if self.table.controls.count.value:  # the list was known already: drawn
            self._form_timers.append(timers.call_later(FORM_AFTER_LIST, self._form_due))
        else:
            self.table.controls.count.observe(self._on_count, names="value")

    # --- the hidden tabs, built when needed ----------------------------------------------

    @property
    def form(self) -> CreateForm | ProductForm:
        """The create form (built now if it was not yet)."""
        return self._build_form()

    @property
    def queue(self) -> QueueView:
        """The request queue view (built now if it was not yet)."""
        if self._queue is None:
            self._queue = QueueView(self.session, bridge=self.bridge)
            self._queue_box.children = (self._queue,)
            if self._closed:
                self._queue.close()
        return self._queue

    def _build_form(self) -> CreateForm | ProductForm:
        if self._form is None:
            for timer in self._form_timers:
                timer.cancel()
            self._form = create_form_for(self.session, bridge=self.bridge)  # v1 or v2
            self._form_box.children = (self._form,)
            if self._closed:
                self._form.close()
        return self._form

    def _form_due(self) -> None:
        self._build_form()

    def _on_count(self, change: dict[str, Any]) -> None:
        # The table has drawn its first list (the count comes first): the form follows.
        if change["new"] and self._form is None:
            self.table.controls.count.unobserve(self._on_count, names="value")
            self._form_timers.append(self.bridge.timers.call_later(FORM_AFTER_LIST, self._form_due))

    def _on_tab(self, change: dict[str, Any]) -> None:
        if change["new"] == _FORM_TAB:
            self._build_form()
        elif change["new"] == _QUEUE_TAB:
            self.queue  # noqa: B018  (built on first look)

    def _notice_html(self) -> str:
        return (
            '<div role="note" style="border:1px solid var(--jp-warn-color1, #f57c00);'
            "border-left-width:6px;border-radius:4px;padding:4px 10px;"
            f'background:var(--jp-layout-color2, transparent);color:{TONES["text"]};">'
            f'<span style="color:{TONES["warn"]};">⚠</span> '
            f'<span style="font-weight:600;">{esc(SIMULATOR_NOTICE)}.</span>'
            " Set INSTACLUSTR_USERNAME and INSTACLUSTR_API_KEY to use your account."
            "</div>"
        )

    def _views(self) -> list[Any]:
        # At display time the hidden tabs may not be built yet: their snapshot is left out
        # rather than built (which would send their models before the table's).
        if self._display_snapshot:
            return [v for v in (self.table, self._form, self._queue) if v is not None]
        return [self.table, self.form, self.queue]

    def snapshot_text(self) -> str:
        """The three views as plain text."""
        parts = [SIMULATOR_NOTICE] if self.session.is_simulated else []
        parts += [view.snapshot_text() for view in self._views()]
        return "\n\n".join(parts)

    def snapshot_html(self) -> str:
        """The three views as static HTML."""
        head = self._notice_html() if self.session.is_simulated else ""
        return head + "".join(view.snapshot_html() for view in self._views())

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        self._display_snapshot = True
        try:
            return super()._repr_mimebundle_(**kwargs)
        finally:
            self._display_snapshot = False

    def __repr__(self) -> str:
        return f"<Dashboard {self.session!r}>"

    def close(self) -> None:
        """Close the three views (stops watching and cancels their queued requests)."""
        if self._closed:
            return
        self._closed = True
        for timer in self._form_timers:
            timer.cancel()
        for view in (self.table, self._form, self._queue):
            if view is not None:
                view.close()
        close_tree(self.notice)
        if self._own_bridge:
            self.bridge.close()
        super().close()


def dashboard(session: Session | None = None, **kwargs: Any) -> Dashboard:
    """Everything in one call: ``dashboard()`` connects (or uses the embedded simulator).

    Args:
        session: Default: :func:`insta_nb.connect` with credentials from the environment.
        **kwargs: Passed to :class:`Dashboard`.
    """
    if session is None:
        from insta_nb.session import connect

        session = connect()
    return Dashboard(session, **kwargs)

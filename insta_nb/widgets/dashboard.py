"""The one-call dashboard: the cluster table, the create form and the request queue.

``dashboard()`` with no session connects (credentials from the environment, or the
embedded simulator) and says plainly when nothing is provisioned for real.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w

from insta_nb.widgets._bridge import Bridge
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.cluster_table import ClusterTable
from insta_nb.widgets.delete_confirm import DEFAULT_CONFIRM_TIMEOUT
from insta_nb.widgets.product_form import create_form_for
from insta_nb.widgets.queue_view import QueueView
from insta_nb.widgets.row_features import add_row_features
from insta_nb.widgets.snapshot import TONES, SnapshotDisplay, esc

if TYPE_CHECKING:
    from insta_nb.session import Session

__all__ = ["SIMULATOR_NOTICE", "Dashboard", "dashboard"]

SIMULATOR_NOTICE = "Embedded simulator — nothing is provisioned for real"


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
        self.form = create_form_for(session, bridge=self.bridge)  # v1 bundles or v2 products
        self.queue = QueueView(session, bridge=self.bridge)
        self.notice = w.HTML(self._notice_html(), layout=w.Layout(margin="0 0 4px 0"))
        if not session.is_simulated:
            self.notice.layout.display = "none"
        self.tabs = w.Tab(
            [self.table, self.form, self.queue],
            titles=("Clusters", "Create", "Request queue"),
        )
        self.tabs.selected_index = 0
        super().__init__([self.notice, self.tabs])
        self.add_class("insta-nb-dashboard")

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

    def snapshot_text(self) -> str:
        """The three views as plain text."""
        parts = [SIMULATOR_NOTICE] if self.session.is_simulated else []
        parts += [self.table.snapshot_text(), self.form.snapshot_text(), self.queue.snapshot_text()]
        return "\n\n".join(parts)

    def snapshot_html(self) -> str:
        """The three views as static HTML."""
        head = self._notice_html() if self.session.is_simulated else ""
        body = head + self.table.snapshot_html() + self.form.snapshot_html()
        return body + self.queue.snapshot_html()

    def __repr__(self) -> str:
        return f"<Dashboard {self.session!r}>"

    def close(self) -> None:
        """Close the three views (stops watching and cancels their queued requests)."""
        if self._closed:
            return
        self._closed = True
        for view in (self.table, self.form, self.queue):
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

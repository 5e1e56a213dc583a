"""What the rows of the cluster table act through (mixed into ClusterTable).

The plug-in points (:meth:`TableRowActions.add_row_action`, :meth:`add_row_panel`) and
the :class:`~insta_nb.widgets.row_extensions.RowContext` they get, the table's deletes,
and where failures show: ``report_error`` writes on a row's error line and leaves its
delete alone, while a failed delete (:meth:`TableRowActions.delete_failed`) also offers
the Delete button again. Errors of rows out of view are kept and shown when the row
comes back into view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from insta_nb.session import ClusterRow
from insta_nb.widgets.row_details import RowDetails
from insta_nb.widgets.row_extensions import RowAction, RowContext, RowPanel, TableRefresh

if TYPE_CHECKING:
    from insta_nb.session import Session
    from insta_nb.widgets._bridge import Bridge
    from insta_nb.widgets.cluster_row import ClusterRowView

__all__ = ["TableRowActions"]


class TableRowActions:
    """Plug-ins, deletes and per-row errors of the table."""

    session: Session
    bridge: Bridge
    owner: str
    _rows: dict[str, ClusterRow]

    def _init_row_actions(self) -> None:
        self._actions: list[RowAction] = []
        self._panels: list[RowPanel] = []
        self._errors: dict[str, str] = {}
        #: The table's pause state and refresh period, as plug-ins read and observe them.
        self.refresh_state = TableRefresh()

    def _view_of(self, cluster_id: str) -> ClusterRowView | None:
        raise NotImplementedError

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
            refresh=self.refresh_state,
        )

    # --- deletes and errors ---------------------------------------------------------------

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

        self.bridge.run(delete, sink=_DeleteSink(self, cluster_id), what=f"delete cluster {name}")

    def report_error(self, cluster_id: str, message: str) -> None:
        """Show ``message`` on ``cluster_id``'s row (now, or when it comes into view).

        Only the error line: a delete of the row that is on its way stays so.
        """
        self._errors[cluster_id] = message
        view = self._view_of(cluster_id)
        if view is not None:
            view.show_error(message)

    def delete_failed(self, cluster_id: str, message: str) -> None:
        """``cluster_id``'s delete failed: say why on its row and offer Delete again."""
        self._errors[cluster_id] = message
        view = self._view_of(cluster_id)
        if view is not None:
            view.delete_failed(message)

    def local_error(self, cluster_id: str) -> str | None:
        """The last error of an action of this table on ``cluster_id``."""
        return self._errors.get(cluster_id)

    def _forget_errors(self, known: dict[str, ClusterRow]) -> None:
        for gone in [i for i in self._errors if i not in known]:
            del self._errors[gone]


class _DeleteSink:
    """Where a failed delete reports: its cluster's row, which offers Delete again."""

    def __init__(self, table: TableRowActions, cluster_id: str) -> None:
        self._table, self._id = table, cluster_id

    def show_error(self, message: str) -> None:
        self._table.delete_failed(self._id, message)

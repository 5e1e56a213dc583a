"""ipywidgets views over the service: the only code of insta_nb that imports ipywidgets.

Module map: ``_bridge`` (the one place that touches loops and threads), ``create_form``,
``cluster_table`` (one page of rows, ``table_query`` and ``table_controls`` for filter,
sort and pager, ``_table_watch`` for its refreshes, ``_table_style`` for its CSS) with
``cluster_row``, ``row_details``, ``delete_confirm`` and ``bulk_delete``, the row plug-in
point ``row_extensions`` (:class:`RowAction`, :class:`RowPanel`), ``queue_view``,
``banner``, ``snapshot`` (static HTML/text renderings) and ``dashboard``.
"""

from __future__ import annotations

from insta_nb.widgets.cluster_table import ClusterTable
from insta_nb.widgets.create_form import CreateForm
from insta_nb.widgets.dashboard import Dashboard, dashboard
from insta_nb.widgets.queue_view import QueueView
from insta_nb.widgets.row_extensions import RowAction, RowContext, RowPanel

__all__ = [
    "ClusterTable",
    "CreateForm",
    "Dashboard",
    "QueueView",
    "RowAction",
    "RowContext",
    "RowPanel",
    "dashboard",
]

"""ipywidgets views over the service: the only code of insta_nb that imports ipywidgets.

Module map: ``_bridge`` (the one place that touches loops and threads), ``create_form``
(v1's bundles) and ``product_form`` (v2's products, fields read off the spec types by
``_product_fields``; ``create_form_for`` picks one by the session's API),
``cluster_table`` (one page of rows, ``table_query`` and ``table_controls`` for filter,
sort and pager, ``_table_header`` for its sorting titles, ``_table_watch`` for its
refreshes, ``_table_row_actions`` for plug-ins, deletes and row errors, ``_table_snapshot``
for its static text/HTML, ``_table_style`` for its CSS) with ``cluster_row`` (cells in
``_row_cells``), ``row_details``, ``delete_confirm`` and ``bulk_delete``, the row plug-in
point ``row_extensions`` (:class:`RowAction`, :class:`RowPanel`, :class:`TableRefresh`;
``row_features`` plugs in VPC peering and resize), ``queue_view``,
``banner``, ``snapshot`` (static HTML/text renderings) and ``dashboard``.
"""

from __future__ import annotations

from insta_nb.widgets.cluster_table import ClusterTable
from insta_nb.widgets.create_form import CreateForm
from insta_nb.widgets.dashboard import Dashboard, dashboard
from insta_nb.widgets.product_form import ProductForm
from insta_nb.widgets.queue_view import QueueView
from insta_nb.widgets.row_extensions import RowAction, RowContext, RowPanel, TableRefresh

__all__ = [
    "ClusterTable",
    "CreateForm",
    "Dashboard",
    "ProductForm",
    "QueueView",
    "RowAction",
    "RowContext",
    "RowPanel",
    "TableRefresh",
    "dashboard",
]

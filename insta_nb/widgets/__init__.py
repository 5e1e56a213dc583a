"""ipywidgets views over the service: the only code of insta_nb that imports ipywidgets.

Module map: ``_bridge`` (the one place that touches loops and threads), ``create_form``,
``cluster_table`` with ``cluster_row`` and ``delete_confirm``, ``queue_view``,
``banner``, ``snapshot`` (static HTML/text renderings) and ``dashboard``. Row details
plug-ins (``row_extensions``), added to every table by ``row_features``: VPC peering
(``peering_panel``, ``peering_line``, ``peering_form``, ``peering_delete``) and resize
(``resize_panel``, ``resize_dialog``).
"""

from __future__ import annotations

from insta_nb.widgets.cluster_table import ClusterTable
from insta_nb.widgets.create_form import CreateForm
from insta_nb.widgets.dashboard import Dashboard, dashboard
from insta_nb.widgets.queue_view import QueueView

__all__ = ["ClusterTable", "CreateForm", "Dashboard", "QueueView", "dashboard"]

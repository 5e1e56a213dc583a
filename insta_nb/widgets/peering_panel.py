"""A cluster row's "VPC peering" section: its data centres' peerings, add and delete.

A :class:`~insta_nb.widgets.row_extensions.RowPanel`: built when a row's details open,
closed when they close. While open it lists the cluster's peerings again every
``refresh_period`` seconds (or the table's refresh period, when the user chose one;
slower once every status is final), so a peering's status moves from
``pending-acceptance`` to ``active`` before the user's eyes. It pauses with the table
(``ctx.refresh``) and lists again as soon as the table resumes. "Add VPC
peering" opens a :class:`~insta_nb.widgets.peering_form.PeeringForm`; each peering has
a Delete behind the cluster's confirmation rules. Failures show in the panel, with the
API's message; nothing here raises into the notebook.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from typing import Any

import ipywidgets as w

from insta_nb.peering import VpcPeering
from insta_nb.widgets._bridge import TimerHandle
from insta_nb.widgets._messages import MessageArea, error_text, owned_call
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.peering_form import PeeringForm
from insta_nb.widgets.peering_line import PeeringLine
from insta_nb.widgets.row_extensions import RowContext, RowPanel
from insta_nb.widgets.snapshot import toned

__all__ = ["PeeringPanel", "peering_panel"]

_ids = itertools.count(1)
#: Once every peering is active or failed, list this many times less often.
_STEADY_FACTOR = 6


class PeeringPanel(w.VBox):
    """The VPC peerings of one cluster, kept fresh while shown.

    Args:
        ctx: The row's context (session, bridge, the row as drawn, the table's refresh
            settings).
        refresh_period: Seconds between lists while a status may still change; default
            the table's refresh period if the user chose one, else four request
            intervals of the session, at least 2 s.
    """

    def __init__(self, ctx: RowContext, *, refresh_period: float | None = None) -> None:
        self.ctx = ctx
        self.owner = f"widget:peering-panel:{next(_ids)}"
        interval = float(ctx.session.settings.interval)
        self.refresh_period = refresh_period or max(2.0, 4 * interval)
        self._own_period = refresh_period is not None
        self._table = ctx.refresh
        self._table.observe(self._on_table_refresh, names=["paused", "period"])
        self._closed = False
        self._listing = False
        self._timer: TimerHandle | None = None
        self._lines: dict[str, PeeringLine] = {}
        self.peerings: tuple[VpcPeering, ...] | None = None
        #: How listing goes (a failure, in the API's words).
        self.status = MessageArea()
        #: The last add's outcome, once its form closed.
        self.outcome = MessageArea()
        self.add_button = w.Button(
            description="Add VPC peering", icon="plus",
            tooltip="Peer a data centre of this cluster with a network of yours",
            layout=w.Layout(width="auto"),
        )  # fmt: skip
        self.add_button.on_click(lambda _: self.toggle_form())
        self.list_box = w.VBox([])
        self.form_box = w.VBox([])
        self.form: PeeringForm | None = None
        super().__init__(
            [
                self.list_box,
                w.HBox(
                    [self.add_button, self.outcome, self.status],
                    layout=w.Layout(align_items="center", flex_flow="row wrap"),
                ),
                self.form_box,
            ]
        )
        self.add_class("insta-nb-peering-panel")
        self.status.say("Listing VPC peerings…", "muted")
        if ctx.row.vpc_peerings is not None:
            self._draw(ctx.row.vpc_peerings)
        self.refresh()

    # --- the row ------------------------------------------------------------------------------

    def update(self, ctx: RowContext) -> None:
        """The row changed (new details, peerings stored by any view): redraw."""
        if self._closed:
            return
        self.ctx = ctx
        found = ctx.row.vpc_peerings
        if found is not None and tuple(found) != self.peerings:
            # Fresh statuses from elsewhere (the service's poll, another view): this
            # panel's next list can wait a full period, so nothing is read twice.
            self._draw(found)
            if not self._listing:
                self._schedule()
        if self.form is not None and ctx.row.details is not None:
            self.form.set_data_centres(ctx.row.details.data_centres)

    # --- listing --------------------------------------------------------------------------------

    def refresh(self) -> None:
        """List the cluster's peerings now (one request per data centre)."""
        if self._closed or self._listing:
            return
        self._listing = True
        self._cancel_timer()
        session, cluster_id = self.ctx.session, self.ctx.cluster_id
        self.ctx.bridge.run(
            owned_call(session, self.owner, lambda: session.list_vpc_peerings(cluster_id)),
            on_result=self._listed,
            on_error=self._list_failed,
            what="list VPC peerings",
        )

    def _listed(self, found: list[VpcPeering]) -> None:
        self._listing = False
        if self._closed:
            return
        self._draw(tuple(found))
        self.status.say("", "")
        self._schedule()  # (says "Paused with the table." when it is)

    def _list_failed(self, exc: BaseException) -> None:
        self._listing = False
        if self._closed:
            return
        self.status.say(f"Could not list the VPC peerings: {error_text(exc)}", "error")
        self._schedule()

    @property
    def paused(self) -> bool:
        """Whether the table is paused (this panel then lists only when asked)."""
        return bool(self._table.paused)

    def _on_table_refresh(self, change: dict[str, Any]) -> None:
        if self._closed:
            return
        if change["name"] == "paused" and not change["new"]:
            self.status.say("", "")
            self.refresh()  # resumed: catch up at once
        elif not self._listing:
            self._schedule()

    def _schedule(self) -> None:
        self._cancel_timer()
        if self.paused:
            if self.status.tone != "error":  # a failure's words stay until the next list
                self.status.say("Paused with the table.", "muted")
            return
        steady = self.peerings is not None and all(p.status.is_final for p in self.peerings)
        base = self.refresh_period
        if not self._own_period and self._table.period:
            base = float(self._table.period)
        period = base * (_STEADY_FACTOR if steady else 1)
        self._timer = self.ctx.bridge.timers.call_later(period, self.refresh)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _draw(self, peerings: Sequence[VpcPeering]) -> None:
        self.peerings = tuple(peerings)
        details = self.ctx.row.details
        wanted = [p.id for p in peerings]
        for peering in peerings:
            line = self._lines.get(peering.id)
            if line is None:
                self._lines[peering.id] = PeeringLine(
                    peering, self.ctx, functools.partial(self.delete, peering)
                )
            else:
                line.show(peering, details)
        for gone in [i for i in self._lines if i not in wanted]:
            del self._lines[gone]  # still shown: closed below, once out of the box
        children: list[w.Widget] = [self._lines[i] for i in wanted]
        if not children:
            children = [w.HTML(toned("No VPC peerings.", "muted"))]
        old = [c for c in self.list_box.children if c not in children]
        self.list_box.children = tuple(children)
        for child in old:  # closed once no box shows them any more
            close_tree(child)

    # --- add and delete ---------------------------------------------------------------------

    def toggle_form(self) -> None:
        """Show the Add VPC peering form, or close it."""
        if self.form is not None:
            form, self.form = self.form, None
            self.form_box.children = ()
            form.close()
            self.add_button.description = "Add VPC peering"
            return
        self.outcome.say("", "")
        self.form = PeeringForm(
            self.ctx.session, self.ctx.bridge, self.ctx.cluster_id, on_created=self._created
        )
        if self.ctx.row.details is not None:
            self.form.set_data_centres(self.ctx.row.details.data_centres)
        self.form_box.children = (self.form,)
        self.add_button.description = "Hide the form"

    def _created(self, peering_id: str) -> None:
        # The form closes: its values cannot be sent a second time by a stray click.
        self.toggle_form()
        self.outcome.say(f"Peering {peering_id} requested; its status shows above.", "ok")
        self.refresh()

    def delete(self, peering: VpcPeering) -> None:
        """Delete ``peering`` (its confirmation was answered)."""
        session, line = self.ctx.session, self._lines.get(peering.id)
        if line is not None:
            line.message.say("Deleting…", "busy")

        def failed(exc: BaseException) -> None:
            now = self._lines.get(peering.id)
            if now is not None:
                now.delete.failed()
                now.message.say(f"Not deleted: {error_text(exc)}", "error")

        def done(_: None) -> None:
            now = self._lines.get(peering.id)
            if now is not None:
                now.message.say("Delete requested.", "ok")
            self.refresh()

        self.ctx.bridge.run(
            owned_call(
                session,
                self.owner,
                lambda: session.delete_vpc_peering(peering.data_centre_id, peering.id),
            ),
            on_result=done,
            on_error=failed,
            what="delete VPC peering",
        )

    # --- text -------------------------------------------------------------------------------------

    def snapshot_text(self) -> str:
        """The peerings as lines of text (status words included)."""
        if self.peerings is None:
            return "VPC peerings: loading…"
        if not self.peerings:
            return "VPC peerings: none"
        return "\n".join(self._lines[p.id].text() for p in self.peerings if p.id in self._lines)

    def close(self) -> None:
        """Stop refreshing, cancel this panel's queued requests, close every widget."""
        if self._closed:
            return
        self._closed = True
        self._cancel_timer()
        self._table.unobserve(self._on_table_refresh, names=["paused", "period"])
        self.ctx.session.cancel_queued(self.owner)
        if self.form is not None:
            self.form.close()
        for line in self._lines.values():
            close_tree(line)
        for child in self.children:
            close_tree(child)
        super().close()


def peering_panel() -> RowPanel:
    """The "VPC peering" section for a cluster table's row details."""

    def update(widget: w.Widget, ctx: RowContext) -> None:
        if isinstance(widget, PeeringPanel):
            widget.update(ctx)

    return RowPanel("VPC peering", build=PeeringPanel, update=update)

"""The "Resize" action of a cluster row and the details section showing its progress.

:class:`ResizeFeature` gives a table both halves: a
:class:`~insta_nb.widgets.row_extensions.RowAction` "Resize", whose click returns a
:class:`ResizePicker` (the :class:`~insta_nb.widgets.resize_dialog.ResizeDialog` and a
button closing it) that the row's details draw under their action bar, and a
:class:`~insta_nb.widgets.row_extensions.RowPanel` showing, per data centre, the nodes
already at the new size out of all, until every node is. The numbers come from the row's
details, which the service keeps reading while a cluster is resizing.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as w

from insta_nb.models import ClusterStatus, DataCentre
from insta_nb.session import ClusterRow
from insta_nb.widgets.delete_confirm import DEFAULT_CONFIRM_TIMEOUT
from insta_nb.widgets.resize_dialog import ResizeDialog, current_size
from insta_nb.widgets.row_extensions import RowAction, RowContext, RowPanel
from insta_nb.widgets.snapshot import TONES, esc, toned

__all__ = ["ResizeFeature", "ResizePanel", "ResizePicker", "ResizeProgress", "progress_of"]


@dataclass(frozen=True)
class ResizeProgress:
    """How far one data centre's resize is."""

    data_centre: str
    old: str | None
    target: str
    #: Nodes back in service at the target size.
    done: int
    total: int

    @property
    def finished(self) -> bool:
        """Every node is at the new size and running."""
        return self.total > 0 and self.done >= self.total

    def text(self) -> str:
        """``"◔ Resizing AWS_VPC_US_WEST_2 t3.small-v2 → t3.medium-v2: 1/3 nodes…"``."""
        sizes = f"{self.old} → {self.target}" if self.old else f"to {self.target}"
        if self.finished:
            return f"✓ Resized {self.data_centre} {sizes}: {self.done}/{self.total} nodes"
        return (
            f"◔ Resizing {self.data_centre} {sizes}: {self.done}/{self.total} nodes at the new size"
        )


def _at(dc: DataCentre, size: str) -> int:
    return sum(1 for n in dc.nodes if n.size == size and n.status is ClusterStatus.RUNNING)


def progress_of(
    row: ClusterRow, sent: dict[str, tuple[str | None, str]] | None = None
) -> list[ResizeProgress]:
    """Resizes under way (or sent from here) in ``row``'s data centres.

    Args:
        row: The row as last drawn (its details tell node sizes).
        sent: ``{data centre id: (old size, new size)}`` of resizes this table sent.
    """
    sent = sent or {}
    out: list[ResizeProgress] = []
    for dc in row.details.data_centres if row.details else ():
        total = len(dc.nodes) or dc.node_count
        name = dc.name or dc.id
        old = sent[dc.id][0] if dc.id in sent else None
        if dc.resize_target_node_size:
            target = dc.resize_target_node_size
            out.append(ResizeProgress(name, old, target, _at(dc, target), total))
        elif dc.id in sent:
            target = sent[dc.id][1]
            out.append(ResizeProgress(name, old, target, _at(dc, target), total))
    return out


class ResizePicker(w.VBox):
    """What the Resize action draws in the row's details: the size picker, and a Close.

    Once the API accepted a resize the picker removes itself (``ctx.show(None)``) and the
    details redraw the Resize section, which then shows the progress.
    """

    def __init__(self, feature: ResizeFeature, ctx: RowContext) -> None:
        self.feature = feature
        self.ctx = ctx
        self.close_button = w.Button(
            description="Close the picker",
            tooltip="Close the size picker without resizing",
            layout=w.Layout(width="auto"),
        )
        self.close_button.on_click(lambda _: self.ctx.show(None))
        self.dialog = self._new_dialog(ctx)
        # In a box of its own: a VBox would stretch the button across the details.
        self._close_line = w.HBox([self.close_button])
        super().__init__([self.dialog, self._close_line])
        self.add_class("insta-nb-resize-picker")

    def _new_dialog(self, ctx: RowContext) -> ResizeDialog:
        return ResizeDialog(ctx, self._sent, timeout=self.feature.confirm_timeout)

    def update(self, ctx: RowContext) -> None:
        """The row changed: a picker opened before the details came asks again with them."""
        self.ctx = ctx
        if not self.dialog.data_centre.options and ctx.row.details:
            old, self.dialog = self.dialog, self._new_dialog(ctx)
            self.children = (self.dialog, self._close_line)
            old.close()

    def _sent(self, dc: DataCentre, old: str | None, new: str) -> None:
        self.feature.remember(self.ctx.cluster_id, dc.id, old, new)
        self.ctx.show(None)  # closes this picker; the Resize section shows the progress

    def close(self) -> None:
        """Close the picker (its queued requests too) and the button."""
        self.dialog.close()
        self.close_button.close()
        self._close_line.close()
        super().close()


class ResizePanel(w.VBox):
    """A row's "Resize" section: progress per data centre."""

    def __init__(self, feature: ResizeFeature, ctx: RowContext) -> None:
        self.feature = feature
        self.ctx = ctx
        self.progress: list[ResizeProgress] = []
        self.progress_html = w.HTML()
        super().__init__([self.progress_html])
        self.add_class("insta-nb-resize-panel")
        self.update(ctx)

    def update(self, ctx: RowContext) -> None:
        """Redraw the progress for the row as it is now."""
        self.ctx = ctx
        self.progress = progress_of(ctx.row, self.feature.sent_for(ctx.cluster_id))
        self.progress_html.value = progress_html(ctx.row, self.progress)

    def progress_text(self) -> str:
        """The progress lines as text (``""`` when nothing is being resized)."""
        return "\n".join(p.text() for p in self.progress)

    def close(self) -> None:
        """Close every widget of the section."""
        self.progress_html.close()
        super().close()


def progress_html(row: ClusterRow, progress: list[ResizeProgress]) -> str:
    """The progress lines (with a bar), or the sizes now when nothing is resizing."""
    if not progress:
        sizes = sorted(
            {
                s
                for dc in (row.details.data_centres if row.details else ())
                if (s := current_size(dc))
            }
        )
        now = ", ".join(sizes) or row.node_size or "not known yet"
        return toned(f"Node size {now}. Resize changes it, one data centre at a time.", "muted")
    lines = []
    for p in progress:
        share = 100 * p.done // p.total if p.total else 0
        tone = "ok" if p.finished else "busy"
        bar = (
            f'<div role="progressbar" aria-valuenow="{p.done}" aria-valuemax="{p.total}" '
            f'style="width:240px;height:6px;border:1px solid {TONES["muted"]};margin:2px 0;">'
            f'<div style="width:{share}%;height:100%;background:{TONES[tone]};"></div></div>'
        )
        lines.append(f"<div>{toned(p.text(), tone)}{bar}</div>")
    return "".join(lines) or esc("")


def _resizable(row: ClusterRow) -> bool:
    return row.status is ClusterStatus.RUNNING and row.pending not in ("deleting", "resizing")


class ResizeFeature:
    """The Resize action and panel for one table (one feature object per table).

    Args:
        confirm_timeout: Seconds an unanswered resize question stays open.
    """

    def __init__(self, *, confirm_timeout: float = DEFAULT_CONFIRM_TIMEOUT) -> None:
        self.confirm_timeout = confirm_timeout
        self._sent: dict[str, dict[str, tuple[str | None, str]]] = {}

    def action(self) -> RowAction:
        """The "Resize" button of a row's details: it opens a :class:`ResizePicker` there."""

        def update(widget: w.Widget, ctx: RowContext) -> None:
            if isinstance(widget, ResizePicker):
                widget.update(ctx)

        return RowAction(
            "Resize",
            run=self.open,
            tooltip="Change a data centre's node size (asks for confirmation first)",
            icon="arrows-v",
            available=_resizable,
            update=update,
        )

    def panel(self) -> RowPanel:
        """The "Resize" section of a row's details (progress)."""

        def update(widget: w.Widget, ctx: RowContext) -> None:
            if isinstance(widget, ResizePanel):
                widget.update(ctx)

        return RowPanel("Resize", build=lambda ctx: ResizePanel(self, ctx), update=update)

    def open(self, ctx: RowContext) -> ResizePicker:
        """The picker for the row's cluster (the row's details draw it)."""
        return ResizePicker(self, ctx)

    def sent_for(self, cluster_id: str) -> dict[str, tuple[str | None, str]]:
        """Resizes sent from this table for ``cluster_id``, by data centre."""
        return dict(self._sent.get(cluster_id, {}))

    def remember(self, cluster_id: str, data_centre_id: str, old: str | None, new: str) -> None:
        """A resize was accepted: its progress shows until every node is at ``new``."""
        self._sent.setdefault(cluster_id, {})[data_centre_id] = (old, new)

"""The resize picker of one cluster: a data centre, a size it may take, then a confirmation.

Sizes offered are only those :meth:`Session.resize_sizes` gives for the chosen data
centre (its bundle, provider and size family, never a smaller disk). "Review resize…"
opens a question naming the cluster, the data centre and old → new size; only
"Confirm resize" sends, once, and the question closes by itself after ``timeout``
seconds. A refusal — the session's validation or the API's — shows next to the field
it names, or under the picker, in the API's words.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable

import ipywidgets as w

from insta_nb import catalog, errors
from insta_nb.models import DataCentre
from insta_nb.widgets._bridge import TimerHandle
from insta_nb.widgets._messages import MessageArea, error_text, owned_call
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.delete_confirm import DEFAULT_CONFIRM_TIMEOUT
from insta_nb.widgets.row_extensions import RowContext
from insta_nb.widgets.snapshot import TONES, esc

__all__ = ["ResizeDialog", "current_size"]

_DESC = {"description_width": "130px"}
_SLOTS = ("data_centre_id", "newNodeSize", "concurrentResizes", "nodePurpose", "general")
_ids = itertools.count(1)


def current_size(dc: DataCentre) -> str | None:
    """The size most of the data centre's nodes have now."""
    sizes = Counter(n.size for n in dc.nodes if n.size)
    return sizes.most_common(1)[0][0] if sizes else None


def _purposes(dc: DataCentre) -> list[str]:
    found: set[str] = set()
    for bundle in dc.bundles:
        found.update(catalog.NODE_PURPOSES_BY_BUNDLE.get(bundle, ()))
    return sorted(found) if len(found) > 1 else []


class ResizeDialog(w.VBox):
    """Pick a new node size for one data centre of the row's cluster, and confirm it.

    Args:
        ctx: The row's context.
        on_sent: Called with (data centre, old size, new size) once the API accepted.
        timeout: Seconds an unanswered confirmation stays open.
    """

    def __init__(
        self,
        ctx: RowContext,
        on_sent: Callable[[DataCentre, str | None, str], None],
        *,
        timeout: float = DEFAULT_CONFIRM_TIMEOUT,
    ) -> None:
        self.ctx = ctx
        self.owner = f"widget:resize-dialog:{next(_ids)}"
        self._on_sent = on_sent
        self.timeout = timeout
        self._closed = False
        self._sending = False
        self._timer: TimerHandle | None = None
        self._dcs = {dc.id: dc for dc in (ctx.row.details.data_centres if ctx.row.details else ())}
        self.offered: list[str] = []
        self.outcome_text = ""
        self.messages = {slot: MessageArea() for slot in _SLOTS}
        self.data_centre = w.Dropdown(
            options=[(" · ".join(x for x in (dc.name or dc.id, dc.region) if x), dc.id)
                     for dc in self._dcs.values()],
            description="Data centre", style=_DESC, layout=w.Layout(width="400px"),
        )  # fmt: skip
        self.size = w.Dropdown(
            options=[], description="New node size", style=_DESC, layout=w.Layout(width="400px"),
            tooltip="Only sizes this data centre may take (same family, no smaller disk)",
        )  # fmt: skip
        self.concurrent = w.BoundedIntText(
            value=1, min=1, max=1, description="Nodes at a time", style=_DESC,
            tooltip="concurrentResizes: nodes replaced at once (at most a rack's nodes)",
            layout=w.Layout(width="220px"),
        )  # fmt: skip
        self.notify = w.Checkbox(
            value=False, indent=False, description="Notify the account's support contacts",
            tooltip="notifySupportContacts",
        )  # fmt: skip
        self.purpose = w.Dropdown(
            options=[], description="Node purpose", style=_DESC, layout=w.Layout(width="400px"),
            tooltip="nodePurpose: which nodes of this bundle to resize",
        )  # fmt: skip
        self.review = w.Button(
            description="Review resize…", icon="arrows-v", disabled=True,
            tooltip="Asks for confirmation before anything is sent", layout=w.Layout(width="auto"),
        )  # fmt: skip
        self.question = w.HTML()
        self.confirm_button = w.Button(
            description="Confirm resize", button_style="warning", layout=w.Layout(width="auto")
        )
        self.keep_button = w.Button(description="Keep size", layout=w.Layout(width="auto"))
        self.confirm_box = w.HBox(
            [self.question, self.confirm_button, self.keep_button],
            layout=w.Layout(display="none", align_items="center", flex_flow="row wrap"),
        )
        self.outcome = MessageArea()
        self._purpose_line = self._line(self.purpose, "nodePurpose")
        super().__init__(
            [
                self._line(self.data_centre, "data_centre_id"),
                self._line(self.size, "newNodeSize"),
                self._line(self.concurrent, "concurrentResizes"),
                w.HBox([self.notify], layout=w.Layout(margin="0 0 0 134px")),
                self._purpose_line,
                self.messages["general"],
                w.HBox([self.review, self.outcome], layout=w.Layout(align_items="center")),
                self.confirm_box,
            ]
        )
        self.add_class("insta-nb-resize-dialog")
        if self._dcs:
            self.data_centre.value = next(iter(self._dcs))
            self._on_data_centre()
        else:
            self.messages["data_centre_id"].say("The cluster's data centres are not known yet.")
        self.data_centre.observe(lambda _: self._on_data_centre(), names="value")
        self.size.observe(lambda _: self._draw_review(), names="value")
        self.review.on_click(lambda _: self.ask())
        self.confirm_button.on_click(lambda _: self.confirm())
        self.keep_button.on_click(lambda _: self.revert())

    def _line(self, control: w.Widget, slot: str) -> w.HBox:
        return w.HBox([control, self.messages[slot]], layout=w.Layout(align_items="center"))

    @property
    def chosen(self) -> DataCentre | None:
        """The data centre being resized."""
        value = self.data_centre.value
        return self._dcs.get(value) if isinstance(value, str) else None

    # --- sizes --------------------------------------------------------------------------------

    def _on_data_centre(self) -> None:
        dc = self.chosen
        if dc is None:
            return
        self.revert()
        racks = Counter(n.rack or "" for n in dc.nodes)
        self.concurrent.max = max(max(racks.values(), default=1), 1)
        purposes = _purposes(dc)
        self.purpose.options = [("(not needed)", "")] + [(p, p) for p in purposes]
        self.purpose.value = ""
        self._purpose_line.layout.display = None if purposes else "none"
        self.size.options = []
        self.offered = []
        self.messages["newNodeSize"].say("Loading the sizes this data centre may take…", "muted")
        self._draw_review()
        session, cluster_id, dc_id = self.ctx.session, self.ctx.cluster_id, dc.id

        def loaded(sizes: list[str]) -> None:
            if self._closed or self.data_centre.value != dc_id:
                return
            self.offered = list(sizes)
            self.size.options = self.offered
            self.size.value = self.offered[0] if self.offered else None
            now = current_size(dc) or "unknown"
            self.messages["newNodeSize"].say(
                f"Now {now}." if sizes else f"Nodes of size {now} cannot be resized.",
                "muted" if sizes else "warn",
            )
            self._draw_review()

        def failed(exc: BaseException) -> None:
            if not self._closed:
                self.messages["newNodeSize"].say(f"Sizes not known: {error_text(exc)}", "error")

        self.ctx.bridge.run(
            owned_call(session, self.owner, lambda: session.resize_sizes(cluster_id, dc_id)),
            on_result=loaded,
            on_error=failed,
            what="list resize sizes",
        )

    def _draw_review(self) -> None:
        read_only = self.ctx.session.read_only
        ready = bool(self.size.value) and self.size.value in self.offered
        self.review.disabled = read_only or not ready or self._sending
        self.review.tooltip = (
            "The API key is read-only: resizing is not possible"
            if read_only
            else "Asks for confirmation before anything is sent"
        )

    # --- asking ---------------------------------------------------------------------------------

    @property
    def is_asking(self) -> bool:
        """Whether the confirmation question is shown."""
        return bool(self.confirm_box.layout.display != "none")

    def ask(self) -> None:
        """Show the question naming cluster, data centre and old → new size."""
        dc, new = self.chosen, self.size.value
        if self._sending or self.review.disabled or dc is None or not new or self.is_asking:
            return
        old = current_size(dc) or "its current size"
        count = int(self.concurrent.value)
        name = self.ctx.row.name or self.ctx.cluster_id
        self.question.value = (
            f'<span role="alert" style="color:{TONES["text"]};">'
            f'<span style="color:{TONES["warn"]};">⚠</span> Resize cluster <b>{esc(name)}</b>, '
            f"data centre <b>{esc(dc.name or dc.id)}</b>: <b>{esc(old)} → {esc(new)}</b>, "
            f"{count} node{'s' if count != 1 else ''} at a time? Each node leaves service while "
            f'it is replaced. <span style="color:{TONES["muted"]};">(this question closes by '
            f"itself after {self.timeout:.0f} s)</span></span>"
        )
        self.confirm_box.layout.display = None
        self.review.disabled = True
        self._timer = self.ctx.bridge.timers.call_later(self.timeout, self.revert)

    def revert(self) -> None:
        """Close the question without resizing."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.is_asking:
            self.confirm_box.layout.display = "none"
        self._draw_review()

    def confirm(self) -> None:
        """Send the resize (only while the question is open; once)."""
        dc, new = self.chosen, self.size.value
        if not self.is_asking or self._sending or dc is None or not new:
            return
        self._sending = True
        self.revert()
        for slot in _SLOTS:
            self.messages[slot].say("", "")
        self._show_outcome("busy", f"Sending the resize to {new}…")
        session, cluster_id, old = self.ctx.session, self.ctx.cluster_id, current_size(dc)
        count, notify = int(self.concurrent.value), bool(self.notify.value)
        purpose = str(self.purpose.value or "") or None

        async def resize() -> None:
            if self._closed:  # closed on its way to the engine: never queue it
                raise errors.JobCancelledError("the picker was closed before the resize was sent")
            await session.resize_data_centre(
                cluster_id, new, data_centre_id=dc.id, concurrent_resizes=count,
                notify_support_contacts=notify, node_purpose=purpose,
            )  # fmt: skip

        def sent(_: None) -> None:
            self._sending = False
            self._show_outcome("ok", f"Resize to {new} accepted.")
            self._on_sent(dc, old, new)

        self.ctx.bridge.run(
            owned_call(session, self.owner, resize),
            on_result=sent,
            on_error=self._failed,
            what="resize",
        )

    def _failed(self, exc: BaseException) -> None:
        self._sending = False
        fields = getattr(exc, "field_errors", None) or {}
        for field, message in fields.items():
            slot = field if field in _SLOTS else "general"
            slot = "data_centre_id" if field == "clusterDataCentreId" else slot
            self.messages[slot].say(str(message), "error")
            if field == "nodePurpose":
                self._purpose_line.layout.display = None
                self.purpose.options = [("(not needed)", "")] + [
                    (p, p) for p in catalog.NODE_PURPOSES
                ]
        sent = not isinstance(exc, errors.ValidationError | errors.ReadOnlyKeyError)
        self._show_outcome("error", f"{'Not resized' if sent else 'Not sent'}: {error_text(exc)}")
        self._draw_review()

    def _show_outcome(self, tone: str, text: str) -> None:
        self.outcome_text = text
        self.outcome.say(text, tone)

    def close(self) -> None:
        """Cancel the question, this picker's queued requests, and close every widget."""
        if self._closed:
            return
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
        self.ctx.session.cancel_queued(self.owner)
        for child in self.children:
            close_tree(child)
        super().close()

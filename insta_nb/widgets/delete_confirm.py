"""Delete with confirmation: a first click never deletes.

``Delete`` opens an inline confirmation naming the cluster. ``Confirm delete`` is the
only control that deletes, and only while the confirmation is open; a PRODUCTION
cluster (or one whose tier is not known) also needs its name typed exactly. The
confirmation closes by itself after ``timeout`` seconds. Nothing here reacts to a key
press, and a second confirm while one is in flight does nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w

from insta_nb.widgets._bridge import TimerHandle, Timers
from insta_nb.widgets._shared_models import SharedModels
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.snapshot import TONES, esc

__all__ = [
    "DEFAULT_CONFIRM_TIMEOUT",
    "ConfirmState",
    "DeleteConfirm",
    "DeleteWording",
    "SharedModels",
    "needs_typed_name",
]

#: Seconds an open confirmation waits before it closes itself.
DEFAULT_CONFIRM_TIMEOUT = 10.0


def needs_typed_name(sla_tier: str | None) -> bool:
    """Whether deleting a cluster of ``sla_tier`` needs its name typed.

    Every tier but NON_PRODUCTION does, an unknown tier too: typing a name is cheap, a
    wrong delete is not. Single and bulk deletes both ask this.
    """
    return sla_tier != "NON_PRODUCTION"


@dataclass(frozen=True)
class DeleteWording:
    """How a delete question names what it deletes (the rules stay the same).

    Args:
        subject: Words before the name: "Delete {subject} <b>{name}</b>?" ("cluster",
            "the VPC peering to").
        typed: What must be typed, as the question says it ("its name", "the peer
            network's name").
        named_tooltip: The Delete button's tooltip names the thing (a row that shows the
            cluster's name next to the button may say "this cluster" instead: paging
            then does not resend a tooltip per row).
    """

    subject: str = "cluster"
    typed: str = "its name"
    named_tooltip: bool = True

    def delete_tip(self, name: str) -> str:
        """The Delete button's tooltip."""
        what = f"{self.subject} {name}" if self.named_tooltip else f"this {self.subject}"
        return f"Delete {what}… (asks for confirmation first)"


class ConfirmState(enum.Enum):
    """Where a delete stands: nothing asked, asking, or sent."""

    IDLE = "idle"
    CONFIRMING = "confirming"
    DELETING = "deleting"


class DeleteConfirm(w.HBox):
    """The Delete button of one cluster row and its inline confirmation.

    Args:
        name: The cluster's name, shown in the question and typed for PRODUCTION.
        on_confirm: Called once per confirmed delete (it starts the request).
        timers: Where the auto-revert timer runs.
        timeout: Seconds before an unanswered confirmation closes.
        needs_typed_name: Ask for the name to be typed (PRODUCTION, or tier unknown).
        place_panel: Shows or hides the question somewhere else (a table row puts it
            on a line of its own); default: next to the Delete button.
        disabled_reason: Why deleting is impossible here (e.g. a read-only key); the
            button stays disabled and says so.
        shared: Layout and style models to use instead of new ones (a table shares one
            set between all its rows: fewer models, a quicker first draw); never mutated.
        wording: What the question calls the thing deleted (default: a cluster).
        dom_classes: CSS classes of the box, sent with it (one message less than adding).
    """

    def __init__(
        self,
        name: str,
        on_confirm: Callable[[], None],
        timers: Timers,
        *,
        timeout: float = DEFAULT_CONFIRM_TIMEOUT,
        needs_typed_name: bool = True,
        place_panel: Callable[[w.Widget, bool], None] | None = None,
        disabled_reason: str | None = None,
        shared: SharedModels | None = None,
        wording: DeleteWording = DeleteWording(),
        dom_classes: tuple[str, ...] = (),
    ) -> None:
        self.wording = wording
        self._name = name
        self._on_confirm = on_confirm
        self._timers = timers
        self.timeout = timeout
        self.needs_typed_name = needs_typed_name
        self.state = ConfirmState.IDLE
        self._timer: TimerHandle | None = None
        self._panel: w.HBox | None = None
        self._place_panel = place_panel
        self._shared = shared
        self.delete_button = w.Button(
            description="Delete",
            icon="trash",
            tooltip=wording.delete_tip(name),
            **(
                {"layout": shared.button, "style": shared.button_style}
                if shared
                else {"layout": w.Layout(width="auto")}
            ),
        )
        self.disabled_reason = disabled_reason
        if disabled_reason:
            self.delete_button.disabled = True
            self.delete_button.tooltip = disabled_reason
        self.delete_button.on_click(self._on_delete)
        super().__init__(
            [self.delete_button],
            layout=shared.plain if shared else w.Layout(align_items="center", flex_flow="row wrap"),
            _dom_classes=dom_classes,
        )

    def _ensure_panel(self) -> w.HBox:
        # Built on the first click only: a table of 500 rows should not carry 2,000
        # hidden confirmation widgets.
        if self._panel is not None:
            return self._panel
        self.question = w.HTML()
        self.typed_name = w.Text(
            value="",
            placeholder=f"type {self._typed_noun()}",
            description="Name:",
            tooltip=f"Type {self._typed_noun()} exactly to enable Confirm",
            continuous_update=True,
            layout=w.Layout(width="220px"),
            style={"description_width": "auto"},
        )
        self.confirm_button = w.Button(
            description="Confirm delete",
            icon="exclamation-triangle",
            button_style="danger",
            tooltip=f"Delete {self.wording.subject} {self._name} now",
            disabled=True,
            layout=w.Layout(width="auto"),
        )
        self.cancel_button = w.Button(
            description="Keep",
            tooltip="Close this question without deleting",
            layout=w.Layout(width="auto"),
        )
        self.confirm_button.on_click(self._on_confirm_click)
        self.cancel_button.on_click(lambda _: self.revert())
        self.typed_name.observe(self._on_typed, names="value")
        self._panel = w.HBox(
            [self.question, self.typed_name, self.confirm_button, self.cancel_button],
            layout=w.Layout(align_items="center", flex_flow="row wrap", margin="0 0 4px 24px"),
        )
        return self._panel

    def _typed_noun(self) -> str:
        # "its name" reads well in the question only; a field's hint names the thing.
        typed = self.wording.typed
        return f"the {self.wording.subject}'s name" if typed == "its name" else typed

    @property
    def is_open(self) -> bool:
        """Whether the confirmation question is shown."""
        return self.state is ConfirmState.CONFIRMING

    @property
    def name(self) -> str:
        """The cluster name the question uses (and PRODUCTION must type)."""
        return self._name

    def set_name(self, name: str, needs_typed_name: bool) -> None:
        """The row learnt a new name or tier; an open question is asked again."""
        if name == self._name and needs_typed_name == self.needs_typed_name:
            return
        self._name, self.needs_typed_name = name, needs_typed_name
        if not self.disabled_reason:
            self.delete_button.tooltip = self.wording.delete_tip(name)
        if self._panel is not None:
            self.confirm_button.tooltip = f"Delete {self.wording.subject} {name} now"
        if self.state is ConfirmState.CONFIRMING:
            self.revert()

    # --- the steps --------------------------------------------------------------------

    def _on_delete(self, _: object = None) -> None:
        if self.state is not ConfirmState.IDLE or self.disabled_reason:
            return  # already asking (or deleting): a second click changes nothing
        self.state = ConfirmState.CONFIRMING
        panel = self._ensure_panel()
        typed = self.needs_typed_name
        ask = (
            f"Delete {esc(self.wording.subject)} <b>{esc(self._name)}</b>? This cannot be undone."
            + (f" Type {esc(self.wording.typed)} to confirm." if typed else "")
            + f' <span style="color:{TONES["muted"]};">(this question closes by itself'
            f" after {self.timeout:.0f} s)</span>"
        )
        self.question.value = (
            f'<span style="color:{TONES["text"]};" role="alert">'
            f'<span style="color:{TONES["warn"]};">⚠</span> {ask}</span>'
        )
        self.typed_name.value = ""
        self.typed_name.layout.display = None if typed else "none"
        self.confirm_button.disabled = typed
        self.delete_button.disabled = True
        self._show_panel(panel, True)
        self._timer = self._timers.call_later(self.timeout, self.revert)

    def _on_typed(self, change: dict[str, object]) -> None:
        if self.state is ConfirmState.CONFIRMING and self.needs_typed_name:
            self.confirm_button.disabled = change["new"] != self._name

    def _on_confirm_click(self, _: object = None) -> None:
        if self.state is not ConfirmState.CONFIRMING:
            return
        if self.needs_typed_name and self.typed_name.value != self._name:
            return
        self._cancel_timer()
        self.state = ConfirmState.DELETING
        self._hide_question(delete_disabled=True)
        self.delete_button.description = "Deleting…"
        self._on_confirm()

    def revert(self) -> None:
        """Close the question without deleting (Keep, timeout, or a changed row)."""
        if self.state is not ConfirmState.CONFIRMING:
            return
        self._cancel_timer()
        self.state = ConfirmState.IDLE
        self._hide_question(delete_disabled=False)

    def reset(self) -> None:
        """Forget any question or delete in progress (the row now shows another cluster)."""
        self._cancel_timer()
        if self.state is ConfirmState.CONFIRMING:
            self._hide_question(delete_disabled=False)
        self.failed()

    def mark_deleting(self) -> None:
        """The cluster is being deleted (by this view or another): nothing to ask."""
        if self.state is ConfirmState.CONFIRMING:
            self.revert()
        self.state = ConfirmState.DELETING
        self.delete_button.disabled = True
        self.delete_button.description = "Deleting…"

    def failed(self) -> None:
        """The delete request failed: offer the button again."""
        self.state = ConfirmState.IDLE
        self.delete_button.description = "Delete"
        self.delete_button.disabled = bool(self.disabled_reason)

    def _hide_question(self, *, delete_disabled: bool) -> None:
        if self._panel is not None:
            self._show_panel(self._panel, False)
            self.typed_name.value = ""
            self.confirm_button.disabled = True
        self.delete_button.disabled = delete_disabled or bool(self.disabled_reason)

    def _show_panel(self, panel: w.Widget, shown: bool) -> None:
        if self._place_panel is not None:
            self._place_panel(panel, shown)
        else:
            self.children = (self.delete_button, panel) if shown else (self.delete_button,)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def close(self) -> None:
        """Cancel the timeout and close every widget, the question too."""
        self._cancel_timer()
        if self._panel is not None:
            close_tree(self._panel)
        if self._shared is None:
            close_tree(self.delete_button)
        else:
            self.delete_button.close()  # its layout and style belong to the table
        super().close()

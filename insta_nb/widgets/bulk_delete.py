"""Delete the selected clusters with one confirmation that names every one of them.

The same rules as a single delete (:mod:`~insta_nb.widgets.delete_confirm`): nothing is
deleted before "Confirm delete" is clicked while the question is open; every cluster
whose tier is not NON_PRODUCTION (or is unknown) needs its name typed exactly, each in
its own field; the question closes by itself after ``timeout`` seconds; a second
confirm does nothing. The deletes then go through the session one by one, like single
deletes, so the request queue shows each of them and each failure lands on its row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as w

from insta_nb.session import ClusterRow
from insta_nb.widgets._bridge import TimerHandle, Timers
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.delete_confirm import DEFAULT_CONFIRM_TIMEOUT, needs_typed_name
from insta_nb.widgets.snapshot import TONES, esc

__all__ = ["BulkDeleteConfirm"]


class BulkDeleteConfirm(w.VBox):
    """The question shown by "Delete selected (N)".

    Args:
        on_confirm: Called once with the ids to delete, in the order listed.
        timers: Where the auto-close timer runs.
        timeout: Seconds before an unanswered question closes.
    """

    def __init__(
        self,
        on_confirm: Callable[[list[str]], None],
        timers: Timers,
        *,
        timeout: float = DEFAULT_CONFIRM_TIMEOUT,
    ) -> None:
        self._on_confirm = on_confirm
        self._timers = timers
        self.timeout = timeout
        self._timer: TimerHandle | None = None
        self._rows: list[ClusterRow] = []
        self.typed: dict[str, w.Text] = {}
        self.question = w.HTML()
        self.typed_box = w.VBox([])
        self.confirm_button = w.Button(
            description="Confirm delete",
            icon="exclamation-triangle",
            button_style="danger",
            tooltip="Delete every cluster listed above now",
            disabled=True,
            layout=w.Layout(width="auto"),
        )
        self.cancel_button = w.Button(
            description="Keep all",
            tooltip="Close this question without deleting anything",
            layout=w.Layout(width="auto"),
        )
        self.confirm_button.on_click(self._on_confirm_click)
        self.cancel_button.on_click(lambda _: self.cancel())
        super().__init__(
            [
                self.question,
                self.typed_box,
                w.HBox([self.confirm_button, self.cancel_button]),
            ],
            layout=w.Layout(
                display="none",
                border="1px solid var(--jp-warn-color1, #f57c00)",
                padding="4px 8px",
                margin="4px 0",
            ),
        )
        self.add_class("insta-nb-bulk-delete")

    @property
    def is_open(self) -> bool:
        """Whether the question is shown."""
        return bool(self._rows)

    @property
    def names(self) -> list[str]:
        """The names the open question lists."""
        return [r.name or r.id for r in self._rows]

    def ask(self, rows: Sequence[ClusterRow]) -> None:
        """Open the question for ``rows`` (replacing an open one)."""
        self._cancel_timer()
        self._rows = list(rows)
        if not self._rows:
            self.cancel()
            return
        typed_rows = [r for r in self._rows if needs_typed_name(r.sla_tier)]
        items = "".join(
            f"<li><b>{esc(r.name or r.id)}</b> <small>{esc(r.id[:8])} · "
            f"{esc(r.sla_tier or 'tier unknown')}</small></li>"
            for r in self._rows
        )
        typed_note = (
            f" Type the name of each of the {len(typed_rows)} PRODUCTION (or unknown-tier) "
            "clusters to confirm."
            if typed_rows
            else ""
        )
        self.question.value = (
            f'<div role="alert" style="color:{TONES["text"]};">'
            f'<span style="color:{TONES["warn"]};">⚠</span> Delete these '
            f"<b>{len(self._rows)}</b> clusters? This cannot be undone.{typed_note}"
            f'<ul style="margin:2px 0;max-height:14em;overflow:auto;">{items}</ul>'
            f'<span style="color:{TONES["muted"]};">(this question closes by itself after '
            f"{self.timeout:.0f} s)</span></div>"
        )
        for old in self.typed_box.children:
            close_tree(old)
        self.typed = {}
        for r in typed_rows:
            name = r.name or r.id
            field = w.Text(
                value="",
                placeholder=name,
                description=f"Type {name}:",
                tooltip=f"{name} is {r.sla_tier or 'of unknown tier'}: type its name exactly",
                continuous_update=True,
                style={"description_width": "initial"},
                layout=w.Layout(width="420px"),
            )
            field.observe(lambda _: self._draw_confirm(), names="value")
            self.typed[r.id] = field
        self.typed_box.children = tuple(self.typed.values())
        self._draw_confirm()
        self.layout.display = None
        self._timer = self._timers.call_later(self.timeout, self.cancel)

    def missing(self) -> list[str]:
        """Names still to be typed (exactly) before Confirm is possible."""
        return [
            r.name or r.id
            for r in self._rows
            if r.id in self.typed and self.typed[r.id].value != (r.name or r.id)
        ]

    def _draw_confirm(self) -> None:
        missing = self.missing()
        self.confirm_button.disabled = bool(missing) or not self._rows
        self.confirm_button.description = f"Confirm delete ({len(self._rows)})"
        self.confirm_button.tooltip = (
            f"Type first: {', '.join(missing)}"
            if missing
            else f"Delete these {len(self._rows)} clusters now"
        )

    def _on_confirm_click(self, _: object = None) -> None:
        if not self._rows or self.missing():
            return
        ids = [r.id for r in self._rows]
        self._close_question()
        self._on_confirm(ids)

    def cancel(self) -> None:
        """Close the question without deleting (Keep all, timeout, or a new selection)."""
        self._close_question()

    def _close_question(self) -> None:
        self._cancel_timer()
        self._rows = []
        self.confirm_button.disabled = True
        self.layout.display = "none"
        for field in self.typed.values():
            field.value = ""

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def close(self) -> None:
        """Cancel the timeout and close every widget."""
        self._cancel_timer()
        for child in self.children:
            close_tree(child)
        super().close()

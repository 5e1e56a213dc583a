"""A row's details area: what the list does not say, the plugged-in actions and panels.

Built when a row's details open and closed when they close. It shows data centres,
nodes with addresses, firewall rules, the facts a narrow table leaves out, when this
view first saw the cluster (the API does not say when a cluster was created), then an
action bar (:class:`~insta_nb.widgets.row_extensions.RowAction`), the place where the
last action used draws (a picker, a form), and one titled section per
:class:`~insta_nb.widgets.row_extensions.RowPanel`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import ipywidgets as w

from insta_nb.models import ClusterDetails, FirewallRule
from insta_nb.session import ClusterRow
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.row_extensions import RowAction, RowContext, RowPanel
from insta_nb.widgets.snapshot import esc, status_label, status_tone, table_html, toned

__all__ = ["RowDetails", "details_html", "first_seen_text"]


def first_seen_text(since: float | None) -> str:
    """``"first seen 14:02:11"`` (local time), or ``""`` when unknown.

    Only when this view first saw the cluster: the list does not say when it was created.
    """
    if since is None:
        return ""
    return "first seen " + time.strftime("%H:%M:%S", time.localtime(since))


class RowDetails(w.VBox):
    """The details of one row.

    Args:
        context: Makes the context actions and panels get (the row as drawn now).
        actions: Buttons of the action bar.
        panels: Sections built now and closed with the details.
    """

    def __init__(
        self,
        context: Callable[[], RowContext],
        actions: Sequence[RowAction],
        panels: Sequence[RowPanel],
    ) -> None:
        self._context = context
        self.body = w.HTML()
        #: What the last action used shows (its widget), under the action bar.
        self.action_box = w.VBox([])
        self._action_widget: tuple[RowAction | None, w.Widget] | None = None
        self._actions: list[tuple[RowAction, w.Button]] = []
        for action in actions:
            button = w.Button(
                description=action.label,
                icon=action.icon,
                tooltip=action.tooltip,
                layout=w.Layout(width="auto"),
            )
            button.on_click(lambda _, a=action: self.run(a))
            self._actions.append((action, button))
        self.action_bar = w.HBox(
            [b for _, b in self._actions], layout=w.Layout(flex_flow="row wrap")
        )
        if not self._actions:
            self.action_bar.layout.display = "none"
        ctx = self.context()
        self._panels: list[tuple[RowPanel, w.Widget]] = [(p, p.build(ctx)) for p in panels]
        sections: list[w.Widget] = []
        for panel, widget in self._panels:
            sections += [w.HTML(f"<b>{esc(panel.title)}</b>"), widget]
        super().__init__([self.body, self.action_bar, self.action_box, *sections])
        self.add_class("inb-second")
        self.add_class("insta-nb-row-details")
        self.show(ctx.row)

    def context(self) -> RowContext:
        """The row's context as actions and panels get it (``show`` draws here)."""
        return replace(self._context(), show=self.show_action)

    @property
    def action_widget(self) -> w.Widget | None:
        """What an action shows under the action bar, if anything."""
        return self._action_widget[1] if self._action_widget else None

    def run(self, action: RowAction) -> None:
        """Run ``action`` (its button's click) and draw the widget it returns."""
        widget = action.run(self.context())
        if widget is not None:
            self._place(action, widget)

    def show_action(self, widget: w.Widget | None) -> None:
        """Draw ``widget`` under the action bar, closing what was there; with ``None``,
        remove it and redraw the panels (what the action did may show there now)."""
        self._place(None, widget)
        if widget is None:
            self._update_panels()

    def _place(self, action: RowAction | None, widget: w.Widget | None) -> None:
        old = self.action_widget
        if widget is not None and widget is old and self._action_widget is not None:
            # run() returned what it had already shown through ctx.show: remember whose.
            self._action_widget = (action or self._action_widget[0], widget)
            return
        self._action_widget = None if widget is None else (action, widget)
        self.action_box.children = () if widget is None else (widget,)
        if old is not None and old is not widget:
            close_tree(old)

    def show(self, row: ClusterRow) -> None:
        """Redraw for ``row`` (values that did not change send nothing)."""
        self.body.value = details_html(row)
        for action, button in self._actions:
            button.disabled = not action.available(row)
        shown = self._action_widget
        if shown is not None and shown[0] is not None and shown[0].update is not None:
            shown[0].update(shown[1], self.context())
        self._update_panels()

    def _update_panels(self) -> None:
        if self._panels:
            ctx = self.context()
            for panel, widget in self._panels:
                if panel.update is not None:
                    panel.update(widget, ctx)

    def close(self) -> None:
        """Close every widget of the details, the panels too."""
        for child in self.children:
            close_tree(child)
        super().close()


def _facts_html(row: ClusterRow) -> str:
    facts = [
        ("Provider", row.provider),
        ("Region", row.region),
        ("Node size", row.node_size),
        ("SLA tier", row.sla_tier),
    ]
    known = " · ".join(f"{t} <b>{esc(v)}</b>" for t, v in facts if v)
    seen = first_seen_text(row.since)
    parts = [p for p in (known, toned(seen, "muted") if seen else "") if p]
    return f"<div>{' — '.join(parts)}</div>" if parts else ""


def details_html(row: ClusterRow) -> str:
    """Facts, data centres, nodes with addresses and firewall rules, as themed HTML."""
    head = _facts_html(row)
    return head + _topology_html(row.details, row.firewall_rules)


def _topology_html(details: ClusterDetails | None, rules: tuple[FirewallRule, ...] | None) -> str:
    if details is None:
        return toned("Loading details…", "muted")
    parts: list[str] = []
    for dc in details.data_centres:
        head = " · ".join(
            esc(x) for x in (dc.name or dc.id, dc.provider, dc.region, dc.network) if x
        )
        parts.append(
            f"<div><b>Data centre</b> {head} — "
            f"{toned(status_label(dc.status), status_tone(dc.status))}</div>"
        )
        rows = [
            [
                f'<code title="{esc(n.id)}">{esc(n.id[:8])}</code>',
                esc(n.rack or "—"),
                esc(n.size or "—"),
                toned(status_label(n.status), status_tone(n.status)),
                esc(n.public_address or "—"),
                esc(n.private_address or "—"),
            ]
            for n in dc.nodes
        ]
        if rows:
            parts.append(table_html(("Node", "Rack", "Size", "Status", "Public", "Private"), rows))
    if rules is None:
        parts.append(f"<div>{toned('Firewall rules: loading…', 'muted')}</div>")
    elif not rules:
        parts.append(f"<div><b>Firewall rules</b> {toned('none', 'muted')}</div>")
    else:
        items = "".join(
            f"<li><code>{esc(rule.target)}</code> "
            + ", ".join(f"{esc(r.type)} ({esc(r.status.value)})" for r in rule.rules)
            + "</li>"
            for rule in rules
        )
        parts.append(f"<div><b>Firewall rules</b><ul style='margin:2px 0;'>{items}</ul></div>")
    return "".join(parts) or toned("No data centres reported yet.", "muted")

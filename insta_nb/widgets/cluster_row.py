"""One cluster of the table: a row of small widgets updated in place.

A row remembers the :attr:`~insta_nb.service.ClusterRow.version` it shows and ignores
rows it has already drawn, so an unchanged refresh sends nothing. When a row did
change, each widget's traits change inside its ``hold_sync`` (one message per widget
at most). The details area (data centres, nodes, addresses, firewall rules) is drawn
only while it is open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from insta_nb.models import ClusterDetails, ClusterStatus, FirewallRule
from insta_nb.session import ClusterRow
from insta_nb.widgets._bridge import Timers
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.delete_confirm import DEFAULT_CONFIRM_TIMEOUT, DeleteConfirm
from insta_nb.widgets.snapshot import (
    TONES,
    age_text,
    esc,
    status_label,
    status_tone,
    table_html,
    toned,
)

__all__ = ["COLUMNS", "ClusterRowView", "details_html"]

#: Column title → CSS width; the table header uses the same list.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Cluster", "160px"),
    ("Status", "142px"),
    ("Nodes", "56px"),
    ("", "40px"),
    ("Provider", "72px"),
    ("Region", "98px"),
    ("Node size", "124px"),
    ("SLA tier", "128px"),
    ("Age", "46px"),
)
_WIDTH = dict(COLUMNS)
#: The columns drawn by the one ``facts_html`` widget, after the progress bar.
_FACTS = ("", "Provider", "Region", "Node size", "SLA tier", "Age")


#: Each widget of a row adds its margin (2 px a side); the one-widget header makes up for it.
_HEADER_EXTRA = {"Cluster": 4, "Status": 4, "Nodes": 6}


def spans_html(
    cells: list[str], titles: tuple[str, ...] = _FACTS, extra: dict[str, int] | None = None
) -> str:
    """Fixed-width inline cells (already HTML), lined up with the header's columns."""
    extra = extra or {}
    return "".join(
        f'<span style="display:inline-block;width:{_px(t, plus=extra.get(t, 0))};'
        "overflow:hidden;text-overflow:ellipsis;white-space:nowrap;"
        f'vertical-align:middle;">{c}</span>'
        for t, c in zip(titles, cells, strict=True)
    )


def header_html() -> str:
    """The table's column titles, as one HTML string."""
    titles = tuple(t for t, _ in COLUMNS)
    cells = [f'<b style="color:{TONES["muted"]};">{esc(t)}</b>' for t in titles]
    return f'<div style="white-space:nowrap;">{spans_html(cells, titles, _HEADER_EXTRA)}</div>'


def _px(*titles: str, plus: int = 0) -> str:
    return f"{sum(int(_WIDTH[t].removesuffix('px')) for t in titles) + plus}px"


def _cell(width: str) -> w.Layout:
    return w.Layout(width=width, min_width=width, overflow="hidden", flex="0 0 auto")


class ClusterRowView(w.VBox):
    """The widgets of one cluster; :meth:`show` draws a :class:`ClusterRow` if it is new.

    Kept small on purpose (about 25 widget models per row): the facts columns share one
    HTML widget, and the error line, the details area and the delete confirmation are
    only built when first needed.

    Args:
        row: What to draw first.
        timers: For the delete confirmation's timeout.
        now: Wall time, for the age column.
        on_delete: Called with the cluster id once a delete is confirmed.
        on_details: Called with ``(cluster_id, open)`` when the details area opens/closes.
        confirm_timeout: Seconds an unanswered delete question stays open.
        read_only: The session's key cannot delete: the button says so.
    """

    def __init__(
        self,
        row: ClusterRow,
        timers: Timers,
        now: float,
        *,
        on_delete: Callable[[str], None],
        on_details: Callable[[str, bool], None],
        confirm_timeout: float = DEFAULT_CONFIRM_TIMEOUT,
        read_only: bool = False,
    ) -> None:
        self.cluster_id = row.id
        self.row = row
        self.version = -1
        self._on_details = on_details
        self._local_error: str | None = None
        self._error_html: w.HTML | None = None
        self._details_html: w.HTML | None = None
        self._now = now
        self.name_html = w.HTML(layout=_cell(_WIDTH["Cluster"]))
        self.status_html = w.HTML(layout=_cell(_WIDTH["Status"]))
        self.progress = w.IntProgress(
            value=0,
            min=0,
            max=1,
            tooltip="Nodes RUNNING out of all nodes",
            layout=_cell(_WIDTH["Nodes"]),
        )
        facts_width = _px(*_FACTS)
        self.facts_html = w.HTML(layout=_cell(facts_width))
        self.details_toggle = w.ToggleButton(
            value=False,
            description="",
            icon="chevron-down",
            tooltip=f"Details of {row.name}: data centres, nodes, addresses, firewall rules",
            layout=w.Layout(width="36px", flex="0 0 auto"),
        )
        self.delete = DeleteConfirm(
            row.name,
            lambda: on_delete(self.cluster_id),
            timers,
            timeout=confirm_timeout,
            needs_typed_name=_needs_typed_name(row),
            place_panel=self._place_panel,
            disabled_reason="The API key is read-only: deleting is not possible"
            if read_only
            else None,
        )
        self.delete.layout.flex = "0 0 auto"
        self.details_toggle.observe(self._toggle_details, names="value")
        self.cells = w.HBox(
            [
                self.name_html,
                self.status_html,
                self.progress,
                self.facts_html,
                self.details_toggle,
                self.delete,
            ],
            # One line per cluster, lined up with the header; a narrow output scrolls the
            # table sideways (see ClusterTable) instead of wrapping cells out of line.
            layout=w.Layout(align_items="center", flex_flow="row nowrap", overflow="visible"),
        )
        super().__init__(
            [self.cells],
            layout=w.Layout(
                border_bottom="1px solid var(--jp-border-color2, #e0e0e0)",
                overflow="visible",
                width="max-content",
                min_width="100%",
            ),
        )
        self.add_class("insta-nb-row")
        self.show(row, now)

    # --- drawing ----------------------------------------------------------------------

    def show(self, row: ClusterRow, now: float) -> bool:
        """Draw ``row`` if its version is new; returns whether anything was set.

        Each widget gets its new values inside its own ``hold_sync``: one message per
        widget that changed, none for the others.
        """
        if row.version == self.version and row.id == self.cluster_id:
            return False
        self.row, self.version, self._now = row, row.version, now
        name = row.name or row.id
        with self.progress.hold_sync():
            self.progress.max = max(1, row.node_count)
            self.progress.value = min(row.running_node_count, self.progress.max)
            self.progress.bar_style = "success" if row.status is ClusterStatus.RUNNING else "info"
        self.name_html.value = (
            f'<span title="{esc(row.id)}"><b>{esc(name)}</b><br>'
            f'<small style="color:{TONES["muted"]};">{esc(row.id[:8])}</small></span>'
        )
        self.status_html.value = toned(
            status_label(row.status, row.pending),
            status_tone(row.status, row.pending),
            bold=True,
            title=f"Cluster status as the API reports it: {row.status.value}",
        )
        self.refresh_age(now)
        self.delete.set_name(name, _needs_typed_name(row))
        if row.status is ClusterStatus.DELETING or row.pending == "deleting":
            self.delete.delete_button.disabled = True
            self.delete.delete_button.description = "Deleting…"
        self._draw_error()
        if self.details_toggle.value:
            self.details_html.value = details_html(row.details, row.firewall_rules)
        return True

    def facts(self, now: float) -> list[str]:
        """Nodes, provider, region, node size, SLA tier and age, as text."""
        r = self.row
        return [
            f"{r.running_node_count}/{r.node_count}",
            r.provider or "—",
            r.region or "—",
            r.node_size or "—",
            r.sla_tier or "—",
            age_text(None if r.since is None else now - r.since),
        ]

    def refresh_age(self, now: float) -> None:
        """Redraw the facts (sends a message only when the text changed, e.g. the age)."""
        self._now = now
        cells = [esc(c) for c in self.facts(now)]
        cells[0] = f'<span title="Nodes RUNNING / all nodes">{cells[0]}</span>'
        self.facts_html.value = spans_html(cells)

    def show_error(self, message: str) -> None:
        """An action on this row failed (the table's bridge calls this)."""
        self._local_error = message
        self.delete.failed()
        self._draw_error()

    @property
    def error_html(self) -> w.HTML:
        """The row's error line (built when first needed)."""
        if self._error_html is None:
            self._error_html = w.HTML(layout=w.Layout(display="none", margin="0 0 0 12px"))
            _append(self, self._error_html)
        return self._error_html

    @property
    def details_html(self) -> w.HTML:
        """The details area (built when first opened)."""
        if self._details_html is None:
            self._details_html = w.HTML(layout=w.Layout(display="none", margin="0 0 4px 24px"))
            _append(self, self._details_html)
        return self._details_html

    def _place_panel(self, panel: w.Widget, shown: bool) -> None:
        # The delete question gets a line of its own under the row, not a squeezed cell.
        _place_second(self, panel, shown)

    def _draw_error(self) -> None:
        message = self._local_error or self.row.error
        if not message:
            if self._error_html is not None:
                self._error_html.layout.display = "none"
                self._error_html.value = ""
            return
        self.error_html.value = (
            f'<span role="alert" style="color:{TONES["text"]};">'
            f'<span style="color:{TONES["error"]};">✖</span> {esc(message)}</span>'
        )
        self.error_html.layout.display = None

    def clear_error(self) -> None:
        """Forget the last local error (a new action starts)."""
        self._local_error = None
        self._draw_error()

    def _toggle_details(self, change: dict[str, object]) -> None:
        opened = bool(change["new"])
        self.details_toggle.icon = "chevron-up" if opened else "chevron-down"
        if opened:
            self.details_html.value = details_html(self.row.details, self.row.firewall_rules)
        if self._details_html is not None:
            self._details_html.layout.display = None if opened else "none"
        self._on_details(self.cluster_id, opened)

    def text_cells(self, now: float) -> list[str]:
        """The row as text cells (for ``text/plain`` and the HTML snapshot)."""
        r = self.row
        return [r.name or r.id, status_label(r.status, r.pending), *self.facts(now)]

    def close(self) -> None:
        """Stop its details watch and close every widget of the row."""
        if self.details_toggle.value:
            self._on_details(self.cluster_id, False)
        self.delete.close()
        close_tree(self.cells)
        for extra in (self._error_html, self._details_html):
            if extra is not None:
                close_tree(extra)
        super().close()


def _place_second(box: Any, widget: w.Widget, shown: bool) -> None:
    rest = [c for c in box.children if c is not widget]
    wanted = (rest[0], widget, *rest[1:]) if shown else tuple(rest)
    if wanted != tuple(box.children):
        box.children = wanted


def _append(box: Any, widget: w.Widget) -> None:
    box.children = (*box.children, widget)


def _needs_typed_name(row: ClusterRow) -> bool:
    # An unknown tier is treated as PRODUCTION: typing a name is cheap, a wrong delete is not.
    return row.sla_tier != "NON_PRODUCTION"


def details_html(details: ClusterDetails | None, rules: tuple[FirewallRule, ...] | None) -> str:
    """Data centres, nodes with addresses, and firewall rules, as themed HTML."""
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

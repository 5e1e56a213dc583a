"""The cluster table without a kernel: its ``text/plain`` and static ``text/html``.

A mixin of :class:`~insta_nb.widgets.ClusterTable`. What GitHub, nbviewer or a notebook
reopened without its kernel shows: the title, when it was last updated, the banner, and
the clusters the filter keeps in the table's order, at most :data:`SNAPSHOT_ROWS` of
them followed by how many more there are (a saved notebook of 500 clusters stays small
and readable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from insta_nb.session import ClusterRow
from insta_nb.widgets._row_cells import text_cells
from insta_nb.widgets.snapshot import box_html, esc, table_html, text_table, toned
from insta_nb.widgets.table_query import select

if TYPE_CHECKING:
    import ipywidgets as w

    from insta_nb.session import Session
    from insta_nb.widgets.banner import Banner
    from insta_nb.widgets.table_controls import TableControls

__all__ = ["SNAPSHOT_ROWS", "TEXT_COLUMNS", "TableSnapshot", "more_text"]

#: Columns of the text and HTML snapshots.
TEXT_COLUMNS = (
    "Cluster", "Status", "Nodes", "Provider", "Region", "Node size", "SLA tier", "First seen",
)  # fmt: skip
#: Clusters listed in a snapshot at most; the rest are counted.
SNAPSHOT_ROWS = 50


def more_text(hidden: int) -> str:
    """``"… and 450 more clusters"`` (``""`` when none is left out)."""
    if hidden <= 0:
        return ""
    return f"… and {hidden} more cluster" + ("" if hidden == 1 else "s")


class TableSnapshot:
    """``snapshot_text`` / ``snapshot_html`` of the table (mixed into ClusterTable)."""

    session: Session
    banner: Banner
    controls: TableControls
    updated_label: w.Label
    _rows: dict[str, ClusterRow]
    _listed: bool

    def _snapshot_cells(self) -> tuple[list[list[str]], int]:
        matching = select(list(self._rows.values()), self.controls.query)
        shown = matching[:SNAPSHOT_ROWS]
        return [text_cells(r) for r in shown], len(matching) - len(shown)

    def snapshot_text(self) -> str:
        """The table as plain text (the first clusters the filter keeps, then a count)."""
        lines = [f"{self.title_text()} — {self.updated_label.value}"]
        if self.banner.text:
            lines.append(self.banner.text)
        cells, hidden = self._snapshot_cells()
        lines.append(text_table(TEXT_COLUMNS, cells) if cells else self._empty_text())
        if hidden:
            lines.append(more_text(hidden))
        return "\n".join(lines)

    def snapshot_html(self) -> str:
        """The table as static HTML (escaped, themed)."""
        cells, hidden = self._snapshot_cells()
        escaped = [[esc(c) for c in row] for row in cells]
        body = table_html(TEXT_COLUMNS, escaped) if cells else toned(self._empty_text(), "muted")
        if hidden:
            body += f"<div>{toned(more_text(hidden), 'muted')}</div>"
        if self.banner.text:
            body = f"<div>{esc(self.banner.text)}</div>" + body
        return box_html(self.title_text(), body, note=self.updated_label.value)

    def title_text(self) -> str:
        """The title, saying when the session is the embedded simulator."""
        return "Clusters" + (" (embedded simulator)" if self.session.is_simulated else "")

    def _empty_text(self) -> str:
        return "No clusters in this account yet." if self._listed else "Not listed yet."

"""A cluster row as cells: the HTML grid of one table line and its text twin.

Pure functions of a :class:`~insta_nb.service.ClusterRow` (no widgets), shared by the
row widgets, the static snapshots and the header. The status cell also says how far a
resize is ("resizing 2/3 nodes", from the row's details) so a user sees it without
opening the details.
"""

from __future__ import annotations

from insta_nb.models import ClusterStatus
from insta_nb.session import ClusterRow
from insta_nb.widgets.row_details import first_seen_text
from insta_nb.widgets.snapshot import TONES, esc, status_label, status_tone, toned

__all__ = ["PRIMARY", "SECONDARY", "cells_html", "resize_text", "status_text", "text_cells"]

#: Columns every row shows at any width.
PRIMARY = ("Cluster", "Status", "Nodes")
#: Columns that get their own column in a wide table and wrap under the status otherwise.
SECONDARY = ("Provider", "Region", "Node size", "SLA tier")


def resize_text(row: ClusterRow) -> str:
    """``"resizing 2/3 nodes"`` while a data centre is being resized, else ``""``.

    Nodes back in service at the target size out of the nodes of the data centres being
    resized (the row's details; a row known only from the list says nothing).
    """
    progress = row.details.resize_progress if row.details is not None else None
    if progress is None:
        return ""
    done, total = progress
    return f"resizing {done}/{total} nodes"


def _pending(row: ClusterRow) -> str | None:
    # "(resizing…)" says less than the count next to it once the details tell the count.
    return None if row.pending == "resizing" and resize_text(row) else row.pending


def status_text(row: ClusterRow) -> str:
    """``"✓ RUNNING"``, or ``"✓ RUNNING · resizing 2/3 nodes"`` while resizing."""
    resizing = resize_text(row)
    label = status_label(row.status, _pending(row))
    return f"{label} · {resizing}" if resizing else label


def cells_html(row: ClusterRow) -> str:
    """Name, status, nodes and the secondary facts of ``row``, as the grid's cells."""
    name = row.name or row.id
    done = row.status is ClusterStatus.RUNNING
    total = max(1, row.node_count)
    share = min(row.running_node_count, total) * 100 // total
    status = toned(
        status_label(row.status, _pending(row)),
        status_tone(row.status, row.pending),
        bold=True,
        title=f"Cluster status as the API reports it: {row.status.value}",
    )
    nodes = (
        f'<span class="inb-nodes" role="progressbar" aria-label="Nodes running"'
        f' aria-valuemin="0" aria-valuemax="{row.node_count}"'
        f' aria-valuenow="{row.running_node_count}" title="Nodes RUNNING / all nodes">'
        f'<span class="inb-bar{" inb-done" if done else ""}"><span style="width:{share}%">'
        f"</span></span>{row.running_node_count}/{row.node_count}</span>"
    )
    return (
        f'<div class="inb-cells"><span class="inb-name" title="{esc(row.id)}"><b>{esc(name)}</b>'
        f"<small>{esc(row.id[:8])}</small></span>"
        f'<span class="inb-status">{status}{_resize_html(row)}</span>{nodes}'
        f'<span class="inb-more">{_secondary(row)}</span></div>'
    )


def _secondary(row: ClusterRow) -> str:
    tier = row.sla_tier or "—"
    tier_cell = f'<span title="SLA tier">{esc(tier)}</span>'
    if row.details is None and not (row.provider or row.region or row.node_size):
        # Listed but not fetched yet: the list does not carry these; say so, once.
        wait = f'<span class="inb-wait" style="color:{TONES["muted"]};">details loading…</span>'
        return f"{wait} {tier_cell}"
    cells = [
        (t, v or "—")
        for t, v in zip(SECONDARY[:3], (row.provider, row.region, row.node_size), strict=True)
    ]
    # Spaces between the spans: where a narrow table may wrap the line.
    return " ".join([*(f'<span title="{esc(t)}">{esc(v)}</span>' for t, v in cells), tier_cell])


def _resize_html(row: ClusterRow) -> str:
    # A line of its own under the status word: the status column stays narrow.
    resizing = resize_text(row)
    if not resizing:
        return ""
    return (
        f'<small class="inb-resizing" title="Nodes at the new size / nodes being resized"'
        f' style="color:{TONES["text"]};">{esc(resizing)}</small>'
    )


def text_cells(row: ClusterRow) -> list[str]:
    """A row as text: name, status, nodes, the secondary facts and when it was first seen."""
    return [
        row.name or row.id,
        status_text(row),
        f"{row.running_node_count}/{row.node_count}",
        row.provider or "—",
        row.region or "—",
        row.node_size or "—",
        row.sla_tier or "—",
        first_seen_text(row.since).removeprefix("first seen ") or "—",
    ]

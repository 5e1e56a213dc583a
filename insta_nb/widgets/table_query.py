"""Which clusters the table shows, in which order, on which page (pure functions, no widgets).

The table keeps every row the session knows but builds widgets only for one page of
them; this module turns (rows, what the user asked for) into that page. Sorting is
stable and always ends on name then id, so two refreshes of the same rows put them on
the same lines and an unchanged refresh moves nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from insta_nb.models import ClusterStatus
from insta_nb.session import ClusterRow

__all__ = [
    "PAGE_SIZES",
    "SORT_KEYS",
    "STATUS_FILTERS",
    "PageSlice",
    "TableQuery",
    "page_of",
    "select",
]

#: Rows per page offered; the first page is built at once, the others on demand.
PAGE_SIZES: tuple[int, ...] = (25, 50, 100, 200)

_ATTENTION = {
    ClusterStatus.FAILED,
    ClusterStatus.DEGRADED,
    ClusterStatus.DEFERRED,
    ClusterStatus.UNKNOWN,
}
_GONE = {ClusterStatus.DELETING, ClusterStatus.DELETED}


def _deleting(r: ClusterRow) -> bool:
    return r.status in _GONE or r.pending == "deleting"


#: Status filter label → which rows it keeps (groups a person thinks in, not 12 enum values).
STATUS_FILTERS: dict[str, Callable[[ClusterRow], bool]] = {
    "All statuses": lambda r: True,
    "Running": lambda r: r.status is ClusterStatus.RUNNING and not _deleting(r),
    "In progress": lambda r: (
        (r.status.is_transitional or r.pending in ("creating", "reconciling")) and not _deleting(r)
    ),
    "Needs attention": lambda r: r.status in _ATTENTION or bool(r.error),
    "Deleting": _deleting,
}

_STATUS_ORDER = {s: i for i, s in enumerate(ClusterStatus)}


def _text(value: str | None) -> tuple[bool, str]:
    # Unknown values sort last whichever way the column is sorted.
    return (value is None, (value or "").casefold())


#: Column title → sort key (ties are broken by name, then id).
SORT_KEYS: dict[str, Callable[[ClusterRow], Any]] = {
    "Cluster": lambda r: (),
    "Status": lambda r: (_deleting(r), _STATUS_ORDER.get(r.status, 99)),
    "Nodes": lambda r: (r.node_count, r.running_node_count),
    "Provider": lambda r: _text(r.provider),
    "Region": lambda r: _text(r.region),
    "Node size": lambda r: _text(r.node_size),
    "SLA tier": lambda r: _text(r.sla_tier),
    "First seen": lambda r: (r.since is None, r.since or 0.0),
}


@dataclass(frozen=True)
class TableQuery:
    """What the user asked the table for: a name filter, a status group, an order, a page."""

    text: str = ""
    status: str = "All statuses"
    sort: str = "Cluster"
    descending: bool = False
    page_size: int = 50
    page: int = 0


def _name_key(r: ClusterRow) -> tuple[str, str]:
    return ((r.name or r.id).casefold(), r.id)


def select(rows: Sequence[ClusterRow], query: TableQuery) -> list[ClusterRow]:
    """The rows that match ``query``'s filters, in its order."""
    needle = query.text.strip().casefold()
    keep = STATUS_FILTERS.get(query.status, STATUS_FILTERS["All statuses"])
    found = [
        r
        for r in rows
        if keep(r) and (not needle or needle in (r.name or "").casefold() or needle in r.id)
    ]
    found.sort(key=_name_key)
    if query.sort != "Cluster":
        # Stable: equal keys keep name order in both directions.
        found.sort(key=SORT_KEYS[query.sort], reverse=query.descending)
    elif query.descending:
        found.reverse()
    return found


@dataclass(frozen=True)
class PageSlice:
    """One page of the selected rows: ``rows[start:stop]`` of ``matching``."""

    page: int
    pages: int
    start: int
    stop: int
    matching: int

    @property
    def label(self) -> str:
        """``"1–50 of 500"`` (``"0 of 0"`` when nothing matches)."""
        if not self.matching:
            return "0 of 0"
        return f"{self.start + 1}–{self.stop} of {self.matching}"


def page_of(matching: int, query: TableQuery) -> PageSlice:
    """The page ``query`` asks for, moved back onto the last page when rows went away."""
    size = max(1, query.page_size)
    pages = max(1, -(-matching // size))
    page = min(max(0, query.page), pages - 1)
    start = page * size
    return PageSlice(page, pages, start, min(matching, start + size), matching)

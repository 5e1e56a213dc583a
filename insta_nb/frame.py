"""The cluster inventory as a pandas DataFrame: fixed columns, dtypes and order.

A pure function of the rows, so the table widget, exports and tests agree on one
shape, and an empty inventory still has every column.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from insta_nb.service.inventory import ClusterRow

__all__ = ["COLUMNS", "clusters_frame"]

#: Column name → pandas dtype.
COLUMNS: dict[str, str] = {
    "id": "string",
    "name": "string",
    "status": "string",
    "running_nodes": "Int64",
    "nodes": "Int64",
    "progress": "Float64",
    "provider": "string",
    "region": "string",
    "node_size": "string",
    "sla_tier": "string",
    "since": "datetime64[ns, UTC]",
    "pending": "string",
    "error": "string",
}


def clusters_frame(rows: Iterable[ClusterRow]) -> pd.DataFrame:
    """One row per cluster, indexed by position, sorted by name then id."""
    records = [
        {
            "id": r.id,
            "name": r.name,
            "status": r.status.value,
            "running_nodes": r.running_node_count,
            "nodes": r.node_count,
            "progress": r.progress,
            "provider": r.provider,
            "region": r.region,
            "node_size": r.node_size,
            "sla_tier": r.sla_tier,
            "since": pd.Timestamp(r.since, unit="s", tz="UTC") if r.since is not None else pd.NaT,
            "pending": r.pending,
            "error": r.error,
        }
        for r in sorted(rows, key=lambda r: (r.name, r.id))
    ]
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    return frame.astype(COLUMNS)

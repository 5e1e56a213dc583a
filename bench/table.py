"""Cluster table refresh cost: widget messages and Python time per refresh.

For 10, 100 and 500 clusters, measures what ``ClusterTable.show_rows`` (what every
inventory change leads to) sends to the frontend and how long it takes:

* ``unchanged_msgs_N``: messages when the refresh changed nothing (every row at the
  version already drawn);
* ``one_row_msgs_N``: messages when exactly one row changed (its status and nodes);
* ``refresh_ms_N``: median Python milliseconds of one refresh with one changed row;
* ``unchanged_refresh_ms_N``: the same for a refresh that changed nothing;
* ``first_draw_ms_N``: building the N row widgets the first time.

Messages are counted by hooking ``comm.send`` of every widget model of the table (rows,
their layouts, the containers). No kernel and no network: the table sits on a session
over the in-process simulator, and rows are fed to it directly. The last line printed is
one JSON object.

Run: ``.venv/bin/python bench/table.py``
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from insta_nb.models import ClusterStatus
from insta_nb.service import ClusterRow
from insta_nb.widgets import ClusterTable
from insta_nb.widgets._tree import walk
from tests.widgets.conftest import close_world, make_world

SIZES = (10, 100, 500)
REPEATS = 15


class Counter:
    def __init__(self, root: Any) -> None:
        self.total = 0
        for widget in walk(root):
            comm = widget.comm
            if comm is None:
                continue
            original = comm.send

            def send(*args: Any, _original: Any = original, **kw: Any) -> Any:
                self.total += 1
                return _original(*args, **kw)

            comm.send = send


def rows(n: int) -> list[ClusterRow]:
    return [
        ClusterRow(
            id=f"00000000-0000-4000-8000-{i:012d}",
            name=f"cluster_{i:04d}",
            status=ClusterStatus.RUNNING,
            node_count=3,
            running_node_count=3,
            provider="AWS_VPC",
            region="US_WEST_2",
            node_size="t3.small-v2",
            sla_tier="NON_PRODUCTION",
            since=1_700_000_000.0,
            version=1,
        )
        for i in range(n)
    ]


def measure(n: int) -> dict[str, float]:
    world = make_world()
    try:
        table = ClusterTable(world.session, bridge=world.bridge(), watch=False)
        current = rows(n)
        start = time.perf_counter()
        table.show_rows(current)
        build_ms = (time.perf_counter() - start) * 1000
        counter = Counter(table)
        table.show_rows(current)
        unchanged = counter.total

        times: list[float] = []
        one_row = 0
        for k in range(REPEATS):
            target = current[n // 2]
            status = ClusterStatus.PROVISIONING if k % 2 == 0 else ClusterStatus.RUNNING
            current[n // 2] = replace(
                target,
                status=status,
                running_node_count=2 if k % 2 == 0 else 3,
                version=target.version + 1,
            )
            counter.total = 0
            start = time.perf_counter()
            table.show_rows(current)
            times.append((time.perf_counter() - start) * 1000)
            one_row = max(one_row, counter.total)

        unchanged_times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            table.show_rows(current)
            unchanged_times.append((time.perf_counter() - start) * 1000)
        table.close()
        return {
            f"unchanged_msgs_{n}": unchanged,
            f"one_row_msgs_{n}": one_row,
            f"refresh_ms_{n}": round(statistics.median(times), 3),
            f"unchanged_refresh_ms_{n}": round(statistics.median(unchanged_times), 3),
            f"first_draw_ms_{n}": round(build_ms, 1),
        }
    finally:
        close_world(world)


def main() -> None:
    result: dict[str, float] = {}
    for n in SIZES:
        figures = measure(n)
        result.update(figures)
        print(
            f"{n:4d} clusters: unchanged refresh {figures[f'unchanged_msgs_{n}']} messages "
            f"({figures[f'unchanged_refresh_ms_{n}']} ms); one changed row "
            f"{figures[f'one_row_msgs_{n}']} messages ({figures[f'refresh_ms_{n}']} ms); "
            f"first draw {figures[f'first_draw_ms_{n}']} ms"
        )
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()

"""Cluster table refresh cost: widget messages and Python time per refresh.

For 10, 100 and 500 clusters, measures what ``ClusterTable.show_rows`` (what every
inventory change leads to) sends to the frontend and how long it takes. The table shows
one page of 50 rows (its default), sorted by name:

* ``first_draw_ms_N``: kernel-side first draw: building the table *and* drawing the
  list of N clusters (the count, the pager and the first page's row widgets);
* ``models_N``: widget models the table holds after that first draw;
* ``unchanged_msgs_N``: messages when the refresh changed nothing (every row at the
  version already drawn);
* ``one_row_msgs_N``: messages when exactly one row *on the page in view* changed (its
  status and nodes);
* ``offpage_row_msgs_N``: messages when exactly one row on another page changed
  (``null`` when every cluster fits on the first page);
* ``refresh_ms_N``: median Python milliseconds of one refresh with one changed row;
* ``unchanged_refresh_ms_N``: the same for a refresh that changed nothing;
* ``next_page_msgs_N`` / ``next_page_ms_N``: going to page 2 (the same row widgets
  show other clusters; ``null`` for one page).

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


def change(current: list[ClusterRow], index: int, k: int) -> None:
    target = current[index]
    current[index] = replace(
        target,
        status=ClusterStatus.PROVISIONING if k % 2 == 0 else ClusterStatus.RUNNING,
        running_node_count=2 if k % 2 == 0 else 3,
        version=target.version + 1,
    )


def measure(n: int) -> dict[str, float | None]:
    world = make_world()
    try:
        bridge = world.bridge()
        current = rows(n)
        start = time.perf_counter()
        table = ClusterTable(world.session, bridge=bridge, watch=False)
        table.show_rows(current)
        build_ms = (time.perf_counter() - start) * 1000
        models = sum(1 for _ in walk(table))
        page = table.controls.query.page_size
        counter = Counter(table)
        table.show_rows(current)
        unchanged = counter.total

        offpage: int | None = None
        if n > page:
            counter.total = 0
            change(current, n - 1, 0)  # the last by name: on the last page
            table.show_rows(current)
            offpage = counter.total

        times: list[float] = []
        one_row = 0
        for k in range(REPEATS):
            target = current[min(5, n - 1)]  # on the first page, which is in view
            status = ClusterStatus.PROVISIONING if k % 2 == 0 else ClusterStatus.RUNNING
            current[min(5, n - 1)] = replace(
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
        flip_msgs: int | None = None
        flip_ms: float | None = None
        if n > page:
            counter.total = 0
            start = time.perf_counter()
            table.controls.next_button.click()
            flip_ms = round((time.perf_counter() - start) * 1000, 1)
            flip_msgs = counter.total
            assert table.controls.pager_label.value.startswith(f"{page + 1}–")
        table.close()
        return {
            f"unchanged_msgs_{n}": unchanged,
            f"one_row_msgs_{n}": one_row,
            f"offpage_row_msgs_{n}": offpage,
            f"refresh_ms_{n}": round(statistics.median(times), 3),
            f"unchanged_refresh_ms_{n}": round(statistics.median(unchanged_times), 3),
            f"first_draw_ms_{n}": round(build_ms, 1),
            f"models_{n}": models,
            f"next_page_msgs_{n}": flip_msgs,
            f"next_page_ms_{n}": flip_ms,
        }
    finally:
        close_world(world)


def main() -> None:
    result: dict[str, float | None] = {}
    measure(10)  # warm-up: the first widgets of a process pay for trait set-up
    for n in SIZES:
        figures = measure(n)
        result.update(figures)
        print(
            f"{n:4d} clusters: first draw {figures[f'first_draw_ms_{n}']} ms "
            f"({figures[f'models_{n}']} models); unchanged refresh "
            f"{figures[f'unchanged_msgs_{n}']} messages "
            f"({figures[f'unchanged_refresh_ms_{n}']} ms); one changed row in view "
            f"{figures[f'one_row_msgs_{n}']} messages "
            f"({figures[f'refresh_ms_{n}']} ms), off the page "
            f"{figures[f'offpage_row_msgs_{n}']}; next page {figures[f'next_page_msgs_{n}']} "
            f"messages ({figures[f'next_page_ms_{n}']} ms)"
        )
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()

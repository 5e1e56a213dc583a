"""Cluster table in a real browser: from running the dashboard cell to "N clusters" on screen.

For N = 10, 100 and 500 clusters, a simulator pre-populated with N clusters is served on
127.0.0.1, a real JupyterLab 4 runs on loopback and Debian's chromium (Playwright, 1400 ×
1000) opens a notebook of two cells: the first connects (`insta_nb.connect(...)`, run
before timing starts), the second is `dashboard(session)`. Timing starts when that cell is
executed and ends, measured in the page with a MutationObserver, when

* ``count_ms_N``: the element with CSS class ``insta-nb-table-count`` reads N ("500
  clusters"). If the table has no such element, the time until N rows exist is used
  instead and ``method`` says ``"rows"`` (a paged table never gets there);
* ``first_row_ms_N``: the first cluster row (``.insta-nb-row``) has a size on screen;
* ``board_ms_N``: the dashboard itself (``.insta-nb-dashboard``) has a size on screen,
  before any cluster is listed: what the widgets cost before the table's own work.

Both are DOM times: painting adds about one frame. Each figure is the median of
``--repeats`` runs, each in a fresh page and kernel, after one discarded warm-up run.
With ``--voila`` the same notebook is also opened in Voila, which runs it on page load:
``voila_count_ms_N`` / ``voila_first_row_ms_N`` count from the navigation's start, so
they include starting a kernel and importing insta_nb.

The kernels import insta_nb from this script's repository (``PYTHONPATH``), so a
``git worktree`` of a given commit measures that commit. Nothing leaves loopback; the
run stops by itself. The last line printed is one JSON object.

Run: ``.venv/bin/python bench/table_browser.py [--sizes 10 100 500] [--repeats 3] [--voila]``
(``--only-voila`` skips JupyterLab).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

from insta_nb.backends.v1 import wire  # noqa: E402
from insta_nb.models import BundleSpec, ClusterSpec, ProviderSpec, RackAllocation  # noqa: E402
from insta_nb.simulator import Simulator, SimulatorSettings  # noqa: E402
from tests.harness.browser import launch_chromium, new_page, open_notebook  # noqa: E402
from tests.harness.jupyter_server import JupyterServer, start_jupyter_server  # noqa: E402
from tests.harness.notebooks import write_notebook  # noqa: E402

SIZES = (10, 100, 500)
TARGET_MS_AT_500 = 1000
TIMEOUT_S = 120.0
VIEWPORT = {"width": 1400, "height": 1000}

#: Installed before any page script: records when the count reads N and when the first
#: row has a size, in the page's own clock (ms since navigation start).
OBSERVER_JS = """
(() => {
  const n = %d;
  const says = new RegExp('^\\\\s*' + n + '(\\\\D|$)');
  const b = window.__bench = {t0: null, count: null, countText: null, rows: null,
                              firstRow: null, board: null};
  const check = () => {
    const now = performance.now();
    if (b.board === null) {
      const board = document.querySelector('.insta-nb-dashboard');
      if (board && board.getBoundingClientRect().height > 0) b.board = now;
    }
    if (b.firstRow === null) {
      const row = document.querySelector('.insta-nb-row');
      if (row) {
        const box = row.getBoundingClientRect();
        if (box.width > 0 && box.height > 0) b.firstRow = now;
      }
    }
    if (b.count === null) {
      const count = document.querySelector('.insta-nb-table-count');
      if (count && says.test(count.textContent)) {
        b.count = now;
        b.countText = count.textContent.trim();
      }
    }
    if (b.rows === null && document.querySelectorAll('.insta-nb-row').length >= n) {
      b.rows = now;
    }
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true,
                                                 characterData: true, attributes: true});
})();
"""

RUN_CELL_JS = """
async ([index, timed]) => {
  const app = window.jupyterapp;
  const notebook = app.shell.currentWidget.content;
  notebook.activeCellIndex = index;
  if (timed) {
    window.__bench.t0 = performance.now();
    app.commands.execute('notebook:run-cell');  // not awaited: the observer times it
    return;
  }
  await app.commands.execute('notebook:run-cell');
}
"""

DONE_JS = "() => window.__bench.count !== null || window.__bench.rows !== null"


def spec(name: str) -> ClusterSpec:
    return ClusterSpec(
        cluster_name=name,
        bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1"),),
        provider=ProviderSpec("AWS_VPC"),
        data_centre="US_WEST_2",
        node_size="t3.small-v2",
        sla_tier="NON_PRODUCTION",
        rack_allocation=RackAllocation(3, 1),
        cluster_network="10.224.0.0/16",
    )


@contextmanager
def populated_simulator(n: int) -> Iterator[tuple[Simulator, str]]:
    """A simulator served on loopback holding `n` clusters, all RUNNING by the first look."""
    # No rate limiter (populating is not what is measured); lifecycles 1000 × faster.
    sim = Simulator(settings=SimulatorSettings(interval=None, speed=1000.0))
    with sim.serve() as url:
        auth = (sim.credentials.username, sim.credentials.api_key)
        with httpx.Client(base_url=url, auth=auth, timeout=30, trust_env=False) as client:
            for i in range(n):
                body = wire.spec_to_json(spec(f"bench_{n}_{i:04d}"))
                client.post(wire.CREATE_EXTENDED_PATH, json=body).raise_for_status()
        assert len(sim.cluster_records()) == n
        yield sim, url


def cells(sim: Simulator, url: str) -> list[str]:
    setup = (
        "import insta_nb\n"
        "from insta_nb.widgets import dashboard\n"
        f"session = insta_nb.connect({sim.credentials.username!r}, "
        f"{sim.credentials.api_key!r}, {url!r}, interval=0.2)"
    )
    return [setup, "board = dashboard(session)\nboard"]


def result(page: Page, t0: float) -> dict[str, Any]:
    b = page.evaluate("() => window.__bench")
    method = "count" if b["count"] is not None else "rows"
    exists = b["count"] if b["count"] is not None else b["rows"]
    first_row = b["firstRow"]
    board = b["board"]
    return {
        "board_ms": None if board is None else round(board - t0, 1),
        "method": method,
        "count_text": b["countText"],
        "count_ms": round(exists - t0, 1),
        "first_row_ms": None if first_row is None else round(first_row - t0, 1),
    }


def run_lab(browser: Browser, server: JupyterServer, notebook: str, n: int) -> dict[str, Any]:
    page = new_page(browser, width=VIEWPORT["width"], height=VIEWPORT["height"])
    try:
        page.add_init_script(OBSERVER_JS % n)
        open_notebook(page, server, notebook, timeout=TIMEOUT_S)
        page.evaluate(RUN_CELL_JS, [0, False])  # connect: not timed
        page.evaluate(RUN_CELL_JS, [1, True])
        page.wait_for_function(DONE_JS, timeout=TIMEOUT_S * 1000, polling=50)
        page.wait_for_timeout(300)  # let the first row's time land if it comes later
        b = page.evaluate("() => window.__bench")
        return result(page, b["t0"])
    finally:
        page.context.close()
        for kernel in server.kernels():
            server.api("DELETE", f"/api/kernels/{kernel['id']}")


def run_voila(browser: Browser, server: JupyterServer, notebook: str, n: int) -> dict[str, Any]:
    # A Voila server of its own per run: stopping it is the one sure way to stop the
    # page's kernel (a closed page may leave it polling; a killed one is restarted).
    fresh = start_jupyter_server(
        "voila", files=[server.root_dir / notebook], env={"PYTHONPATH": str(ROOT)}
    )
    page = new_page(browser, width=VIEWPORT["width"], height=VIEWPORT["height"])
    try:
        page.add_init_script(OBSERVER_JS % n)
        page.goto(fresh.notebook_url(notebook), wait_until="commit", timeout=TIMEOUT_S * 1000)
        page.wait_for_function(DONE_JS, timeout=TIMEOUT_S * 1000, polling=50)
        page.wait_for_timeout(300)
        return result(page, 0.0)  # performance.now() counts from the navigation's start
    finally:
        page.context.close()
        fresh.stop()


def measure(
    browser: Browser, server: JupyterServer, app: str, n: int, repeats: int, base: Path
) -> dict[str, Any]:
    runs: list[dict[str, Any]] = []
    run = run_voila if app == "voila" else run_lab
    with populated_simulator(n) as (sim, url):
        for index in range(repeats + 1):  # run 0 warms up and is discarded
            name = f"bench-{app}-{n}-{index}.ipynb"
            write_notebook(server.root_dir / name, cells(sim, url))
            figures = run(browser, server, name, n)
            print(f"  {app} N={n} run {index}{' (warm-up)' if index == 0 else ''}: {figures}")
            if index:
                runs.append(figures)
        if sim.app_errors:
            raise RuntimeError(f"simulator errors: {sim.app_errors}")
    return {
        "method": runs[-1]["method"],
        "count_text": runs[-1]["count_text"],
        "count_ms": statistics.median(r["count_ms"] for r in runs),
        "count_ms_max": max(r["count_ms"] for r in runs),
        "first_row_ms": _median([r["first_row_ms"] for r in runs]),
        "board_ms": _median([r["board_ms"] for r in runs]),
    }


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def describe_code() -> str:
    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip()

    dirty = git("status", "--porcelain", "--", "insta_nb/widgets")
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return f"{commit}{' + uncommitted widget changes' if dirty else ''} at {ROOT}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--voila", action="store_true", help="also measure in Voila")
    parser.add_argument("--only-voila", action="store_true", help="measure in Voila only")
    args = parser.parse_args()
    apps = ["voila"] if args.only_voila else ["lab", "voila"] if args.voila else ["lab"]
    code = describe_code()
    print(f"table code: {code}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()}")
    figures: dict[str, Any] = {"code": code}
    # Kernels import insta_nb from this repository, whatever the venv's editable install says.
    env = {"PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="insta_nb-bench-") as tmp, ExitStack() as stack:
        base = Path(tmp)
        playwright = stack.enter_context(sync_playwright())
        browser = launch_chromium(playwright)
        stack.callback(browser.close)
        for app in apps:
            started = time.monotonic()
            server = start_jupyter_server(app, base_dir=base / app, env=env)  # type: ignore[arg-type]
            stack.callback(server.stop)
            print(f"{app}: server up in {time.monotonic() - started:.1f} s")
            prefix = "" if app == "lab" else "voila_"
            for n in args.sizes:
                m = measure(browser, server, app, n, args.repeats, base)
                figures[f"{prefix}method_{n}"] = m["method"]
                figures[f"{prefix}count_ms_{n}"] = m["count_ms"]
                figures[f"{prefix}count_ms_max_{n}"] = m["count_ms_max"]
                figures[f"{prefix}first_row_ms_{n}"] = m["first_row_ms"]
                figures[f"{prefix}board_ms_{n}"] = m["board_ms"]
                print(
                    f"{app} N={n}: '{m['count_text'] or f'{n} rows'}' after "
                    f"{m['count_ms']:.0f} ms (median; max {m['count_ms_max']:.0f}), first row "
                    f"after {m['first_row_ms']} ms, by {m['method']}"
                )
            server.stop()
    if 500 in args.sizes:
        figures["target_500_met"] = figures["count_ms_500"] <= TARGET_MS_AT_500
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

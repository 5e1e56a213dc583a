"""What the dashboard browser tests share: the simulator, the kernel's env, and locators.

The simulator is served from the test process on 127.0.0.1; the kernel finds it through
the same variables a user sets (`INSTACLUSTR_*`, `INSTA_NB_INTERVAL`), so the notebook
runs exactly `dashboard(insta_nb.connect())`. Locators go by what a person sees (tab
titles, button words, the field's label), scoped to the dashboard's output.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from insta_nb.models import BundleSpec, ClusterSpec, ProviderSpec, RackAllocation
from insta_nb.simulator import RequestRecord, Simulator, SimulatorSettings
from tests.harness.browser import outputs

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

#: Seconds between requests, for the simulator's limiter and the kernel's engine alike.
INTERVAL = 0.2
#: Lifecycle speed: GENESIS to RUNNING (3 nodes) in about 2 s.
SPEED = 200.0
#: DELETING lasts 600 s at speed 1, so 3 s here: long enough to see it in the row.
DELETING_SECONDS = 600.0

DASHBOARD_CELLS = [
    "import insta_nb\n"
    "from insta_nb.widgets import dashboard\n"
    "session = insta_nb.connect()\n"
    "board = dashboard(session)\n"
    "board",
]


def make_simulator() -> Simulator:
    """A fast simulator whose DELETING state lasts long enough to be seen."""
    return Simulator(
        settings=SimulatorSettings(
            speed=SPEED, interval=INTERVAL, deleting_seconds=DELETING_SECONDS
        )
    )


@contextmanager
def served_simulator() -> Iterator[tuple[Simulator, str]]:
    """A fast simulator served on 127.0.0.1; yields it and its URL."""
    sim = make_simulator()
    with sim.serve() as url:
        yield sim, url


def cluster_spec(name: str, tier: str = "NON_PRODUCTION") -> ClusterSpec:
    """The spec of `SPEC_CELL`, for creating clusters from the test process."""
    return ClusterSpec(
        cluster_name=name,
        bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1"),),
        provider=ProviderSpec("AWS_VPC"),
        data_centre="US_WEST_2",
        node_size="t3.small-v2" if tier == "NON_PRODUCTION" else "m5l-250-v2",
        sla_tier=tier,
        rack_allocation=RackAllocation(3, 1),
        cluster_network="10.224.0.0/16",
    )


@contextmanager
def populated_simulator(count: int, prefix: str = "big") -> Iterator[tuple[Simulator, str]]:
    """A simulator served on 127.0.0.1 holding `count` clusters named `<prefix>_0000`….

    Every seventh is PRODUCTION. No rate limiter while filling it (that is not what is
    tested); lifecycles run 1000 times faster, so they are RUNNING by the first look.
    """
    import httpx

    from insta_nb.backends.v1 import wire

    sim = Simulator(settings=SimulatorSettings(interval=None, speed=1000.0))
    with sim.serve() as url:
        auth = (sim.credentials.username, sim.credentials.api_key)
        with httpx.Client(base_url=url, auth=auth, timeout=30, trust_env=False) as client:
            for i in range(count):
                tier = "PRODUCTION" if i % 7 == 0 else "NON_PRODUCTION"
                body = wire.spec_to_json(cluster_spec(f"{prefix}_{i:04d}", tier))
                client.post(wire.CREATE_EXTENDED_PATH, json=body).raise_for_status()
        yield sim, url


def kernel_env(sim: Simulator, url: str, state_dir: Path) -> dict[str, str]:
    """What a user exports to point notebooks at `sim` (the kernel inherits it)."""
    return {
        "INSTACLUSTR_API_URL": url,
        "INSTACLUSTR_USERNAME": sim.credentials.username,
        "INSTACLUSTR_API_KEY": sim.credentials.api_key,
        "INSTACLUSTR_READ_ONLY": "",
        "INSTA_NB_INTERVAL": f"{INTERVAL:g}",
        # The engine's machine-wide slot file: private to this test run.
        "INSTA_NB_STATE_DIR": str(state_dir),
    }


#: Defines `spec(name)` in the kernel: a valid, small NON_PRODUCTION cluster.
SPEC_CELL = """\
from insta_nb.models import BundleSpec, ClusterSpec, ProviderSpec, RackAllocation

def spec(name):
    return ClusterSpec(
        cluster_name=name,
        bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1"),),
        provider=ProviderSpec("AWS_VPC"),
        data_centre="US_WEST_2",
        node_size="t3.small-v2",
        sla_tier="NON_PRODUCTION",
        rack_allocation=RackAllocation(3, 1),
        cluster_network="10.224.0.0/16",
    )"""


# -- locators ------------------------------------------------------------------------------


def board(page: Page) -> Locator:
    """The dashboard's output."""
    return outputs(page, ".insta-nb-dashboard")


def open_tab(page: Page, title: str) -> Locator:
    """Select the dashboard tab `title` ("Clusters", "Create", "Request queue")."""
    board(page).locator(".lm-TabBar-tab", has_text=title).click()
    view = {
        "Clusters": ".insta-nb-cluster-table",
        "Create": ".insta-nb-create-form",
        "Request queue": ".insta-nb-queue-view",
    }[title]
    panel = board(page).locator(view)
    panel.wait_for(state="visible")
    return panel


def table_rows(page: Page) -> Locator:
    """Every cluster row of the table's page in view (not the header)."""
    return board(page).locator(".insta-nb-row:not(.inb-head-row)")


#: For each row of the table: where its name, status and Delete button are, where the
#: output area is, and which boxes of the table scroll sideways.
_FIT_JS = """
() => {
  const table = document.querySelector('.insta-nb-cluster-table');
  const output = table.closest('.jp-OutputArea-output');
  const box = (el) => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width};
  };
  const rows = [...table.querySelectorAll('.insta-nb-row:not(.inb-head-row)')].map((row) => ({
    name: (row.querySelector('.inb-name b') || {}).textContent || '',
    parts: {
      name: box(row.querySelector('.inb-name b')),
      status: box(row.querySelector('.inb-status')),
      nodes: box(row.querySelector('.inb-nodes')),
      delete: box([...row.querySelectorAll('button')].find(
        (b) => b.textContent.trim() === 'Delete')),
    },
  }));
  const scrolling = [table, ...table.querySelectorAll('*')].filter((el) => {
    const x = getComputedStyle(el).overflowX;
    return (x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1;
  }).map((el) => el.className);
  return {output: box(output), rows, scrolling};
}
"""


def table_fit(page: Page) -> dict[str, Any]:
    """Measure how the table sits in its output area (see `_FIT_JS`)."""
    found: dict[str, Any] = board(page).evaluate(f"(_) => ({_FIT_JS})()")
    return found


def misfits(fit: dict[str, Any]) -> list[str]:
    """Rows whose name, status, nodes or Delete button is not inside the output area."""
    out = fit["output"]
    bad = []
    for row in fit["rows"]:
        for part, where in row["parts"].items():
            if where is None or where["width"] < 8:
                bad.append(f"{row['name']}: no visible {part}")
            elif where["left"] < out["left"] - 1 or where["right"] > out["right"] + 1:
                bad.append(f"{row['name']}: {part} at {where} outside {out}")
    return bad


def table_row(page: Page, name: str) -> Locator:
    """The cluster table's row for the cluster called `name` (its delete question too)."""
    return board(page).locator(".insta-nb-row").filter(has=page.locator("b", has_text=name))


def field_row(form: Locator, label: str) -> Locator:
    """The line of the field labelled `label`: its control and its message area.

    The innermost box that holds the control (ancestors come first in document order).
    """
    return form.locator(".widget-hbox").filter(has=form.page.get_by_label(label)).last


def button(scope: Locator, words: str) -> Locator:
    """The button reading exactly `words` inside `scope`.

    By its text, not its accessible name: chromium puts the Font Awesome icon's
    generated glyph into the name, so `get_by_role(name=...)` never matches exactly.
    """
    return scope.locator("button", has_text=re.compile(rf"^\s*{re.escape(words)}\s*$"))


# -- the simulator's side ----------------------------------------------------------------


def requests(sim: Simulator, method: str, *, since: int = 0, path: str = "") -> list[RequestRecord]:
    """Requests `sim` saw with `method` (after log index `since`), `path` fragment matching."""
    return [r for r in sim.log[since:] if r.method == method and path in r.path]


def wait_until(
    page: Page, condition: Callable[[], object], what: str, *, timeout: float = 30.0
) -> None:
    """Poll `condition` (simulator state) while the page keeps running; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        page.wait_for_timeout(100)

"""The dashboard of a v2 session in real JupyterLab: a Kafka cluster made through the
product form, watched to RUNNING in its row, and deleted through the confirmation.

The notebook is what a user writes: `dashboard(insta_nb.connect(api="v2"))`, with the
simulator's URL and keys in the environment (the simulator is served by this test
process, so what was sent is checked on its own log, as the v1 dashboard tests do).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from insta_nb.simulator import Simulator
from tests.browser.dashboard_page import (
    board,
    button,
    kernel_env,
    open_tab,
    requests,
    served_simulator,
    table_row,
)
from tests.harness import pytest_support as support
from tests.harness.browser import error_outputs, open_notebook, run_all_cells, set_theme
from tests.harness.jupyter_server import JupyterServer, start_jupyter_server
from tests.harness.notebooks import write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

#: Widget round trips plus a few simulator polls; generous for a loaded CI machine.
SLOW = 30_000
NAME = "browser_kafka_v2"
KAFKA = "/cluster-management/v2/resources/applications/kafka/clusters/v2"
V2_DASHBOARD_CELLS = [
    "import insta_nb\n"
    "from insta_nb.widgets import dashboard\n"
    'session = insta_nb.connect(api="v2")\n'
    "board = dashboard(session)\n"
    "board",
]


@pytest.fixture
def lab(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[JupyterServer, Simulator]]:
    support.require_chromium()  # before paying for a server that no page would use
    with served_simulator() as (sim, url):
        server = start_jupyter_server(
            "lab", base_dir=tmp_path / "jupyter", env=kernel_env(sim, url, tmp_path / "state")
        )
        try:
            with support.tracked(request.node, support.SERVERS, server):
                yield server, sim
        finally:
            server.stop()
    assert sim.app_errors == []


def test_a_kafka_cluster_is_created_in_the_v2_form_runs_and_is_deleted(
    lab: tuple[JupyterServer, Simulator], browser_page: Page
) -> None:
    server, sim = lab
    page = browser_page
    write_notebook(server.root_dir / "v2.ipynb", V2_DASHBOARD_CELLS)
    open_notebook(page, server, "v2.ipynb")
    set_theme(page, "light")
    run_all_cells(page, timeout=120)
    expect(board(page)).to_have_count(1)
    since = len(sim.log)

    form = open_tab(page, "Create")
    expect(form).to_contain_text("Create a cluster (v2)")
    submit = button(form, "Create cluster")
    expect(submit).to_be_disabled()  # no name yet
    form.get_by_label("Product").select_option(label="Kafka")
    expect(form.get_by_label("Default replication factor")).to_be_visible()  # Kafka's own
    # Validation by the API's field names, next to the field: 4 nodes on 3 racks.
    nodes = form.get_by_label("Number of nodes")
    nodes.fill("4")
    nodes.press("Enter")
    expect(form).to_contain_text("Must be a multiple of defaultReplicationFactor (3), not 4.")
    nodes.fill("3")
    nodes.press("Enter")
    expect(form).not_to_contain_text("Must be a multiple")
    form.get_by_label("Cluster name", exact=True).fill(NAME)
    expect(form).to_contain_text(f'"name": "{NAME}"')  # the live request preview
    expect(form).to_contain_text('"kafkaVersion"')
    expect(submit).to_be_enabled()
    submit.click()
    expect(form).to_contain_text("Created: id", timeout=SLOW)

    open_tab(page, "Clusters")
    row = table_row(page, NAME)
    expect(row).to_have_count(1, timeout=SLOW)
    expect(row).to_contain_text("RUNNING", timeout=SLOW)
    expect(row).to_contain_text("3/3")

    button(row, "Delete").click()
    expect(row).to_contain_text(f"Delete cluster {NAME}? This cannot be undone.")
    button(row, "Confirm delete").click()
    expect(row).to_contain_text(re.compile(r"DELETING"), timeout=SLOW)
    expect(row).to_have_count(0, timeout=SLOW)

    created = [r for r in requests(sim, "POST", since=since, path=KAFKA) if r.applied]
    assert len(created) == 1, created
    deletes = [r for r in requests(sim, "DELETE", since=since) if r.applied]
    assert len(deletes) == 1
    assert deletes[0].path.startswith(f"{KAFKA}/")
    assert requests(sim, "POST", since=since, path="/provisioning/v1") == []
    expect(error_outputs(page)).to_have_count(0)

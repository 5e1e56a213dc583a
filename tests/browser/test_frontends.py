"""The dashboard's whole flow on Notebook 7 and Voila, as on JupyterLab 4 (test_dashboard).

A person opens the notebook (`dashboard(insta_nb.connect())`) in the frontend, creates a
cluster through the form, watches its row reach RUNNING and deletes it after answering
the confirmation. The simulator is served by this test process on 127.0.0.1 at a fast
lifecycle speed; what was sent is checked on its own log. Voila is the frontend of a
dashboard that is shared: it runs the notebook itself when the page loads, hides the
code and keeps the kernel for as long as the page is open.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from insta_nb import catalog
from insta_nb.simulator import Simulator
from tests.browser.dashboard_page import (
    DASHBOARD_CELLS,
    button,
    kernel_env,
    requests,
    served_simulator,
)
from tests.browser.frontend_page import (
    cells_under_buttons,
    cluster_row,
    error_outputs_anywhere,
    forgive_voila_font_awesome,
    run_dashboard_notebook,
    show_tab,
)
from tests.harness.browser import screenshot
from tests.harness.jupyter_server import App
from tests.harness.notebooks import write_notebook
from tests.harness.pytest_support import JupyterFactory

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

#: Widget round trips plus a few simulator polls; generous for a loaded CI machine.
SLOW = 30_000


@pytest.fixture(scope="module")
def sim_and_url() -> Iterator[tuple[Simulator, str]]:
    with served_simulator() as (sim, url):
        yield sim, url
    assert sim.app_errors == []


@pytest.mark.parametrize("app", ["notebook", "voila"])
def test_create_watch_and_delete_from_the_dashboard(
    app: App,
    jupyter_lab: JupyterFactory,
    browser_page: Page,
    sim_and_url: tuple[Simulator, str],
    tmp_path: Path,
) -> None:
    page, (sim, url), name = browser_page, sim_and_url, f"flow_{app}"
    region = catalog.regions("AWS_VPC")[1]
    notebook = write_notebook(tmp_path / "nb" / f"dashboard-{app}.ipynb", DASHBOARD_CELLS)
    server = jupyter_lab(notebook, app=app, env=kernel_env(sim, url, tmp_path / "state"))
    since = len(sim.log)

    board = run_dashboard_notebook(page, server, notebook.name)
    expect(board).to_contain_text("Embedded simulator — nothing is provisioned for real")

    form = show_tab(board, "Create")
    submit = button(form, "Create cluster")
    expect(submit).to_be_disabled()  # no name yet
    form.get_by_label("Cluster name").fill(name)
    form.get_by_label("Region").select_option(region)
    expect(form).to_contain_text(f'"clusterName": "{name}"')  # the live request preview
    expect(submit).to_be_enabled()
    submit.click()
    expect(form).to_contain_text(f"Created {name}", timeout=SLOW)

    show_tab(board, "Clusters")
    row = cluster_row(board, name)
    expect(row).to_have_count(1, timeout=SLOW)
    expect(row).to_contain_text(region)
    expect(row).to_contain_text("RUNNING", timeout=SLOW)
    screenshot(board, f"frontend-{app}-running")
    assert cells_under_buttons(board) == []  # every column readable, none under Details

    button(row, "Delete").click()
    expect(row).to_contain_text(f"Delete cluster {name}?")
    assert requests(sim, "DELETE", since=since) == []  # asking sends nothing
    button(row, "Confirm delete").click()
    expect(row).to_contain_text(re.compile(r"DELETING(?! \(requested\))"), timeout=SLOW)
    expect(row).to_have_count(0, timeout=SLOW)

    created = [r for r in sim.cluster_records() if r.name == name]
    assert len(created) == 1, created
    assert created[0].deleted_at is not None
    assert len([r for r in requests(sim, "POST", since=since) if r.applied]) == 1
    deletes = [r for r in requests(sim, "DELETE", since=since) if r.applied]
    assert [r.path.rstrip("/") for r in deletes] == [f"/provisioning/v1/{created[0].id}"]
    expect(error_outputs_anywhere(page)).to_have_count(0)

    server.stop()
    assert server.kernel_pids() == []  # the page's kernel did not outlive its server
    if app == "voila":
        assert len(forgive_voila_font_awesome(page)) <= 2  # all.min.css, v4-shims.min.css

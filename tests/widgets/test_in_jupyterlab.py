"""The dashboard in a real JupyterLab (Debian's chromium): the kernel-side bridge at work.

Typing a name and clicking Create runs the create on the engine thread and brings the
outcome back through the kernel's loop; the new cluster appears in the table; Delete
asks first; the views read well in light and dark themes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.harness.browser import (
    error_outputs,
    open_notebook,
    outputs,
    run_all_cells,
    screenshot,
    set_theme,
)
from tests.harness.notebooks import write_notebook
from tests.harness.pytest_support import JupyterFactory

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

CELLS = [
    "import logging\n"
    "logging.getLogger('insta_nb').setLevel(logging.ERROR)\n"
    "from insta_nb.session import connect\n"
    "from insta_nb.simulator import Simulator, SimulatorSettings\n"
    "from insta_nb.widgets import dashboard\n"
    "sim = Simulator(settings=SimulatorSettings(interval=0.02, speed=4))\n"
    "session = connect(simulator=sim, interval=0.05)",
    "board = dashboard(session)\nboard",
]


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    return write_notebook(tmp_path / "nb" / "dashboard.ipynb", CELLS)


def test_create_from_the_form_then_see_it_and_ask_to_delete_it(
    jupyter_lab: JupyterFactory, browser_page: Page, notebook: Path
) -> None:
    page = browser_page
    server = jupyter_lab(notebook)
    open_notebook(page, server, notebook.name)
    run_all_cells(page, timeout=120)
    expect(outputs(page, ".insta-nb-dashboard")).to_have_count(1)
    expect(outputs(page).filter(has_text="Embedded simulator")).to_have_count(1)

    page.locator(".lm-TabBar-tab", has_text="Create").last.click()
    form = outputs(page, ".insta-nb-create-form")
    submit = form.locator("button", has_text="Create cluster")
    expect(submit).to_be_disabled()
    expect(submit).to_have_attribute("title", "Fix 1 problem(s) first")
    expect(form).not_to_contain_text("Enter a cluster name.")  # no error before any typing
    form.locator("input[placeholder='e.g. orders_cassandra']").fill("from_browser")
    expect(form).not_to_contain_text("Enter a cluster name.")
    expect(form).to_contain_text('"clusterName": "from_browser"')
    expect(submit).to_be_enabled()
    submit.click()
    expect(form).to_contain_text("Created from_browser", timeout=30_000)

    page.locator(".lm-TabBar-tab", has_text="Clusters").last.click()
    table = outputs(page, ".insta-nb-cluster-table")
    row = table.locator(".insta-nb-row", has_text="from_browser")
    expect(row).to_have_count(1, timeout=30_000)
    row.locator("button", has_text="Delete").click()
    expect(row).to_contain_text("Delete cluster from_browser?")
    screenshot(page, "widgets-dashboard-confirm-light")
    row.locator("button", has_text="Keep").click()
    expect(row).not_to_contain_text("Delete cluster from_browser?")
    expect(row.locator("button", has_text="Delete")).to_be_enabled()

    set_theme(page, "dark")
    screenshot(page, "widgets-dashboard-dark")
    page.locator(".lm-TabBar-tab", has_text="Request queue").last.click()
    expect(outputs(page, ".insta-nb-queue-view")).to_contain_text("API reachable")
    expect(error_outputs(page)).to_have_count(0)

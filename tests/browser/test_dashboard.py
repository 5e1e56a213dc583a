"""The dashboard in a real browser, against a simulator served by this test process.

JupyterLab 4 (and one Notebook 7 smoke test) runs on 127.0.0.1 with a token; Debian's
chromium, driven by Playwright, fills the form, watches the table, answers the delete
question and cancels a queued request. The notebook is what a user would write:
`dashboard(insta_nb.connect())`, with the simulator's URL and keys in the environment.
Every claim about what was sent is checked on the simulator's own log and records.

One JupyterLab server serves the whole module (a cold start is ~15 s); each test opens
its own notebook (so its own kernel) and shuts its kernels down when it ends, and looks
only at its own clusters (unique names) and its own part of the simulator's log.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from insta_nb import catalog
from insta_nb.simulator import Simulator
from tests.browser.contrast import AA_TEXT, hard_to_read, text_contrasts
from tests.browser.dashboard_page import (
    DASHBOARD_CELLS,
    SPEC_CELL,
    board,
    button,
    field_row,
    kernel_env,
    misfits,
    open_tab,
    populated_simulator,
    requests,
    served_simulator,
    table_fit,
    table_row,
    table_rows,
    wait_until,
)
from tests.browser.frontend_page import cells_under_buttons
from tests.harness import pytest_support as support
from tests.harness.browser import (
    error_outputs,
    open_notebook,
    run_all_cells,
    screenshot,
    set_theme,
)
from tests.harness.jupyter_server import JupyterServer, start_jupyter_server
from tests.harness.notebooks import write_notebook
from tests.harness.pytest_support import JupyterFactory

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

#: Widget round trips plus a few simulator polls; generous for a loaded CI machine.
SLOW = 30_000


@dataclass
class Lab:
    """The module's JupyterLab server and the simulator its kernels talk to."""

    server: JupyterServer
    sim: Simulator

    def notebook(self, name: str, cells: list[str]) -> str:
        """Write a notebook into the served root; returns its path for `open_notebook`."""
        write_notebook(self.server.root_dir / name, cells)
        return name

    def shutdown_kernels(self) -> None:
        for kernel in self.server.kernels():
            self.server.api("DELETE", f"/api/kernels/{kernel['id']}")


@pytest.fixture(scope="module")
def module_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    support.require_chromium()  # before paying for a server that no page would use
    base = tmp_path_factory.mktemp("dashboard-lab")
    with served_simulator() as (sim, url):
        server = start_jupyter_server(
            "lab", base_dir=base / "jupyter", env=kernel_env(sim, url, base / "state")
        )
        try:
            yield Lab(server, sim)
        finally:
            server.stop()
    assert sim.app_errors == []


@pytest.fixture
def lab(request: pytest.FixtureRequest, module_lab: Lab) -> Iterator[Lab]:
    """The module's lab for one test: its log goes into the failure report."""
    with support.tracked(request.node, support.SERVERS, module_lab.server):
        try:
            yield module_lab
        finally:
            module_lab.shutdown_kernels()


def open_dashboard(
    page: Page, lab: Lab, name: str, cells: list[str], *, theme: str = "light"
) -> None:
    """Open a new notebook with `cells` in `theme`, run them all, wait for the dashboard.

    The theme is a user setting of the shared server: every test says which it wants.
    """
    open_notebook(page, lab.server, lab.notebook(name, cells))
    set_theme(page, theme)
    run_all_cells(page, timeout=120)
    expect(board(page)).to_have_count(1)
    expect(board(page)).to_contain_text("Embedded simulator — nothing is provisioned for real")


# -- 1. create, watch, delete with confirmation --------------------------------------------


def test_create_from_the_form_then_cancel_and_confirm_the_delete(
    lab: Lab, browser_page: Page
) -> None:
    page, sim, name = browser_page, lab.sim, "browser_flow"
    region = catalog.regions("AWS_VPC")[1]
    open_dashboard(page, lab, "create-delete.ipynb", DASHBOARD_CELLS)
    since = len(sim.log)

    form = open_tab(page, "Create")
    submit = button(form, "Create cluster")
    expect(submit).to_be_disabled()  # no name yet
    form.get_by_label("Cluster name").fill(name)
    form.get_by_label("Region").select_option(region)
    expect(form).to_contain_text(f'"clusterName": "{name}"')  # the live request preview
    expect(form).to_contain_text(f'"dataCentre": "{region}"')
    expect(submit).to_be_enabled()
    submit.click()
    expect(form).to_contain_text(f"Created {name}", timeout=SLOW)

    open_tab(page, "Clusters")
    row = table_row(page, name)
    expect(row).to_have_count(1, timeout=SLOW)
    expect(row).to_contain_text(region)
    expect(row).to_contain_text("RUNNING", timeout=SLOW)
    expect(row).to_contain_text("3/3")

    # A first click only asks; Keep closes the question and nothing is sent.
    button(row, "Delete").click()
    expect(row).to_contain_text(f"Delete cluster {name}? This cannot be undone.")
    button(row, "Keep").click()
    expect(row).not_to_contain_text(f"Delete cluster {name}?")
    expect(button(row, "Delete")).to_be_enabled()
    expect(row).to_contain_text("RUNNING")
    assert requests(sim, "DELETE", since=since) == []

    button(row, "Delete").click()
    expect(row).to_contain_text(f"Delete cluster {name}?")
    button(row, "Confirm delete").click()
    # The API's own DELETING, not only the row's local "DELETING (requested)".
    expect(row).to_contain_text(re.compile(r"DELETING(?! \(requested\))"), timeout=SLOW)
    expect(button(row, "Deleting…")).to_be_disabled()
    expect(row).to_have_count(0, timeout=SLOW)

    created = [r for r in sim.cluster_records() if r.name == name]
    assert len(created) == 1, created
    assert created[0].deleted_at is not None
    deletes = [r for r in requests(sim, "DELETE", since=since) if r.applied]
    assert [r.path.rstrip("/") for r in deletes] == [f"/provisioning/v1/{created[0].id}"]
    assert len([r for r in requests(sim, "POST", since=since) if r.applied]) == 1
    expect(error_outputs(page)).to_have_count(0)


# -- 2. an invalid form says why, next to the field, and sends nothing ---------------------


def test_an_invalid_form_shows_the_message_by_the_field_and_sends_nothing(
    lab: Lab, browser_page: Page
) -> None:
    page, sim = browser_page, lab.sim
    open_dashboard(page, lab, "invalid-form.ipynb", DASHBOARD_CELLS)
    form = open_tab(page, "Create")
    submit = button(form, "Create cluster")
    name = form.get_by_label("Cluster name")
    network = form.get_by_label("Cluster network")
    bad_name = "Use letters, digits, '_' and '-' only, starting with a letter or digit."
    bad_network = "Use a private range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16."

    name.fill("orders!")
    network.fill("8.8.0.0/16")
    expect(field_row(form, "Cluster name")).to_contain_text(bad_name)
    expect(field_row(form, "Cluster network")).to_contain_text(bad_network)
    expect(field_row(form, "Cluster name")).not_to_contain_text(bad_network)
    expect(submit).to_be_disabled()
    expect(submit).to_have_attribute("title", "Fix 2 problem(s) first")

    # Quiet the table's polling, so the only request the next steps expect is the one
    # Resume asks for.
    table = open_tab(page, "Clusters")
    button(table, "Pause").click()
    expect(button(table, "Resume")).to_be_visible()  # the kernel has applied the pause
    since = len(sim.log)
    open_tab(page, "Create")
    submit.click(force=True)  # a disabled button: the click must change nothing
    name.press("Enter")
    button(open_tab(page, "Clusters"), "Resume").click()
    # The kernel handles widget messages in order, and a create outranks a refresh in
    # the engine's queue: once Resume's refresh reached the simulator, a create asked
    # for by the clicks above would have reached it first.
    wait_until(page, lambda: requests(sim, "GET", since=since), "the refresh asked by Resume")
    assert requests(sim, "POST", since=since) == []

    form = open_tab(page, "Create")
    name.fill("orders_ok")
    expect(field_row(form, "Cluster name")).not_to_contain_text(bad_name)
    expect(submit).to_be_disabled()  # the network is still wrong
    network.fill("10.0.0.0/8")
    expect(field_row(form, "Cluster network")).to_contain_text("Use a prefix from /12 to /22.")
    network.fill("10.224.0.0/16")
    expect(field_row(form, "Cluster network")).not_to_contain_text("Use a")
    expect(submit).to_be_enabled()
    assert requests(sim, "POST", since=since) == []  # enabled is not sent
    expect(error_outputs(page)).to_have_count(0)


# -- 3. the queue view lists queued requests and cancels one -------------------------------

#: The engine of this notebook sends one request per QUEUE_INTERVAL s: creates queued
#: from a cell wait long enough to be seen, and cancelled, in the browser.
QUEUE_INTERVAL = 3.0
QUEUE_NAMES = ("queued_one", "queued_two", "queued_three")


def test_the_queue_view_shows_queued_creates_and_cancels_one(lab: Lab, browser_page: Page) -> None:
    page, sim = browser_page, lab.sim
    first_name, second_name, last_name = QUEUE_NAMES
    cells = [
        "import insta_nb\n"
        "from insta_nb.widgets import dashboard\n"
        f"session = insta_nb.connect(interval={QUEUE_INTERVAL})\n"
        "board = dashboard(session)\n"
        "board",
        SPEC_CELL,
        "import asyncio\n"
        f"jobs = [asyncio.ensure_future(session.create_cluster(spec(n))) for n in {QUEUE_NAMES}]",
    ]
    open_dashboard(page, lab, "queue.ipynb", cells, theme="dark")
    queue = open_tab(page, "Request queue")

    def queued(name: str) -> Locator:
        return queue.locator(".widget-hbox", has_text=f"create {name}")

    expect(queued(last_name)).to_have_count(1, timeout=SLOW)
    expect(queued(first_name)).to_have_count(1)
    expect(queue).to_contain_text("Your changes")
    expect(queued(last_name)).to_contain_text(re.compile(r"in ≈ \d+\.\d s"))
    assert position(queued(first_name)) < position(queued(last_name))
    screenshot(board(page), "dashboard-queue-dark")

    button(queued(last_name), "Cancel").click()
    expect(queued(last_name)).to_have_count(0, timeout=SLOW)

    wait_until(
        page,
        lambda: {first_name, second_name} <= {r.name for r in sim.cluster_records()},
        "the two creates left in the queue",
        timeout=60,
    )
    expect(queue).to_contain_text("Nothing queued.", timeout=SLOW)
    names = [r.name for r in sim.cluster_records()]
    assert names.count(first_name) == names.count(second_name) == 1
    assert last_name not in names  # cancelled before it was sent: never created
    expect(error_outputs(page)).to_have_count(0)


def position(row: Locator) -> int:
    """The queue position a queue row shows ("#3" -> 3)."""
    found = re.search(r"#(\d+)", row.inner_text())
    assert found, row.inner_text()
    return int(found.group(1))


# -- 5. screenshots in both themes ---------------------------------------------------------


def test_screenshots_of_every_tab_in_light_and_dark(lab: Lab, browser_page: Page) -> None:
    page, name = browser_page, "screenshot_demo"
    cells = [
        SPEC_CELL,
        "import insta_nb\n"
        "from insta_nb.widgets import dashboard\n"
        "session = insta_nb.connect()\n"
        f"await session.create_cluster(spec({name!r}))",
        # The delete question stays open while the screenshots are taken.
        "board = dashboard(session, confirm_timeout=600)\nboard",
    ]
    open_dashboard(page, lab, "screenshots.ipynb", cells)
    open_tab(page, "Clusters")
    row = table_row(page, name)
    expect(row).to_contain_text("RUNNING", timeout=SLOW)
    button(row, "Delete").click()
    expect(row).to_contain_text(f"Delete cluster {name}?")
    form = open_tab(page, "Create")
    form.get_by_label("Cluster name").fill("bad name!")
    expect(form).to_contain_text("Use letters, digits")

    # Tall enough for the whole form: an element screenshot is clipped by the notebook's
    # scrolling panel.
    page.set_viewport_size({"width": 1280, "height": 1500})
    shots: dict[str, Path] = {}
    unreadable_in_dark: dict[str, list[str]] = {}
    for theme in ("light", "dark"):
        set_theme(page, theme)
        for tab in ("Clusters", "Create", "Request queue"):
            open_tab(page, tab)
            slug = tab.lower().replace(" ", "-")
            shots[f"{tab}-{theme}"] = screenshot(board(page), f"dashboard-{slug}-{theme}")
            if theme == "dark":
                unreadable_in_dark[tab] = [str(t) for t in hard_to_read(board(page))]
    assert {tab: found for tab, found in unreadable_in_dark.items() if found} == {}
    for tab in ("Clusters", "Create", "Request queue"):
        light, dark = shots[f"{tab}-light"], shots[f"{tab}-dark"]
        assert light.stat().st_size > 0
        assert dark.stat().st_size > 0
        assert light.read_bytes() != dark.read_bytes()
    expect(error_outputs(page)).to_have_count(0)


# -- 4. Notebook 7 smoke test ----------------------------------------------------------------


def test_notebook7_renders_the_dashboard_with_a_cluster_created_in_a_cell(
    jupyter_lab: JupyterFactory, browser_page: Page, tmp_path: Path
) -> None:
    page, name = browser_page, "from_a_cell"
    with served_simulator() as (sim, url):
        cells = [
            SPEC_CELL,
            "import insta_nb\n"
            "session = insta_nb.connect()\n"
            f"await session.create_cluster(spec({name!r}))",
            "from insta_nb.widgets import dashboard\nboard = dashboard(session)\nboard",
        ]
        notebook = write_notebook(tmp_path / "nb7" / "dashboard-nb7.ipynb", cells)
        server = jupyter_lab(notebook, app="notebook", env=kernel_env(sim, url, tmp_path / "state"))
        open_notebook(page, server, notebook.name)
        run_all_cells(page, timeout=120)
        expect(board(page)).to_have_count(1)
        row = table_row(page, name)
        expect(row).to_have_count(1, timeout=SLOW)
        expect(row).to_contain_text("RUNNING", timeout=SLOW)
        expect(error_outputs(page)).to_have_count(0)
        records = [r for r in sim.cluster_records() if r.name == name]
        assert len(records) == 1
        expect(row.locator(f"[title='{records[0].id}']")).to_have_count(1)
        screenshot(board(page), "dashboard-notebook7-light")
        server.stop()
    assert sim.app_errors == []


# -- 6. the table at 500 clusters: fits the output, pages, deletes a selection --------------

BIG = 500


def test_the_table_of_500_clusters_fits_wide_and_narrow_and_deletes_a_selection(
    jupyter_lab: JupyterFactory, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1400, "height": 1000})
    with populated_simulator(BIG) as (sim, url):
        notebook = write_notebook(tmp_path / "big" / "big-table.ipynb", DASHBOARD_CELLS)
        server = jupyter_lab(notebook, env=kernel_env(sim, url, tmp_path / "state"))
        open_notebook(page, server, notebook.name)
        # JupyterLab's default layout: the file browser open beside the notebook.
        page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:activate')")
        run_all_cells(page, timeout=120)
        count = board(page).locator(".insta-nb-table-count")
        expect(count).to_have_text(f"{BIG} clusters", timeout=SLOW)
        expect(board(page).locator(".insta-nb-pager")).to_have_text(f"1–50 of {BIG}")
        expect(table_rows(page)).to_have_count(50)  # widgets for one page only
        expect(board(page)).not_to_contain_text("Not refreshed yet")
        expect(board(page)).not_to_contain_text(re.compile(r"Age|\b0 s\b"))

        for theme in ("light", "dark"):
            set_theme(page, theme)
            fit = table_fit(page)
            assert fit["output"]["width"] < 1100, fit["output"]  # the sidebar is open
            assert misfits(fit) == []
            assert fit["scrolling"] == []  # no sideways scrollbar anywhere in the table
            assert cells_under_buttons(board(page)) == []
            screenshot(page, f"table-{BIG}-sidebar-{theme}")
        dark_text = text_contrasts(board(page))
        assert [str(t) for t in hard_to_read(board(page))] == []
        tabs = [t for t in dark_text if t.tab_title]
        assert tabs, "the tab titles were measured"
        assert [str(t) for t in tabs if t.ratio < AA_TEXT] == []  # inactive tabs readable

        # Wide (a column each), and sorting from the header with the keyboard: the titles
        # are buttons, so Tab reaches them and Enter presses them.
        page.set_viewport_size({"width": 1800, "height": 1000})
        page.wait_for_timeout(300)
        fit = table_fit(page)
        assert fit["output"]["width"] > 1100, fit["output"]
        assert misfits(fit) == []
        assert fit["scrolling"] == []
        assert cells_under_buttons(board(page)) == []
        title = board(page).locator(".inb-head .inb-title").first
        expect(title).to_have_text("Cluster ▲")
        title.focus()
        page.keyboard.press("Enter")
        expect(title).to_have_text("Cluster ▼")
        expect(table_rows(page).first).to_contain_text(f"big_{BIG - 1:04d}")
        expect(board(page).get_by_role("button", name=re.compile("Descending"))).to_have_count(1)
        screenshot(page, f"table-{BIG}-wide-sorted-{theme}")
        page.keyboard.press("Enter")  # back to ascending for the steps below
        expect(title).to_have_text("Cluster ▲")
        expect(table_rows(page).first).to_contain_text("big_0000")

        # Narrow: an output area of at most 800 px.
        page.set_viewport_size({"width": 1100, "height": 1000})
        page.wait_for_timeout(300)
        fit = table_fit(page)
        assert fit["output"]["width"] <= 800, fit["output"]
        assert misfits(fit) == []
        assert fit["scrolling"] == []
        assert cells_under_buttons(board(page)) == []
        screenshot(page, f"table-{BIG}-narrow-dark")
        set_theme(page, "light")
        screenshot(page, f"table-{BIG}-narrow-light")

        # The pager shows the next 50 with the same layout.
        button(board(page), "Next").click()
        expect(board(page).locator(".insta-nb-pager")).to_have_text(f"51–100 of {BIG}")
        expect(table_row(page, "big_0050")).to_have_count(1)
        assert misfits(table_fit(page)) == []

        # Select two rows (one PRODUCTION), delete them with one confirmation.
        since = len(sim.log)
        prod, dev = table_row(page, "big_0056"), table_row(page, "big_0057")
        for row in (prod, dev):
            row.locator("input[type=checkbox]").check()
        button(board(page), "Delete selected (2)").click()
        question = board(page).locator(".insta-nb-bulk-delete")
        expect(question).to_contain_text("Delete these 2 clusters?")
        expect(question).to_contain_text("big_0056")
        expect(question).to_contain_text("big_0057")
        confirm = button(question, "Confirm delete (2)")
        expect(confirm).to_be_disabled()  # big_0056 is PRODUCTION: its name is typed
        question.get_by_label("Type big_0056:").fill("big_0056")
        expect(confirm).to_be_enabled()
        confirm.click()
        records = {r.name: r.id for r in sim.cluster_records()}
        wait_until(
            page,
            lambda: len([r for r in requests(sim, "DELETE", since=since) if r.applied]) == 2,
            "the two deletes",
        )
        deleted = sorted(
            r.path.rstrip("/").rsplit("/", 1)[1] for r in requests(sim, "DELETE", since=since)
        )
        assert deleted == sorted([records["big_0056"], records["big_0057"]])
        expect(prod).to_contain_text("DELETING", timeout=SLOW)
        expect(error_outputs(page)).to_have_count(0)
        server.stop()
    assert sim.app_errors == []

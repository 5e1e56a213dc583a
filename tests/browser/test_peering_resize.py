"""A row's VPC peering and Resize in real JupyterLab, against a simulator served here.

The notebook is what a user writes: a cluster created in a cell, then
`dashboard(session)`. In the browser the test opens the cluster's details, adds a
peering through the form (a bad account id is refused next to its field first), sees
its status move once the simulator's peer side accepts, then resizes the data centre
and sees the progress reach every node. What was sent is checked on the simulator's log.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from insta_nb.simulator import Simulator, SimulatorSettings
from tests.browser.contrast import hard_to_read
from tests.browser.dashboard_page import (
    DELETING_SECONDS,
    INTERVAL,
    SPEC_CELL,
    SPEED,
    board,
    button,
    field_row,
    kernel_env,
    open_tab,
    requests,
    table_row,
)
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

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

#: Widget round trips plus a few simulator polls; generous for a loaded CI machine.
SLOW = 30_000
NAME = "browser_peered"


@pytest.fixture
def lab(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[JupyterServer, Simulator]]:
    support.require_chromium()  # before paying for a server that no page would use
    # The peer side accepts only when this test says so: "pending-acceptance" stays
    # on screen until then (by itself it would accept within a second at this speed).
    sim = Simulator(
        settings=SimulatorSettings(
            speed=SPEED,
            interval=INTERVAL,
            deleting_seconds=DELETING_SECONDS,
            peering_accept_seconds=None,
            # Each node takes a few real seconds: the row's line can show "resizing n/3".
            resize_node_seconds=3 * SPEED,
        )
    )
    with sim.serve() as url:
        server = start_jupyter_server(
            "lab", base_dir=tmp_path / "jupyter", env=kernel_env(sim, url, tmp_path / "state")
        )
        try:
            with support.tracked(request.node, support.SERVERS, server):
                yield server, sim
        finally:
            server.stop()
        assert sim.app_errors == []


def test_add_a_peering_see_its_status_then_resize_and_see_the_progress(
    lab: tuple[JupyterServer, Simulator], browser_page: Page
) -> None:
    (server, sim), page = lab, browser_page
    cells = [
        SPEC_CELL,
        "import insta_nb\n"
        "from insta_nb.widgets import dashboard\n"
        "session = insta_nb.connect()\n"
        f"await session.create_cluster(spec({NAME!r}))",
        "board = dashboard(session, confirm_timeout=600)\nboard",
    ]
    write_notebook(server.root_dir / "peering-resize.ipynb", cells)
    open_notebook(page, server, "peering-resize.ipynb")
    set_theme(page, "light")
    run_all_cells(page, timeout=120)
    expect(board(page)).to_have_count(1)
    open_tab(page, "Clusters")
    row = table_row(page, NAME)
    expect(row).to_contain_text("RUNNING", timeout=SLOW)
    since = len(sim.log)

    # -- VPC peering: the details list none; the form refuses a bad account id -------------
    button(row, "Details").click()
    panel = row.locator(".insta-nb-peering-panel")
    expect(panel).to_contain_text("No VPC peerings.", timeout=SLOW)
    button(panel, "Add VPC peering").click()
    form = panel.locator(".insta-nb-peering-form")
    form.get_by_label("Peer VPC id", exact=True).fill("vpc-0a1b2c3d")
    form.get_by_label("Peer account id", exact=True).fill("12345")
    form.get_by_label("Peer subnets", exact=True).fill("10.1.0.0/16")
    expect(field_row(form, "Peer account id")).to_contain_text("12 digits")
    submit = button(form, "Add VPC peering")
    expect(submit).to_be_disabled()
    form.get_by_label("Peer account id", exact=True).fill("123456789012")
    expect(field_row(form, "Peer account id")).not_to_contain_text("12 digits")
    expect(form).to_contain_text('"peerAccountId": "123456789012"')  # the body preview
    assert requests(sim, "POST", since=since, path="vpc-peering") == []
    expect(submit).to_be_enabled()
    submit.click()
    expect(panel).to_contain_text(re.compile(r"Peering \S+ requested"), timeout=SLOW)
    peering_id = re.search(r"Peering (\S+) requested", panel.inner_text())
    assert peering_id is not None
    expect(panel).to_contain_text("pending-acceptance", timeout=SLOW)
    assert sim.peerings.accept(peering_id.group(1))
    expect(panel).to_contain_text("✓ active", timeout=SLOW)  # the panel refreshes by itself

    # -- Resize: only valid sizes, a confirmation naming old → new, then the progress ------
    button(row, "Resize").click()
    dialog = row.locator(".insta-nb-resize-dialog")
    sizes = dialog.get_by_label("New node size", exact=True)
    expect(sizes.locator("option")).to_have_count(1, timeout=SLOW)
    expect(sizes).to_have_value("t3.medium-v2")
    button(dialog, "Review resize…").click()
    expect(dialog).to_contain_text("t3.small-v2 → t3.medium-v2")
    assert requests(sim, "POST", since=since, path="/resize") == []
    button(dialog, "Confirm resize").click()
    progress = row.locator(".insta-nb-resize-panel")
    expect(progress).to_contain_text("Resizing AWS_VPC_US_WEST_2", timeout=SLOW)
    # The row's own line says it too, under its status, until the resize is done.
    on_line = row.locator(".inb-status .inb-resizing")
    expect(on_line).to_have_text(re.compile(r"^resizing [0-2]/3 nodes$"), timeout=SLOW)
    expect(progress).to_contain_text(
        "✓ Resized AWS_VPC_US_WEST_2 t3.small-v2 → t3.medium-v2: 3/3 nodes", timeout=SLOW
    )
    expect(on_line).to_have_count(0, timeout=SLOW)

    # Readable, the details' new sections open.
    button(panel, "Add VPC peering").click()
    button(row, "Resize").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Now t3.medium-v2.", timeout=SLOW)  # sizes asked again
    screenshot(row, "peering-resize-light")
    # In light, only status icons may be lighter (their word next to them is dark text).
    words = [str(t) for t in hard_to_read(row) if len(t.text.strip()) > 1]
    assert words == []
    set_theme(page, "dark")
    screenshot(row, "peering-resize-dark")
    assert [str(t) for t in hard_to_read(row)] == []

    assert (
        len([r for r in requests(sim, "POST", since=since, path="vpc-peering") if r.applied]) == 1
    )
    assert len([r for r in requests(sim, "POST", since=since, path="/resize") if r.applied]) == 1
    expect(error_outputs(page)).to_have_count(0)

""" "My address" in a real JupyterLab: the kernel asks a loopback stand-in of the echo.

The lookup stays in flight while the person keeps working in the form: the widget and
the kernel answer at once, the button says "Looking up…", and the address arrives when
the echo answers. The kernel finds the stand-in through `INSTA_NB_ADDRESS_ECHO_URL`.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from insta_nb.config import ENV_ADDRESS_ECHO_URL
from tests.browser.dashboard_page import DASHBOARD_CELLS, button, kernel_env, served_simulator
from tests.browser.frontend_page import error_outputs_anywhere, run_dashboard_notebook, show_tab
from tests.harness.address_echo import address_echo
from tests.harness.notebooks import write_notebook
from tests.harness.pytest_support import JupyterFactory

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def test_my_address_asks_the_echo_while_the_form_keeps_answering(
    jupyter_lab: JupyterFactory, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    with served_simulator() as (sim, url), address_echo(b"203.0.113.7\n") as echo:
        echo.gate = threading.Event()
        env = {**kernel_env(sim, url, tmp_path / "state"), ENV_ADDRESS_ECHO_URL: echo.url}
        notebook = write_notebook(tmp_path / "nb" / "my-address.ipynb", DASHBOARD_CELLS)
        server = jupyter_lab(notebook, env=env)
        board = run_dashboard_notebook(page, server, notebook.name)
        form = show_tab(board, "Create")
        mine = button(form, "My address")
        service = echo.url.removeprefix("http://").rstrip("/")
        expect(mine).to_have_attribute("title", f"Fill in the address the internet sees you "
                                       f"from: one HTTP request to {service}, sent only when "
                                       "you click. If it cannot be reached, this machine's "
                                       "local address is used instead.")  # fmt: skip
        assert echo.requests == 0

        mine.click()
        looking = button(form, "Looking up…")
        expect(looking).to_be_disabled()
        expect(form).to_contain_text(f"Asking {service} which address it sees you from…")
        # The echo has not answered: the form still answers what the person types.
        form.get_by_label("Cluster name").fill("while_looking")
        expect(form).to_contain_text('"clusterName": "while_looking"')
        assert echo.requests == 1
        expect(looking).to_be_disabled()

        echo.gate.set()
        expect(form.get_by_label("Allow network")).to_have_value("203.0.113.7/32")
        expect(mine).to_be_enabled()
        expect(form).to_contain_text(f"203.0.113.7 is the address {service} sees you from")
        assert echo.requests == 1
        expect(error_outputs_anywhere(page)).to_have_count(0)
        server.stop()
    assert sim.app_errors == []

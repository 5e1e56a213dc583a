"""The browser harness works: real JupyterLab 4 and Notebook 7 render and drive ipywidgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.harness import pytest_support as support
from tests.harness.browser import (
    error_outputs,
    open_notebook,
    outputs,
    run_all_cells,
    screenshot,
    set_theme,
)
from tests.harness.jupyter_server import App
from tests.harness.notebooks import write_notebook
from tests.harness.pytest_support import JupyterFactory

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

CELLS = [
    "import os\nimport ipywidgets as w",
    "button = w.Button(description='Press me')\n"
    "label = w.Label('waiting')\n"
    "button.on_click(lambda _: setattr(label, 'value', 'pressed'))\n"
    "w.VBox([button, label])",
    "print('env:', os.environ.get('INSTA_NB_SMOKE'))",
]


@pytest.fixture
def widget_notebook(tmp_path: Path) -> Path:
    return write_notebook(tmp_path / "notebooks" / "widget smoke.ipynb", CELLS)


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_button_click_updates_label_in_light_and_dark(
    app: App, jupyter_lab: JupyterFactory, browser_page: Page, widget_notebook: Path
) -> None:
    server = jupyter_lab(widget_notebook, app=app, env={"INSTA_NB_SMOKE": "from-the-fixture"})

    open_notebook(browser_page, server, widget_notebook.name)
    run_all_cells(browser_page)

    button = outputs(browser_page, "button.jupyter-button")
    label = outputs(browser_page, ".widget-label")
    expect(button).to_have_text("Press me")
    expect(label).to_have_text("waiting")
    expect(outputs(browser_page).filter(has_text="env: from-the-fixture")).to_have_count(1)
    button.click()
    expect(label).to_have_text("pressed")
    expect(error_outputs(browser_page)).to_have_count(0)

    light = screenshot(browser_page, f"harness-smoke-{app}-light")
    set_theme(browser_page, "dark")
    expect(browser_page.locator("body")).to_have_attribute("data-jp-theme-light", "false")
    dark = screenshot(browser_page, f"harness-smoke-{app}-dark")
    assert light.stat().st_size > 0
    assert dark.stat().st_size > 0
    assert light.read_bytes() != dark.read_bytes()

    server.stop()
    assert not server.running
    assert server.kernel_pids() == []
    assert "received signal 15" in server.log_text()


@pytest.mark.parametrize(("ci", "outcome"), [("true", "fail"), ("", "skip"), ("0", "skip")])
def test_missing_chromium_fails_in_ci_and_skips_locally(
    monkeypatch: pytest.MonkeyPatch, ci: str, outcome: str
) -> None:
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(support, "chromium_missing_reason", lambda: "no chromium here")
    expected = pytest.fail.Exception if outcome == "fail" else pytest.skip.Exception

    with pytest.raises(expected, match="no chromium here"):
        support.require_chromium()

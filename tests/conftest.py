"""Shared fixtures. Real Jupyter servers, Chromium pages and nbclient runs (tests/harness)."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.harness import pytest_support as support
from tests.harness.jupyter_server import App, JupyterServer, start_jupyter_server

if TYPE_CHECKING:
    from nbformat import NotebookNode
    from playwright.sync_api import Browser, Page


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run browser tests last.

    Playwright's sync API keeps an event loop marked as running in the main thread for as
    long as the session-scoped browser lives; any ``asyncio.run`` after it would fail.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Runs before fixture teardown, so pages and servers are still alive to report on.
    report = yield
    if report.when == "call" and report.failed:
        report.sections.extend(support.failure_sections(item))
    return report


@pytest.fixture(autouse=True)
def _loopback_only() -> Iterator[None]:
    """Every test reaches loopback only (tests/harness/network_guard.py): others fail it."""
    from tests.harness import network_guard

    network_guard.install()
    before = len(network_guard.attempts())
    yield
    tried = network_guard.attempts()[before:]
    assert not tried, f"the test tried to connect outside loopback: {tried}"


@pytest.fixture
def jupyter_lab(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[support.JupyterFactory]:
    """Factory: `jupyter_lab(*notebooks, app="lab"|"notebook", env=...)` -> running server.

    Each server is isolated under tmp_path (log kept there) and stopped after the test.
    """
    servers: list[JupyterServer] = []

    def start(
        *files: Path,
        app: App = "lab",
        env: Mapping[str, str] | None = None,
        lab_settings: Mapping[str, Mapping[str, Any]] | None = None,
        extra_args: tuple[str, ...] = (),
    ) -> JupyterServer:
        server = start_jupyter_server(
            app,
            files=files,
            base_dir=tmp_path / f"jupyter-{app}-{len(servers)}",
            env=env,
            lab_settings=lab_settings,
            extra_args=extra_args,
        )
        servers.append(server)
        request.node.stash.setdefault(support.SERVERS, []).append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's chromium via Playwright, one per session (skips/fails as CI demands)."""
    support.require_chromium()
    from playwright.sync_api import sync_playwright

    from tests.harness.browser import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(request: pytest.FixtureRequest, chromium: Browser) -> Iterator[Page]:
    """A fresh page (own context) per test; screenshot on failure; no off-loopback requests."""
    from tests.harness.browser import new_page, offsite_requests

    page = new_page(chromium)
    try:
        with support.tracked(request.node, support.PAGES, page):
            yield page
        offsite = offsite_requests(page)
        assert not offsite, f"the page tried to leave loopback: {offsite}"
    finally:
        page.context.close()


@pytest.fixture
def run_notebook(tmp_path: Path) -> support.NotebookRunner:
    """Execute a notebook headless (nbclient); the kernel's cwd defaults to tmp_path."""
    from tests.harness.notebooks import run_notebook as execute

    def run(
        notebook: Path | NotebookNode,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        timeout: float = 60.0,
        allow_errors: bool = False,
        save_to: Path | None = None,
    ) -> NotebookNode:
        return execute(
            notebook,
            cwd=cwd or tmp_path,
            env=env,
            timeout=timeout,
            allow_errors=allow_errors,
            save_to=save_to,
        )

    return run

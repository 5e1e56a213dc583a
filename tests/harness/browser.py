"""Drive Debian's chromium with Playwright (sync API) against a `JupyterServer`.

Never `playwright install`: we launch `/usr/bin/chromium`. All non-loopback traffic is sent
to a dead proxy on 127.0.0.1 (Chromium bypasses proxies for loopback by itself), so a page
that tries to reach a CDN fails fast instead of leaving the machine; such attempts are
recorded by `watch_offsite_requests` so a test can fail on them.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
import urllib.parse
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # importing playwright is deferred so conftest loads without it
    from playwright.sync_api import Browser, Locator, Page, Playwright, Request

    from tests.harness.jupyter_server import JupyterServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # Port 9 (discard) on loopback: nothing listens, so proxied requests fail at once.
    "--proxy-server=http://127.0.0.1:9",
)
SCREENSHOTS_ENV = "INSTA_NB_SCREENSHOTS"

# Scope every notebook locator here: JupyterLab keeps hidden panels in the DOM.
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
OUTPUT = ".jp-OutputArea-output"
# Voila renders the outputs of every cell into one element, with a spinner until done.
VOILA_CELLS = "#rendered_cells"
VOILA_LOADING = "#loading"
LIGHT_THEME = "JupyterLab Light"
DARK_THEME = "JupyterLab Dark"

_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_offsite: weakref.WeakKeyDictionary[Page, list[str]] = weakref.WeakKeyDictionary()


def chromium_missing_reason(executable: Path = CHROMIUM) -> str | None:
    """Why browser tests cannot run here, or None when chromium is usable."""
    if not executable.exists():
        return f"{executable} is missing: run scripts/ensure-chromium (apt-get install chromium)"
    if not os.access(executable, os.X_OK):
        return f"{executable} is not executable"
    return None


def launch_chromium(
    playwright: Playwright, *, executable: Path = CHROMIUM, headless: bool = True
) -> Browser:
    """Launch Debian's chromium with the flags of the verified recipe."""
    return playwright.chromium.launch(
        executable_path=str(executable),
        headless=headless,
        args=list(CHROMIUM_ARGS),
        timeout=30_000,
    )


def new_page(
    browser: Browser, *, width: int = 1280, height: int = 900, timeout: float = 30.0
) -> Page:
    """A page in a fresh context (own cookies/storage); default action timeout in seconds."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(timeout * 1000)
    page = context.new_page()
    watch_offsite_requests(page)
    return page


def watch_offsite_requests(page: Page) -> list[str]:
    """Record every request of `page` that is not for loopback; returns the live list."""
    seen = _offsite.get(page)
    if seen is None:
        seen = _offsite[page] = []

        def record(request: Request) -> None:
            if not _is_loopback(request.url):
                seen.append(request.url)

        page.on("request", record)
    return seen


def offsite_requests(page: Page) -> list[str]:
    """URLs outside loopback the page tried to load (they were blocked)."""
    return list(watch_offsite_requests(page))


# -- notebooks ---------------------------------------------------------------------------


def open_notebook(
    page: Page, server: JupyterServer, notebook: str, *, timeout: float = 60.0
) -> Locator:
    """Open `notebook` (relative to the server root), wait for its kernel; return its panel.

    JupyterLab opens it in a fresh reset workspace; Notebook 7 at /notebooks/<nb>. For
    Voila use `open_voila`.
    """
    page.goto(server.notebook_url(notebook), timeout=timeout * 1000)
    panel = notebook_panel(page)
    panel.wait_for(state="visible", timeout=timeout * 1000)
    wait_for_kernel_idle(page, timeout=timeout)
    return panel


def open_voila(
    page: Page, server: JupyterServer, notebook: str, *, timeout: float = 120.0
) -> Locator:
    """Load `notebook` in Voila, which runs it; wait until every cell ran; return its cells.

    Voila streams the page while the kernel runs the cells and removes its "Running …"
    spinner (`#loading`) when the last one is done.
    """
    page.goto(server.notebook_url(notebook), timeout=timeout * 1000, wait_until="commit")
    page.locator(VOILA_LOADING).wait_for(state="detached", timeout=timeout * 1000)
    cells = page.locator(VOILA_CELLS)
    cells.wait_for(state="attached")
    return cells


def notebook_panel(page: Page) -> Locator:
    """The visible notebook panel."""
    return page.locator(PANEL)


def outputs(page: Page, selector: str = "") -> Locator:
    """Output areas of the visible notebook, optionally narrowed by a CSS `selector`."""
    area = notebook_panel(page).locator(OUTPUT)
    return area.locator(selector) if selector else area


def error_outputs(page: Page) -> Locator:
    """Tracebacks and stderr text shown in the visible notebook."""
    return outputs(page).and_(page.locator("[data-mime-type='application/vnd.jupyter.stderr']"))


def wait_for_kernel_idle(page: Page, *, timeout: float = 60.0) -> None:
    """Wait until the visible notebook's kernel is connected and idle."""
    page.wait_for_function(
        """() => {
            const app = window.jupyterapp;
            const widget = app && app.shell.currentWidget;
            const kernel = widget && widget.sessionContext && widget.sessionContext.session
                && widget.sessionContext.session.kernel;
            return !!kernel && kernel.connectionStatus === 'connected'
                && kernel.status === 'idle';
        }""",
        timeout=timeout * 1000,
        polling=100,
    )


def run_all_cells(page: Page, *, timeout: float = 60.0) -> None:
    """Run every cell of the visible notebook and wait until all have finished."""
    _execute_command(page, "notebook:run-all-cells", timeout=timeout)
    busy = notebook_panel(page).locator(".jp-InputPrompt", has_text="[*]")
    deadline = time.monotonic() + timeout
    while busy.count() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    if busy.count():
        raise TimeoutError(f"cells still running after {timeout:.0f} s")
    wait_for_kernel_idle(page, timeout=max(1.0, deadline - time.monotonic()))


def set_theme(page: Page, theme: Literal["light", "dark"] | str) -> None:
    """Switch the theme ("light", "dark" or a theme name) and wait until it is applied."""
    name = {"light": LIGHT_THEME, "dark": DARK_THEME}.get(theme, theme)
    _execute_command(page, "apputils:change-theme", {"theme": name})
    page.locator(f"body[data-jp-theme-name='{name}']").wait_for(state="attached")
    # Theme CSS arrives asynchronously; let the new variables paint before screenshots.
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    page.wait_for_timeout(200)


def screenshot_dir() -> Path:
    """Directory for screenshots: $INSTA_NB_SCREENSHOTS or <tmp>/insta_nb-screenshots."""
    configured = os.environ.get(SCREENSHOTS_ENV)
    directory = (
        Path(configured) if configured else Path(tempfile.gettempdir()) / "insta_nb-screenshots"
    )
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def screenshot(target: Page | Locator, name: str, *, full_page: bool = False) -> Path:
    """Save a PNG of the page (or of one element) as <screenshot_dir>/<name>.png."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "screenshot"
    path = screenshot_dir() / f"{safe}.png"
    from playwright.sync_api import Page

    if isinstance(target, Page):
        target.screenshot(path=str(path), full_page=full_page)
    else:
        target.screenshot(path=str(path))
    return path


# -- internals ---------------------------------------------------------------------------


def _execute_command(
    page: Page, command: str, args: dict[str, str] | None = None, *, timeout: float = 60.0
) -> None:
    # page.evaluate has no timeout of its own: race the command against one.
    page.evaluate(
        """async ([command, args, ms]) => {
            if (!window.jupyterapp) {
                throw new Error('window.jupyterapp is missing: start the server with '
                    + 'expose_app_in_browser=True (start_jupyter_server does)');
            }
            let timer;
            const expired = new Promise((_, reject) => {
                timer = setTimeout(() => reject(new Error(command + ' timed out')), ms);
            });
            try {
                await Promise.race([window.jupyterapp.commands.execute(command, args), expired]);
            } finally {
                clearTimeout(timer);
            }
        }""",
        [command, args or {}, int(timeout * 1000)],
    )


def _is_loopback(url: str) -> bool:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme in ("data", "blob", "about", "chrome-error"):
        return True
    return (parsed.hostname or "") in _LOOPBACK

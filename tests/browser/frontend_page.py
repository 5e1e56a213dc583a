"""The dashboard on any frontend: open it, and find its tabs and rows by what a person sees.

`dashboard_page`'s locators are scoped to JupyterLab's visible notebook panel, which
Voila does not have. These are scoped to the one dashboard on the page instead, which
holds in JupyterLab 4, Notebook 7 and Voila alike as long as a page shows one notebook
(every test here opens its own page). They follow the same words as `dashboard_page`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import expect

from tests.harness.browser import (
    OUTPUT,
    open_notebook,
    open_voila,
    run_all_cells,
    watch_offsite_requests,
)

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.harness.jupyter_server import JupyterServer

DASHBOARD = ".insta-nb-dashboard"
#: Voila 0.5's page template links Font Awesome 5's CSS from a CDN although its own bundle
#: carries the same fonts (the icons render without it): the only off-loopback requests
#: a Voila page makes, blocked by the harness's dead proxy like any other.
VOILA_CDN_FONT_AWESOME = "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@"
#: The view each dashboard tab shows.
TAB_VIEWS = {
    "Clusters": ".insta-nb-cluster-table",
    "Create": ".insta-nb-create-form",
    "Request queue": ".insta-nb-queue-view",
}


def run_dashboard_notebook(
    page: Page, server: JupyterServer, notebook: str, *, timeout: float = 120.0
) -> Locator:
    """Open `notebook` on `server`'s frontend, run it as that frontend does; the dashboard.

    JupyterLab and Notebook 7 open it and run every cell; Voila runs it on load.
    """
    if server.app == "voila":
        open_voila(page, server, notebook, timeout=timeout)
    else:
        open_notebook(page, server, notebook, timeout=timeout)
        run_all_cells(page, timeout=timeout)
    board = dashboard(page)
    expect(board).to_have_count(1)
    return board


def dashboard(page: Page) -> Locator:
    """The dashboard's widget wherever the frontend renders outputs."""
    return page.locator(f"{OUTPUT} {DASHBOARD}")


def error_outputs_anywhere(page: Page) -> Locator:
    """Tracebacks and stderr text in any output the page shows (all three frontends)."""
    return page.locator(f"{OUTPUT}[data-mime-type='application/vnd.jupyter.stderr']")


def show_tab(board: Locator, title: str) -> Locator:
    """Select the dashboard tab `title` and return its view once visible."""
    board.locator(".lm-TabBar-tab", has_text=title).click()
    view = board.locator(TAB_VIEWS[title])
    view.wait_for(state="visible")
    return view


def cluster_row(board: Locator, name: str) -> Locator:
    """The cluster table's row for `name` (the bold name, as `dashboard_page.table_row`)."""
    return board.locator(".insta-nb-row").filter(has=board.page.locator("b", has_text=name))


def forgive_voila_font_awesome(page: Page) -> list[str]:
    """Drop Voila's own Font Awesome CDN links from the page's off-loopback record.

    Anything else stays, so `browser_page` still fails the test on it. Returns what was
    dropped, for the test to assert it was only that.
    """
    seen = watch_offsite_requests(page)
    dropped = [url for url in seen if url.startswith(VOILA_CDN_FONT_AWESOME)]
    seen[:] = [url for url in seen if not url.startswith(VOILA_CDN_FONT_AWESOME)]
    return dropped


#: Text cells of each row that lie under one of the row's buttons (a column squeezed
#: under "Details" reads "NON_PRO"): a layout that does not fit its output area.
_COVERED_JS = """
(board) => {
  const hits = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
    && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const out = [];
  for (const row of board.querySelectorAll('.insta-nb-row:not(.inb-head-row)')) {
    const buttons = [...row.querySelectorAll('button')].map((b) => b.getBoundingClientRect())
      .filter((r) => r.width > 0);
    const cells = [...row.querySelectorAll('.inb-cells span')]
      .filter((s) => !s.querySelector('span') && s.textContent.trim());
    for (const cell of cells) {
      const r = cell.getBoundingClientRect();
      if (r.width > 0 && buttons.some((b) => hits(r, b))) out.push(cell.textContent.trim());
    }
  }
  return out;
}
"""


def cells_under_buttons(board: Locator) -> list[str]:
    """The texts of table cells that a row's own button covers (none when the table fits)."""
    found: list[str] = board.evaluate(_COVERED_JS)
    return found

"""The pieces behind the fixtures in tests/conftest.py (kept here so conftest stays small)."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from tests.harness.browser import chromium_missing_reason, screenshot
from tests.harness.jupyter_server import App, JupyterServer

if TYPE_CHECKING:
    from nbformat import NotebookNode

SERVERS = pytest.StashKey[list[JupyterServer]]()
PAGES = pytest.StashKey[list[Any]]()  # playwright Pages; Any keeps playwright import lazy


class JupyterFactory(Protocol):
    """Type of the `jupyter_lab` fixture."""

    def __call__(
        self,
        *files: Path,
        app: App = "lab",
        env: Mapping[str, str] | None = None,
        lab_settings: Mapping[str, Mapping[str, Any]] | None = None,
        extra_args: tuple[str, ...] = (),
    ) -> JupyterServer: ...


class NotebookRunner(Protocol):
    """Type of the `run_notebook` fixture."""

    def __call__(
        self,
        notebook: Path | NotebookNode,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        timeout: float = 60.0,
        allow_errors: bool = False,
        save_to: Path | None = None,
    ) -> NotebookNode: ...


def running_in_ci() -> bool:
    """True when $CI is set to something other than empty/0/false."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_chromium() -> None:
    """Skip (locally) or fail (in CI) when chromium or playwright is unavailable."""
    reason = chromium_missing_reason()
    if reason is None:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as error:
            reason = f"playwright is not importable: {error}"
    if reason is None:
        return
    if running_in_ci():
        pytest.fail(f"browser tests must run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@contextlib.contextmanager
def tracked(item: pytest.Item, key: pytest.StashKey[list[Any]], thing: Any) -> Iterator[None]:
    """Remember `thing` on the test item while the fixture holds it (for failure details)."""
    registry = item.stash.setdefault(key, [])
    registry.append(thing)
    try:
        yield
    finally:
        registry.remove(thing)


def failure_sections(item: pytest.Item) -> list[tuple[str, str]]:
    """Report sections for a failed test: server log tails and a screenshot per page."""
    sections: list[tuple[str, str]] = []
    servers: list[JupyterServer] = item.stash.get(SERVERS, [])
    pages: list[Any] = item.stash.get(PAGES, [])
    for server in servers:
        sections.append((f"jupyter {server.app} log ({server.log_path})", server.log_tail()))
    for index, page in enumerate(pages):
        name = re.sub(r"\W+", "_", item.nodeid)
        try:
            path = screenshot(page, f"FAILED-{name}-{index}")
        except Exception as error:  # the page may be the very thing that broke
            sections.append(("screenshot", f"could not take one: {error!r}"))
        else:
            sections.append(("screenshot", str(path)))
    return sections

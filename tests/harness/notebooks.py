"""Write small notebooks from cell sources and execute notebooks headless with nbclient."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbformat import NotebookNode

WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"

# Without a kernelspec JupyterLab asks which kernel to use, which blocks browser tests.
PYTHON3_KERNELSPEC: dict[str, str] = {
    "name": "python3",
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
}


def make_notebook(
    cells: Sequence[str], *, markdown: Sequence[int] = (), metadata: Mapping[str, Any] | None = None
) -> NotebookNode:
    """Build an nbformat-4 notebook with python3 kernelspec metadata.

    Args:
        cells: cell sources, in order.
        markdown: indexes of `cells` that are markdown cells (all others are code).
        metadata: extra notebook metadata merged over the kernelspec/language_info.
    """
    markdown_indexes = set(markdown)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(source)
        if index in markdown_indexes
        else nbformat.v4.new_code_cell(source)
        for index, source in enumerate(cells)
    ]
    nb.metadata["kernelspec"] = dict(PYTHON3_KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata.update(metadata or {})
    result: NotebookNode = nb
    return result


def write_notebook(
    path: Path, cells: Sequence[str], *, markdown: Sequence[int] = (), **metadata: Any
) -> Path:
    """Write `make_notebook(cells, markdown=...)` to `path` (parents created); returns path."""
    nb = make_notebook(cells, markdown=markdown, metadata=metadata)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def run_notebook(
    notebook: Path | NotebookNode,
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
    startup_timeout: float = 60.0,
    allow_errors: bool = False,
    kernel_name: str = "python3",
    store_widget_state: bool = True,
    save_to: Path | None = None,
) -> NotebookNode:
    """Execute a notebook in a fresh kernel and return the executed copy.

    Args:
        notebook: a path to read or an in-memory notebook (which is not modified).
        cwd: working directory of the kernel.
        env: extra environment variables for the kernel, on top of this process's.
        timeout: seconds allowed per cell.
        startup_timeout: seconds allowed for the kernel to start.
        allow_errors: keep going after a failing cell (errors stay in the outputs).
        kernel_name: kernelspec to use.
        store_widget_state: save widget models into the notebook metadata
            (`metadata.widgets[WIDGET_STATE_MIME]`), as a saved notebook would carry them.
        save_to: also write the executed notebook there (e.g. for the secret scanner).

    Raises:
        nbclient.exceptions.CellExecutionError: a cell raised and allow_errors is False.
        nbclient.exceptions.CellTimeoutError: a cell ran longer than `timeout`.
    """
    if isinstance(notebook, Path):
        nb = nbformat.read(notebook, as_version=4)
    else:
        nb = nbformat.from_dict(notebook)
    client = NotebookClient(
        nb,
        kernel_name=kernel_name,
        timeout=int(timeout),
        startup_timeout=int(startup_timeout),
        allow_errors=allow_errors,
        store_widget_state=store_widget_state,
        resources={"metadata": {"path": str(cwd)}},
    )
    # The kernel gets exactly this environment (jupyter_client replaces, not merges).
    kernel_env = {**os.environ, **(env or {})}
    executed = client.execute(env=kernel_env, cwd=str(cwd))
    if save_to is not None:
        save_to.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(executed, save_to)
    return executed


def widget_state(nb: NotebookNode) -> dict[str, Any]:
    """The stored widget models (`model_id -> {model_name, state, ...}`); {} if none."""
    stored = nb.metadata.get("widgets", {}).get(WIDGET_STATE_MIME, {})
    state: dict[str, Any] = stored.get("state", {})
    return state


def cell_text(nb: NotebookNode, index: int) -> str:
    """All stream and text/plain output of code cell `index`, joined (for assertions)."""
    parts: list[str] = []
    for output in nb.cells[index].get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
        elif output.get("output_type") == "error":
            parts.append("\n".join(output.get("traceback", [])))
    return "".join(parts)

"""Every notebook in notebooks/ runs headless in a real kernel against the simulator,
and what it saves holds no credential."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tests.harness.notebooks import widget_state
from tests.harness.pytest_support import NotebookRunner
from tests.harness.secrets_scan import scan_for_secrets

pytestmark = [pytest.mark.notebook, pytest.mark.timeout(300)]

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
# The simulator's keys stand in for real ones: the saved notebook must not contain them.
SIM_KEYS = ["sim-provisioning-key", "sim-readonly-key"]


def fast_simulator_env(tmp_path: Path) -> dict[str, str]:
    return {
        "INSTA_NB_SIM_SPEED": "400",
        "INSTA_NB_INTERVAL": "0.05",
        "INSTA_NB_STATE_DIR": str(tmp_path / "state"),
        # Never let a developer's real credentials reach these runs.
        "INSTACLUSTR_USERNAME": "",
        "INSTACLUSTR_API_KEY": "",
        "INSTACLUSTR_API_URL": "",
    }


def test_the_committed_notebooks_are_clean() -> None:
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name
        assert "widgets" not in nb.metadata, path.name


@pytest.mark.parametrize(
    "name", ["quickstart", "teaching-rate-limits", "automated-test-environment", "v1-and-v2"]
)
def test_notebook_runs_and_saves_no_secret(
    name: str, run_notebook: NotebookRunner, tmp_path: Path
) -> None:
    saved = tmp_path / f"{name}.executed.ipynb"
    executed = run_notebook(
        NOTEBOOKS / f"{name}.ipynb",
        env=fast_simulator_env(tmp_path),
        timeout=120,
        save_to=saved,
    )
    errors = [
        o
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]
    assert errors == []
    assert scan_for_secrets([saved], SIM_KEYS, usernames=["simulator"]) == []
    if name == "quickstart":
        # The dashboard was displayed and its state saved: a reopened notebook shows it.
        assert widget_state(executed)
        assert "RUNNING" in "".join(
            str(o.get("text", "")) for c in executed.cells for o in c.get("outputs", [])
        )

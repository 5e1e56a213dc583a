"""The headless notebook harness works: nbclient runs widgets, the secret scanner sees leaks."""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest

from tests.harness.notebooks import cell_text, make_notebook, widget_state, write_notebook
from tests.harness.pytest_support import NotebookRunner
from tests.harness.secrets_scan import scan_for_secrets, secret_forms

pytestmark = pytest.mark.notebook

# Made up for this test; assembled so that this source file does not contain it verbatim.
SECRET = "s3cr3t-" + "Kq8vZx2-api-key-0042"

WIDGET_CELLS = [
    "import os\nimport ipywidgets as w\n"
    "button = w.Button(description='Press me')\n"
    "label = w.Label('waiting')\n"
    "button.on_click(lambda _: setattr(label, 'value', 'pressed'))\n"
    "w.VBox([button, label])",
    "button.click()\nprint('label:', label.value)\nprint('env:', os.environ['INSTA_NB_SMOKE'])",
]


def test_widget_notebook_executes_and_stores_widget_state(
    run_notebook: NotebookRunner, tmp_path: Path
) -> None:
    notebook = write_notebook(tmp_path / "widgets.ipynb", WIDGET_CELLS)

    executed = run_notebook(notebook, env={"INSTA_NB_SMOKE": "from-the-fixture"})

    assert "label: pressed\n" in cell_text(executed, 1)
    assert "env: from-the-fixture\n" in cell_text(executed, 1)
    views = [o for o in executed.cells[0].outputs if o.output_type == "execute_result"]
    assert "application/vnd.jupyter.widget-view+json" in views[0].data
    models = widget_state(executed)
    labels = [m["state"] for m in models.values() if m["model_name"] == "LabelModel"]
    assert [label["value"] for label in labels] == ["pressed"]
    assert {m["model_name"] for m in models.values()} >= {"ButtonModel", "VBoxModel"}


def test_kernel_runs_in_the_chosen_directory(run_notebook: NotebookRunner, tmp_path: Path) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "marker.txt").write_text("here")

    executed = run_notebook(make_notebook(["print(open('marker.txt').read())"]), cwd=workdir)

    assert cell_text(executed, 0) == "here\n"


def test_scanner_finds_a_planted_secret_in_outputs_and_widget_state(
    run_notebook: NotebookRunner, tmp_path: Path
) -> None:
    cells = [
        "import base64, os\nimport ipywidgets as w\n"
        "secret = os.environ['PLANTED']\n"
        "w.Label(secret)",
        "print(base64.b64encode(('someone:' + secret).encode()).decode())",
    ]
    saved = tmp_path / "leaky.ipynb"

    run_notebook(make_notebook(cells), env={"PLANTED": SECRET}, save_to=saved)
    hits = scan_for_secrets([saved], [SECRET])

    assert any("/metadata/widgets/" in hit and "as plain" in hit for hit in hits), hits
    assert any("/cells/1/outputs/" in hit and "base64 (embedded)" in hit for hit in hits), hits
    assert all(SECRET not in hit for hit in hits)


def test_scanner_reports_nothing_for_a_clean_notebook(
    run_notebook: NotebookRunner, tmp_path: Path
) -> None:
    saved = tmp_path / "clean.ipynb"
    run_notebook(make_notebook(WIDGET_CELLS), env={"INSTA_NB_SMOKE": "x"}, save_to=saved)

    assert scan_for_secrets([saved, tmp_path], [SECRET]) == []


@pytest.mark.parametrize("prefix", ["", "u:", "ab:", "user:", "a-much-longer-username:"])
def test_scanner_sees_base64_of_username_and_secret_at_any_alignment(prefix: str) -> None:
    header = "Authorization: Basic " + base64.b64encode(f"{prefix}{SECRET}".encode()).decode()
    log = f"line one\n{header}\nline three"

    hits = scan_for_secrets([("server.log", log)], [SECRET])

    assert hits, header
    assert all(hit.startswith("server.log:2: secret #0 as base64") for hit in hits), hits


def test_scanner_sees_exact_basic_forms_and_urlsafe_base64() -> None:
    basic = base64.b64encode(f"ops:{SECRET}".encode()).decode()
    odd = "tok>>>???~~~" + SECRET  # encodes to "+" and "/" in standard base64
    urlsafe = base64.urlsafe_b64encode(odd.encode()).decode()
    assert urlsafe != base64.b64encode(odd.encode()).decode()

    assert scan_for_secrets([basic], [SECRET], usernames=["ops"]) != []
    assert any("base64url" in hit for hit in scan_for_secrets([urlsafe], [odd]))
    assert scan_for_secrets(["nothing to see", ("log", "still nothing")], [SECRET]) == []


def test_scanner_reads_json_escaped_notebook_text(tmp_path: Path) -> None:
    secret = "pa/ss\u00e9word-with-escapes"
    nb = make_notebook(["x = 1"])
    nb.metadata["leak"] = secret
    path = tmp_path / "escaped.ipynb"
    path.write_text(nbformat.writes(nb).replace("/", "\\/"))

    hits = scan_for_secrets([path], [secret])

    assert any(hit.endswith("#/metadata/leak:1: secret #0 as plain") for hit in hits), hits


def test_secret_forms_never_include_trivially_short_fragments() -> None:
    assert all(len(text) >= 8 for _form, text in secret_forms("abcdefghij"))
    assert secret_forms("") == [("plain", "")]

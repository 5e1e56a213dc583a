"""The simulator stays an independent implementation: it imports only shared data."""

from __future__ import annotations

import ast
from pathlib import Path

import insta_nb.simulator

#: What the simulator may take from the rest of the toolkit.
ALLOWED = {"insta_nb.catalog", "insta_nb.models", "insta_nb.clock"}
PACKAGE = Path(insta_nb.simulator.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "insta_nb":
            names.update(f"insta_nb.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_simulator_imports_only_shared_data() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):  # v2/ included
        ours = {
            name
            for name in imported_modules(path)
            if name.startswith("insta_nb") and not name.startswith("insta_nb.simulator")
        }
        assert ours <= ALLOWED, (path.name, ours - ALLOWED)
        models = "insta_nb.models" in ours
        if models:
            tree = ast.parse(path.read_text())
            taken = {
                alias.name
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module == "insta_nb.models"
                for alias in node.names
            }
            assert taken == {"ClusterStatus"}, path.name


def test_public_api() -> None:
    for name in ("Simulator", "SimulatorSettings", "Faults"):
        assert name in insta_nb.simulator.__all__

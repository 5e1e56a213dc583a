"""Who may import whom (ARCHITECTURE §2), checked on every module's imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "insta_nb"

VOCABULARY = {"errors", "models", "peering", "products", "config", "catalog", "clock", "testing"}

#: Top-level part of a module → insta_nb parts it may import.
ALLOWED: dict[str, set[str]] = {
    **{name: set() for name in VOCABULARY},
    "config": {"errors"},
    "credentials": {"errors", "config"},
    # The seam: a protocol in the toolkit's own models, no wire format.
    "backend": {"models", "peering", "products", "errors"},
    # One package per API below the seam: paths, wire format, validation, HTTP.
    "backends": {
        "backends",
        "backend",
        "credentials",
        "models",
        "peering",
        "products",
        "errors",
        "config",
        "catalog",
        "clock",
    },
    "engine": {"engine", "errors", "clock", "config"},
    "service": {
        "service",
        "engine",
        "backend",
        "models",
        "peering",
        "products",
        "errors",
        "config",
        "clock",
    },
    "frame": {"service", "models"},
    "cells": set(),
    # ``backends`` here is the registry (``open_backend``) only: see ABOVE_THE_SEAM.
    "session": {
        "cells",
        "backend",
        "backends",
        "config",
        "credentials",
        "engine",
        "models",
        "peering",
        "products",
        "service",
        "errors",
        "frame",
        "simulator",
        "clock",
        "environment",
        "environment_spec",
        "leak_guard",
    },
    # An environment file: vocabulary, read with tomllib.
    "environment_spec": {"environment_spec", "models", "peering", "errors"},
    # Environments as one unit, over the session's public API only.
    "environment": {"environment", "environment_spec", "session", "models", "peering", "errors"},
    "leak_guard": {"service"},
    # Views use the session's public API, public models and ``frame``: nothing below.
    "widgets": {
        "widgets",
        "session",
        "frame",
        "models",
        "peering",
        "products",
        "catalog",
        "errors",
        "config",
        "clock",
        # No API access: one GET to an address echo for "My address" (issue 11).
        "public_address",
    },
    "public_address": {"config", "errors"},
    # An independent second implementation of the wire contract: data and names only.
    "simulator": {"simulator", "catalog", "models", "clock"},
    "cli": {"simulator", "session", "config", "credentials", "errors", "cli_env"},
    "cli_env": {"session", "environment", "environment_spec", "errors"},
    "pytest_plugin": {"session", "environment", "environment_spec", "errors"},
    "__init__": set(),  # the public surface re-exports anything
}

#: Layers above the backend seam: they may name no backend package (the session may
#: ask the registry, ``insta_nb.backends``, for one).
ABOVE_THE_SEAM = {
    "service",
    "session",
    "frame",
    "widgets",
    "cli",
    "cli_env",
    "environment",
    "leak_guard",
    "pytest_plugin",
}

#: Third-party packages only some layers may touch.
RESTRICTED = {
    # public_address: its own client for one GET to the echo; no credentials, no API.
    "httpx": {"backends", "credentials", "simulator", "public_address"},
    "ipywidgets": {"widgets"},
    "pandas": {"frame", "widgets", "session"},
    "starlette": {"simulator"},
    "uvicorn": {"simulator"},
}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def layer_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "insta_nb":
                found.update(f"insta_nb.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_imports_respect_the_layers(path: Path) -> None:
    layer = layer_of(path)
    assert layer in ALLOWED, f"new top-level module {layer!r}: add it to the layer table"
    for name in imports_of(path):
        parts = name.split(".")
        if parts[0] == "insta_nb" and len(parts) > 1 and layer != "__init__":
            assert parts[1] in ALLOWED[layer] | {layer}, f"{layer} must not import {name}"
        allowed_users = RESTRICTED.get(parts[0])
        if allowed_users is not None:
            assert layer in allowed_users, f"only {sorted(allowed_users)} may import {parts[0]}"


def test_every_layer_in_the_table_exists() -> None:
    present = {layer_of(p) for p in modules()}
    assert set(ALLOWED) <= present | {"cells"}


@pytest.mark.parametrize(
    "path",
    [p for p in modules() if layer_of(p) in ABOVE_THE_SEAM],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_nothing_above_the_seam_imports_a_backend_package(path: Path) -> None:
    for name in imports_of(path):
        if name.startswith("insta_nb.backends."):
            pytest.fail(f"{path.name} imports {name}: use insta_nb.backend.Backend")


@pytest.mark.parametrize(
    "path",
    [p for p in modules() if layer_of(p) != "session"],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_the_session_is_used_through_its_front_only(path: Path) -> None:
    """``insta_nb.session`` is a package of parts; its users see what it exports."""
    for name in imports_of(path):
        if name.startswith("insta_nb.session."):
            pytest.fail(f"{path.name} imports {name}: import it from insta_nb.session")


def test_import_insta_nb_loads_neither_ipywidgets_nor_pandas() -> None:
    code = (
        "import sys, insta_nb\n"
        "print(sorted(m for m in ('ipywidgets', 'pandas', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"

"""Fixtures of the client-layer tests: async tests run on asyncio through anyio's plugin."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_credentials_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Credential loading must not see the developer's own variables."""
    for name in (
        "INSTACLUSTR_USERNAME",
        "INSTACLUSTR_API_KEY",
        "INSTACLUSTR_API_URL",
        "INSTACLUSTR_READ_ONLY",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nor the developer's keyring: ``import keyring`` fails unless a test fakes it."""
    monkeypatch.setitem(sys.modules, "keyring", None)

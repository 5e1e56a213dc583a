"""Fixtures of the reliability scenarios (see support.py for the world they run in)."""

from __future__ import annotations

import gc
from collections.abc import Callable

import pytest


@pytest.fixture
def figure(record_property: Callable[[str, object], None]) -> Callable[[str, object], None]:
    """``figure(name, value)``: a number the report (docs/reliability.md) shows for this test.

    Stored as a junit property, so ``bench/reliability_report.py`` reads it back.
    """

    def record(name: str, value: object) -> None:
        record_property(f"figure:{name}", value)

    return record


@pytest.fixture(autouse=True)
def _collect_garbage_first() -> None:
    """Collect cyclic garbage before each test, at a moment no lock is held.

    Works around a deadlock in insta_nb.credentials (see test_credentials_gc.py): a
    Secret collected while the key registry's lock is held re-enters that lock. Left to
    chance, it hung two of these tests in one run.
    """
    gc.collect()

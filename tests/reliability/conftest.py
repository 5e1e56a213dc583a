"""Fixtures of the reliability scenarios (see support.py for the world they run in)."""

from __future__ import annotations

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

"""Readers of loose v1 scalars: text, whole numbers, flags and networks that may arrive as
strings, numbers or objects. Each returns ``None`` for a value it cannot read, never raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any


def _text(value: Any) -> str | None:
    """A string from a string or number; ``None`` for null and anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return None


def _first_text(value: Any) -> str | None:
    """Like :func:`_text`, also taking the first item of a list (early servers sent lists)."""
    if isinstance(value, list):
        return next((t for t in map(_text, value) if t), None)
    return _text(value)


_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")


def _int(value: Any) -> int | None:
    """An int from an int, an integral float or a numeric string; ``None`` otherwise."""
    if isinstance(value, bool):  # a flag is not a count
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        # One optional sign, then ASCII digits: "--5" or "+-3" passed a lstrip("+-") test
        # and made int() raise ValueError out of the HTTP boundary.
        if _INTEGER.fullmatch(text):
            return int(text)
    return None


def _bool(value: Any) -> bool | None:
    """A bool from a bool, ``"true"``/``"false"`` (any case) or 0/1; ``None`` otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"true", "1", "yes"}:
            return True
        if text in {"false", "0", "no"}:
            return False
    return None


def _network(value: Any) -> str | None:
    """``"10.224.0.0/16"`` from either v1 form of a network (string or object)."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, Mapping):
        network = _text(value.get("network"))
        prefix = _int(value.get("prefixLength"))
        if network and prefix is not None:
            return f"{network}/{prefix}"
        return network or None
    return None

"""Loose typing as the real API accepts it: booleans and numbers may come as strings.

The Terraform provider sends ``"true"``, ``"false"`` and ``"3"`` where the schema says
boolean and integer, and the API takes them. Each helper returns ``None`` when the
value cannot be read as the wanted type, so that the caller names the field.
"""

from __future__ import annotations

__all__ = ["as_bool", "as_int"]

_TRUE = frozenset({"true"})
_FALSE = frozenset({"false"})


def as_bool(value: object) -> bool | None:
    """``True``/``False``, or their strings in any case; ``None`` for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def as_int(value: object) -> int | None:
    """An integer, an integral float, or a string of digits; ``None`` for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        # A bound on length keeps int() cheap and away from its digit limit.
        digits = text[1:] if text.startswith("-") else text
        if 0 < len(digits) <= 9 and digits.isascii() and digits.isdigit():
            return int(text)
    return None

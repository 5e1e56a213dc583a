"""Collects every validation problem of a request, keyed by the API's field name.

A 400 names every offending field at once (``{"errors": {"clusterName": ..., ...}}``)
so that a form can mark them all. Several problems with one field are joined.
"""

from __future__ import annotations

__all__ = ["Problems", "show"]

_SHOW_MAX = 40


def show(value: object) -> str:
    """A short, safe rendering of a request value for an error message."""
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= _SHOW_MAX else text[: _SHOW_MAX - 1] + "…"


class Problems:
    """Field name → message, in the order found."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        """Record a problem with ``field`` (joined to earlier ones with ``; ``)."""
        earlier = self.fields.get(field)
        self.fields[field] = message if earlier is None else f"{earlier}; {message}"

    def __bool__(self) -> bool:
        return bool(self.fields)

    def __contains__(self, field: object) -> bool:
        return field in self.fields

"""The API's own message and field errors, read from any of its error body shapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["field_errors_from_body", "message_from_body"]


def message_from_body(body: Any, status: int) -> str:
    """The API's own message from any of its error body shapes."""
    if isinstance(body, Mapping):
        for key in ("message", "error", "status"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
        fields = field_errors_from_body(body)
        if fields:
            return "; ".join(f"{k}: {v}" for k, v in fields.items())
    if isinstance(body, str) and body.strip():
        return body.strip()[:500]
    return f"HTTP {status}"


def field_errors_from_body(body: Any) -> dict[str, str]:
    """Field messages from ``{"errors": {field: msg}}`` or ``{"errors": [{name, message}]}``."""
    if not isinstance(body, Mapping):
        return {}
    errors = body.get("errors")
    if isinstance(errors, Mapping):
        return {str(k): str(v) for k, v in errors.items()}
    if isinstance(errors, list):
        out: dict[str, str] = {}
        for item in errors:
            if isinstance(item, Mapping) and "name" in item:
                out[str(item["name"])] = str(item.get("message", ""))
        return out
    return {}

"""Checking the shape of a decoded answer, for every API's parser: an object where one is
expected, an array where one is expected, else the toolkit's UnexpectedResponseError."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from insta_nb.errors import UnexpectedResponseError

__all__ = ["json_array", "json_object", "unexpected"]


def unexpected(what: str, body: Any) -> UnexpectedResponseError:
    """The error for an answer that is not what ``what`` says (``body``: the answer)."""
    return UnexpectedResponseError(f"unexpected response: {what}", status=0, body=body)


def json_object(value: Any, what: str, body: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else :func:`unexpected`."""
    if not isinstance(value, Mapping):
        raise unexpected(f"{what} is not a JSON object", body)
    return value


def json_array(value: Any, what: str, body: Any, *, null_ok: bool = True) -> list[Any]:
    """``value`` if it is a JSON array (``null`` reads as empty when ``null_ok``)."""
    if value is None and null_ok:
        return []
    if not isinstance(value, list):
        raise unexpected(f"{what} is not a JSON array", body)
    return value

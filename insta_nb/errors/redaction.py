"""The hook through which every error's text and body lose their secrets.

This package is stdlib only and knows no keys: :mod:`insta_nb.credentials` installs the
redactor (it knows the live keys) with :func:`set_redactor` when it is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["clean", "scrub", "set_redactor"]

#: Removes secrets from text; installed by :mod:`insta_nb.credentials` when it is imported.
_redactor: Callable[[str], str] | None = None
_WITHHELD = "[message withheld: it could not be checked for secrets]"


def set_redactor(redactor: Callable[[str], str] | None) -> None:
    """Install the function that removes secrets from every error's text."""
    global _redactor
    _redactor = redactor


def clean(text: str) -> str:
    """``text`` through the installed redactor; withheld whole if the redactor fails."""
    redactor = _redactor
    if redactor is None or not text:
        return text
    try:
        return redactor(text)
    except Exception:
        # Fail closed: an error message that may hold a key is not shown.
        return _WITHHELD


def scrub(value: Any, depth: int = 0) -> Any:
    """``value`` (a decoded JSON body) with secrets removed from every string in it.

    Returns the very same object when nothing had to change.
    """
    if isinstance(value, str):
        return clean(value)
    if depth > 32:  # deeper than any API body; refuse to walk a cyclic structure forever
        return value
    if isinstance(value, Mapping):
        items = [(scrub(k, depth + 1), scrub(v, depth + 1)) for k, v in value.items()]
        changed = any(
            new_k is not k or new_v is not v
            for (new_k, new_v), (k, v) in zip(items, value.items(), strict=True)
        )
        return dict(items) if changed else value
    if isinstance(value, list | tuple):
        cleaned = [scrub(v, depth + 1) for v in value]
        if all(new is old for new, old in zip(cleaned, value, strict=True)):
            return value
        return cleaned if isinstance(value, list) else tuple(cleaned)
    return value

"""Reading one JSON object of a v2 request: each read checks, normalises and echoes.

A :class:`Fields` wraps one object of the body (the cluster, a data centre, a node
group). Every read names its problem by the field's full path (``dataCentres[1].region``)
and copies the normalised value into :attr:`Fields.echo`, so that the 202 and every GET
echo what the client sent [C OP: the operator keeps the 202 body as its copy], typed as
the schema types it even when it arrived loosely typed (``"true"``, ``"3"``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from typing import Any

from insta_nb.simulator.coerce import as_bool, as_int
from insta_nb.simulator.problems import Problems, show

__all__ = ["NAME_PATTERN", "NODE_SIZE_PATTERN", "Fields"]

#: ``name`` of a v2 cluster: 3–48 characters [C SPEC].
NAME_PATTERN = re.compile(r"\A[a-zA-Z0-9][a-zA-Z0-9_-]{2,47}\Z")
#: Node sizes are checked for shape only: the simulator does not carry v2's per-region
#: size lists (TF2 prints them per region; SPEC gives only examples).
NODE_SIZE_PATTERN = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._()-]{0,63}\Z")
_TEXT_MAX = 256

_MISSING = object()


class Fields:
    """Checked reads from one JSON object, recording problems and an echo."""

    def __init__(self, value: object, path: str, problems: Problems) -> None:
        self.path = path
        self.problems = problems
        self.echo: dict[str, Any] = {}
        if isinstance(value, dict):
            self.data: dict[str, Any] = value
        else:
            self.data = {}
            problems.add(path or "body", "must be a JSON object")

    def name(self, key: str) -> str:
        """The full field name of ``key``."""
        return f"{self.path}.{key}" if self.path else key

    def problem(self, key: str, message: str) -> None:
        """Record a problem with ``key``."""
        self.problems.add(self.name(key), message)

    def _raw(self, key: str, required: bool) -> object:
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.problem(key, "is required")
            return _MISSING
        return value

    def text(
        self,
        key: str,
        *,
        required: bool = True,
        pattern: re.Pattern[str] | None = None,
        rule: str = "",
    ) -> str | None:
        """A string (non-empty), optionally matching ``pattern`` (described by ``rule``)."""
        value = self._raw(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not value or len(value) > _TEXT_MAX:
            self.problem(key, f"must be a non-empty string, not {show(value)}")
            return None
        if pattern is not None and pattern.fullmatch(value) is None:
            self.problem(key, f"{show(value)} {rule or 'is not valid'}")
            return None
        self.echo[key] = value
        return value

    def choice(
        self, key: str, options: Container[str], listed: str, *, required: bool = True
    ) -> str | None:
        """One of ``options`` (``listed`` says which, for the message)."""
        value = self._raw(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str) or value not in options:
            self.problem(key, f"{show(value)} is not one of {listed}")
            return None
        self.echo[key] = value
        return value

    def flag(self, key: str, *, required: bool = True, default: bool = False) -> bool:
        """A boolean; ``"true"``/``"false"`` accepted, as the Terraform provider sends them."""
        value = self._raw(key, required)
        if value is _MISSING:
            self.echo[key] = default
            return default
        flag = as_bool(value)
        if flag is None:
            self.problem(key, f"must be true or false, not {show(value)}")
            return default
        self.echo[key] = flag
        return flag

    def integer(self, key: str, low: int, high: int, *, required: bool = True) -> int | None:
        """An integer in ``low``–``high``; ``"3"`` accepted."""
        value = self._raw(key, required)
        if value is _MISSING:
            return None
        number = as_int(value)
        if number is None or not low <= number <= high:
            self.problem(key, f"must be an integer from {low} to {high}, not {show(value)}")
            return None
        self.echo[key] = number
        return number

    def objects(self, key: str, low: int, high: int, *, required: bool = True) -> list[Fields]:
        """A list of ``low``–``high`` objects, each read by the caller; echoed as a list."""
        value = self._raw(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.problem(key, "must be a list of objects")
            return []
        if not low <= len(value) <= high:
            count = f"exactly {low}" if low == high else f"{low} to {high}"
            noun = "entry" if high == 1 else "entries"
            self.problem(key, f"must hold {count} {noun}, not {len(value)}")
            if len(value) > high:
                return []
        items = [
            Fields(item, f"{self.name(key)}[{i}]", self.problems) for i, item in enumerate(value)
        ]
        self.echo[key] = [item.echo for item in items]
        return items

    def check(
        self, key: str, ok: Callable[[object], str | None], *, required: bool = True
    ) -> object:
        """A value judged by ``ok``, which returns a problem or ``None``; echoed unchanged."""
        value = self._raw(key, required)
        if value is _MISSING:
            return None
        message = ok(value)
        if message is not None:
            self.problem(key, message)
            return None
        self.echo[key] = value
        return value

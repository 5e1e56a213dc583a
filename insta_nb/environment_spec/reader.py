"""Reading one TOML table with its keys' types checked, every problem named by its key.

A :class:`Reader` wraps one table (a mapping) at a dotted path (``cluster.provider``).
Its getters return the value when it has the right type and shape, else ``None`` after
recording a message under the full key. All readers of one document share one list of
problems, so a file with five mistakes is reported once with all five.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

from insta_nb.errors import ValidationError

__all__ = ["Reader"]

#: Longest string value taken (names, ids, sizes are all short).
_MAX_TEXT = 1024


def _show(value: Any) -> str:
    kind = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value))
    return kind or type(value).__name__


class Reader:
    """One table of a document; getters check types and record what is wrong."""

    def __init__(self, data: Any, path: str, problems: dict[str, str] | None = None) -> None:
        self.data: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
        self.path = path
        self.problems: dict[str, str] = {} if problems is None else problems
        self._mine: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, message: str) -> None:
        full = self.key(name)
        self.problems.setdefault(full, message)
        self._mine.add(name)

    def ok(self, name: str) -> bool:
        """No problem recorded for ``name`` (or below it) yet."""
        full = self.key(name)
        return not any(k == full or k.startswith((full + ".", full + "[")) for k in self.problems)

    def ok_all(self) -> bool:
        """No problem recorded anywhere in this table yet."""
        prefix = self.path
        if not prefix:
            return not self.problems
        return not any(
            k == prefix or k.startswith((prefix + ".", prefix + "[")) for k in self.problems
        )

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationError(dict(sorted(self.problems.items())))

    def has(self, name: str) -> bool:
        return name in self.data

    def refuse_unknown(self, known: Collection[str]) -> None:
        for name in self.data:
            if not isinstance(name, str) or name not in known:
                self.fail(str(name), f"Unknown key; expected one of: {', '.join(known)}.")

    def _get(self, name: str, required: bool) -> Any:
        value = self.data.get(name)
        if value is None and required:
            self.fail(name, "Required.")
        return value

    def string(self, name: str, *, required: bool = False) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(name, f"Must be a string, not {_show(value)}.")
            return None
        if not value.strip():
            self.fail(name, "Must not be empty.")
            return None
        if len(value) > _MAX_TEXT:
            self.fail(name, f"Longer than {_MAX_TEXT} characters.")
            return None
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            self.fail(name, "Must not contain control characters.")
            return None
        return value

    def boolean(self, name: str) -> bool | None:
        value = self._get(name, False)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(name, f"Must be true or false, not {_show(value)}.")
            return None
        return value

    def integer(self, name: str, *, required: bool = False, low: int, high: int) -> int | None:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, f"Must be a whole number, not {_show(value)}.")
            return None
        if not low <= value <= high:
            self.fail(name, f"Use {low} to {high}.")
            return None
        return value

    def seconds(self, name: str) -> float | None:
        value = self._get(name, False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(name, f"Must be a number of seconds, not {_show(value)}.")
            return None
        if not (math.isfinite(value) and 0 < value <= 7 * 24 * 3600):
            self.fail(name, "Use a number of seconds above 0 and at most a week.")
            return None
        return float(value)

    def strings(self, name: str, *, required: bool = False) -> list[str] | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, list):
            self.fail(name, f"Must be an array of strings, not {_show(value)}.")
            return None
        out: list[str] = []
        for i, item in enumerate(value):
            holder = Reader({"v": item}, f"{self.key(name)}[{i}]", self.problems)
            text = holder.string("v")
            if text is None:
                message = holder.problems.pop(holder.key("v"), "Must be a string.")
                self.problems.setdefault(f"{self.key(name)}[{i}]", message)
                self._mine.add(name)
                return None
            out.append(text)
        return out

    def string_table(self, name: str) -> dict[str, str] | None:
        table = self.table(name)
        if table is None:
            return None
        out: dict[str, str] = {}
        for key in table.data:
            text = table.string(key)
            if text is not None:
                out[key] = text
        return out

    def table(self, name: str, *, required: bool = False, also: str = "") -> Reader | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            extra = f" ({also})" if also else ""
            self.fail(name, f"Must be a table{extra}, not {_show(value)}.")
            return None
        return Reader(value, self.key(name), self.problems)

    def tables(self, name: str, *, required: bool = False) -> list[Reader]:
        value = self._get(name, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(name, f"Must be an array of tables ([[{name}]]), not {_show(value)}.")
            return []
        out: list[Reader] = []
        for i, item in enumerate(value):
            key = f"{self.key(name)}[{i}]"
            if not isinstance(item, Mapping):
                self.problems.setdefault(key, f"Must be a table, not {_show(item)}.")
                continue
            out.append(Reader(item, key, self.problems))
        return out

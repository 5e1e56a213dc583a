"""Walking a tree of widgets: closing it, or visiting every model in it (layouts too)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ipywidgets as w

__all__ = ["close_tree", "walk"]


def walk(widget: Any) -> Iterator[Any]:
    """``widget`` and every widget model it refers to (children, layout, style), once each."""
    seen: set[int] = set()
    stack = [widget]
    while stack:
        current = stack.pop()
        if id(current) in seen or not isinstance(current, w.Widget):
            continue
        seen.add(id(current))
        yield current
        for name in current.keys:
            value = getattr(current, name, None)
            if isinstance(value, w.Widget):
                stack.append(value)
            elif isinstance(value, list | tuple):
                stack.extend(v for v in value if isinstance(v, w.Widget))


def close_tree(widget: Any) -> None:
    """Close ``widget`` and, first, every widget below it."""
    for child in list(walk(widget))[1:]:
        child.close()
    widget.close()

"""Counting the messages widgets would send to a frontend (hooks each model's comm)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from insta_nb.widgets._tree import walk


class Messages:
    """Counts ``comm.send`` calls of every widget model under the roots given to :meth:`hook`."""

    def __init__(self, *roots: Any) -> None:
        self.total = 0
        self.by_model: Counter[str] = Counter()
        self._hooked: set[int] = set()
        for root in roots:
            self.hook(root)

    def hook(self, root: Any) -> Messages:
        for widget in walk(root):
            comm = widget.comm
            if comm is None or id(comm) in self._hooked:
                continue
            self._hooked.add(id(comm))
            original = comm.send
            model_id = widget.model_id

            def send(*args: Any, _original: Any = original, _id: str = model_id, **kw: Any) -> Any:
                self.total += 1
                self.by_model[_id] += 1
                return _original(*args, **kw)

            comm.send = send
        return self

    def reset(self) -> None:
        self.total = 0
        self.by_model.clear()


def model_ids(root: Any) -> set[str]:
    """Model ids of ``root`` and everything below it."""
    return {w.model_id for w in walk(root) if w.comm is not None}

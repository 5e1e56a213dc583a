"""Which notebook cell is asking: jobs are owned by the cell that queued them.

When a cell runs again, the jobs its previous run left *queued* are cancelled (a
mutation already sent is never abandoned: the service keeps its operation and
reports the outcome). Outside IPython there are no cells and no owner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["CellOwners"]


class CellOwners:
    """Tracks the running cell through IPython's ``pre_run_cell`` event."""

    def __init__(self, on_rerun: Callable[[str], None]) -> None:
        self._on_rerun = on_rerun
        self.current: str | None = None
        self._seen: set[str] = set()
        self._shell: Any = None
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython ships with ipywidgets
            return
        shell = get_ipython()
        if shell is not None:
            shell.events.register("pre_run_cell", self._pre_run_cell)
            self._shell = shell

    def _pre_run_cell(self, info: Any) -> None:
        cell_id = getattr(info, "cell_id", None)
        if not cell_id:
            self.current = None
            return
        owner = f"cell:{cell_id}"
        if owner in self._seen:
            self._on_rerun(owner)
        self._seen.add(owner)
        self.current = owner

    def close(self) -> None:
        if self._shell is not None:
            self._shell.events.unregister("pre_run_cell", self._pre_run_cell)
            self._shell = None

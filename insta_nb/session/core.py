"""What every part of a session relies on: its state, whose call it is, the engine hop.

A :class:`~insta_nb.session.Session` is composed of parts, one concern each
(:mod:`.clusters`, :mod:`.resources`, :mod:`.networking`, :mod:`.environments`,
:mod:`.views`). Each part is a :class:`SessionCore`: it sees the state the session
builds (declared here, set by ``Session.__init__``) and reaches the account only by
:meth:`~SessionCore._on_engine`, on behalf of :meth:`~SessionCore.owner`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from insta_nb.backend import Backend
from insta_nb.cells import CellOwners
from insta_nb.config import EngineSettings
from insta_nb.engine import Engine, EngineRunner
from insta_nb.leak_guard import LeakGuard
from insta_nb.service import ClusterService

if TYPE_CHECKING:
    from insta_nb.simulator import Simulator

__all__ = ["SessionCore"]

T = TypeVar("T")
#: The view a call is made for (see Session.owned_by); a context variable, so that it
#: belongs to one task on the engine loop and never leaks into another.
_view_owner: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "insta_nb_view_owner", default=None
)


class SessionCore:
    """The state a session's parts share, and the two things every call does."""

    backend: Backend
    runner: EngineRunner
    simulator: Simulator | None
    #: This session's own pacing, timeouts and retry budget.
    settings: EngineSettings
    service: ClusterService
    _engine: Engine
    _cells: CellOwners
    #: Clusters this session created and did not delete, named when it closes.
    _leaks: LeakGuard

    def owner(self) -> str | None:
        """Who is asking: a view inside :meth:`owned_by`, else the cell running now.

        Jobs are cancelled with their owner: a re-run cell, a closed widget.
        """
        return _view_owner.get() or self._cells.current

    @contextlib.contextmanager
    def owned_by(self, owner: str) -> Iterator[None]:
        """Calls made inside belong to ``owner`` (a widget), in this task only."""
        token = _view_owner.set(owner)
        try:
            yield
        finally:
            _view_owner.reset(token)

    async def _on_engine(self, fn: Callable[[], Awaitable[T]]) -> T:
        return await self.runner.on_loop(fn)

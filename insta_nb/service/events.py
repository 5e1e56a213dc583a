"""What the service tells its views: :class:`ServiceEvent`, delivered by an :class:`EventBus`.

Listeners are called on the engine loop, in order; a view hops to its own thread itself
(the widgets' bridge does). One broken listener never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass

from insta_nb.service.operations import Operation

__all__ = ["EventBus", "Listener", "ServiceEvent"]

log = logging.getLogger("insta_nb.service")


@dataclass(frozen=True)
class ServiceEvent:
    """Something views may want to redraw."""

    #: Ids of rows that were added, changed or removed.
    rows: frozenset[str] = frozenset()
    operation: Operation | None = None
    #: The last refresh failed with this message (``None``: it worked).
    poll_error: str | None = None
    #: The engine's queue or pacing state changed.
    engine: bool = False
    #: A refresh finished (with or without error).
    refreshed: bool = False


Listener = Callable[[ServiceEvent], None]


class EventBus:
    """Subscribers and the events they get."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` on the engine loop after each change."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def emit(self, event: ServiceEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # one broken view must not break the others
                log.exception("service listener failed")

    def rows_changed(self, ids: Collection[str]) -> None:
        if ids:
            self.emit(ServiceEvent(rows=frozenset(ids)))

    def operation_changed(self, op: Operation) -> None:
        self.emit(ServiceEvent(operation=op))

"""The leak guard: clusters a session created and did not delete are named, never deleted.

A cluster left running is billed by the hour, and a notebook closed or a script ended
without a teardown is the usual way it happens. Each session counts the clusters its
creates made (adopting an existing one does not count) and its deletes removed; when the
session closes, or the interpreter exits with the session still open, the difference is
logged as a warning on the ``insta_nb`` logger (shown on stderr even with no logging
configured). Nothing is deleted automatically: the cluster may be meant to stay.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref

from insta_nb.service import OperationState, ServiceEvent

__all__ = ["LeakGuard"]

log = logging.getLogger("insta_nb")
_open: weakref.WeakSet[LeakGuard] = weakref.WeakSet()


class LeakGuard:
    """Clusters one session created and has not deleted."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._created: dict[str, str] = {}
        self._lock = threading.Lock()
        _open.add(self)

    def on_event(self, event: ServiceEvent) -> None:
        """Listen to the session's service events (on the engine thread)."""
        op = event.operation
        if op is None or op.state is not OperationState.DONE or not op.cluster_id:
            return
        with self._lock:
            if op.action == "create" and not (op.message or "").startswith("adopted"):
                self._created[op.cluster_id] = op.target
            elif op.action == "delete":
                self._created.pop(op.cluster_id, None)

    def undeleted(self) -> dict[str, str]:
        """``{cluster id: name}`` of clusters created and not deleted through this session."""
        with self._lock:
            return dict(self._created)

    def warn(self, when: str) -> None:
        """Log the undeleted clusters, if any, once; ``when`` says why we look now."""
        _open.discard(self)
        left = self.undeleted()
        if not left:
            return
        names = ", ".join(f"{name} ({cid})" for cid, name in sorted(left.items()))
        log.warning(
            "insta_nb: %s: %d cluster(s) this session created were not deleted and may "
            "still be running (and billed): %s. They are not deleted automatically; "
            "delete them with session.delete_cluster(id), the dashboard or `insta-nb env "
            "down NAME` if an environment made them. [%s]",
            when,
            len(left),
            names,
            self._label,
        )


@atexit.register
def _at_exit() -> None:
    for guard in list(_open):
        guard.warn("the interpreter is exiting")

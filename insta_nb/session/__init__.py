"""The front door: ``connect()`` and the :class:`Session` it returns.

A session is the user's handle on one account (or on the embedded simulator). Its
methods are coroutines usable with top-level ``await`` in a cell or from any event
loop; ``session.sync`` offers the same calls blocking, each declared once (the blocking
twin is derived from the coroutine, fully typed). Either way the work runs on the
process's one engine thread, paced together with every other cell, widget and process
that talks to the same API host.

Each session keeps its own settings (pace, timeouts, retry budget): a later
``connect()`` never changes an earlier session. Views (widgets) use only what this
package exports: the session's methods, its observable state and the types below.

    >>> import insta_nb
    >>> session = insta_nb.connect()            # no credentials: embedded simulator
    >>> clusters = session.sync.list_clusters()

Module map: ``connecting`` (``connect()``: settings resolution, the embedded
simulator), ``session`` (the :class:`Session`: its state, identity and close), ``core``
(what its parts share: whose call it is, the hop onto the engine), one part per concern
(``clusters``, ``resources`` for firewall rules and keys, ``networking`` for VPC
peerings and resizes, ``environments``, ``views`` for observable state and watches) and
``sync`` (:class:`SyncSession`, the blocking twins).
"""

from __future__ import annotations

from insta_nb.engine import BreakerState, EngineSnapshot, JobInfo, JobKind
from insta_nb.service import ClusterRow, Operation, OperationState, ServiceEvent, Watch
from insta_nb.session.connecting import connect
from insta_nb.session.session import Session
from insta_nb.session.sync import SyncSession
from insta_nb.session.sync import _Blocking as _Blocking  # tests find the twins by it
from insta_nb.session.sync import blocking as blocking

__all__ = [
    "BreakerState",
    "ClusterRow",
    "EngineSnapshot",
    "JobInfo",
    "JobKind",
    "Operation",
    "OperationState",
    "ServiceEvent",
    "Session",
    "SyncSession",
    "Watch",
    "connect",
]

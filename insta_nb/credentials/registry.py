"""The weak registry of live keys, and the usernames each was used with, behind redaction.

Every :class:`~insta_nb.credentials.secret.Secret` enters it on creation, so
:func:`~insta_nb.credentials.redaction.redact` knows every key it must hide; it holds no
strong reference, so registering a key never keeps it alive.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from insta_nb.credentials.secret import Secret

__all__ = ["REGISTRY"]


class _Registry:
    """Live secrets and the usernames they were used with. Holds no strong reference."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[weakref.ref[Secret], frozenset[str]]] = {}
        #: Keys of collected secrets, purged under the lock later. The weakref callback
        #: may run inside a garbage collection triggered while this thread holds the
        #: lock, so it must neither take the lock nor change the dict itself.
        self._dead: list[int] = []

    def _purge(self) -> None:
        while self._dead:
            key = self._dead.pop()
            entry = self._entries.get(key)
            if entry is not None and entry[0]() is None:  # the id may have been reused
                del self._entries[key]

    def add(self, secret: Secret, username: str | None = None) -> None:
        key = id(secret)
        dead = self._dead

        def forget(_: weakref.ref[Secret], key: int = key) -> None:
            dead.append(key)  # atomic; no lock (see _dead)

        with self._lock:
            self._purge()
            entry = self._entries.get(key)
            if entry is not None and entry[0]() is secret:
                users = entry[1] | ({username} if username else set())
                self._entries[key] = (entry[0], users)
            else:
                self._entries[key] = (
                    weakref.ref(secret, forget),
                    frozenset(filter(None, [username])),
                )

    def live(self) -> list[tuple[Secret, frozenset[str]]]:
        with self._lock:
            self._purge()
            entries = list(self._entries.values())
        out = []
        for ref, users in entries:
            secret = ref()
            if secret is not None:
                out.append((secret, users))
        return out


#: The one registry of the process: redaction must see every key, whoever made it.
REGISTRY = _Registry()

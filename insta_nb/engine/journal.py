"""The machine-wide create journal: which cluster names are being created, or just were.

A duplicate cluster is billed by the hour, and an inventory (however fresh) cannot see a
create that another kernel has in flight. So before a create is queued, its *intent* is
written here, keyed by API host, account and cluster name, under the same kind of lock
as the slot file; every process of the user reads the same file. A second create of a
name that any process has in flight, or created recently, is refused with where it is
(or adopted, when the caller asks for that).

An intent moves ``queued`` → ``sent`` (handed to the transport) → ``created`` (id known)
or is released (not created, cancelled before sending). One whose outcome stayed unknown
is kept as ``unknown``. An intent whose process has died is an *orphan*: if it was
``queued``, nothing was sent and it is simply dropped; if ``sent`` or ``unknown``, the
next create of that name takes it over and looks for the cluster by name first.

:class:`FileJournal` keeps entries in a small JSON file; :class:`MemoryJournal` is the same
rule for one process (tests, an embedded simulator).
"""

from __future__ import annotations

import json
import logging
import math
import os
import secrets
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from filelock import FileLock

from insta_nb.engine.slots import file_mode_for

__all__ = ["Claim", "CreateIntent", "CreateJournal", "FileJournal", "MemoryJournal"]

log = logging.getLogger("insta_nb.engine")

#: An unfinished intent older than this is an orphan even if its pid looks alive (pids
#: are reused; no create takes hours to be answered).
_STALE_AFTER = 6 * 3600.0
#: Entries kept in the file at most (oldest finished ones go first).
_MAX_ENTRIES = 500
_UNFINISHED = ("queued", "sent", "unknown")


@dataclass(frozen=True)
class CreateIntent:
    """One create of one name, as the journal knows it."""

    token: str
    key: str
    name: str
    pid: int
    state: str
    #: Wall times of the claim and of the last change.
    since: float
    updated: float
    cluster_id: str | None = None

    def where(self, now: float) -> str:
        """Where this create is, in words: ``"in process 4242, sent 12 s ago"``."""
        who = "this process" if self.pid == os.getpid() else f"process {self.pid}"
        ago = max(0.0, now - self.updated)
        if self.state == "created":
            return f"created {ago:.0f} s ago by {who} (cluster id {self.cluster_id})"
        return f"{self.state} in {who}, {ago:.0f} s ago"


@dataclass(frozen=True)
class Claim:
    """The outcome of :meth:`CreateJournal.claim`."""

    #: Our own intent's token, or ``None`` when ``blocking`` refused it.
    token: str | None
    #: A live or recent create of the same name.
    blocking: CreateIntent | None = None
    #: A dead process's create that may have been sent: look for it by name first.
    orphan: CreateIntent | None = None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # someone else's process: assume it lives
    return True


class CreateJournal(ABC):
    """The journal's rules over a store of entries (see the module docstring)."""

    def claim(self, key: str, name: str, now: float, *, force: bool, recent: float) -> Claim:
        """Record an intent to create ``name``, unless a live or recent create refuses it.

        ``force`` records it whatever exists (the caller wants a second cluster).
        """
        with self._locked() as entries:
            orphan: CreateIntent | None = None
            blocking: CreateIntent | None = None
            keep: list[CreateIntent] = []
            for entry in entries:
                if entry.key != key or entry.name != name:
                    keep.append(entry)
                    continue
                if entry.state == "created":
                    if now - entry.updated <= recent:
                        blocking = blocking or entry
                        keep.append(entry)
                    continue  # old news: the API's own list decides now
                if _alive(entry.pid) and now - entry.updated <= _STALE_AFTER:
                    blocking = blocking or entry
                    keep.append(entry)
                    continue
                if entry.state != "queued":
                    orphan = entry  # we take it over: it is dropped from the journal
            if blocking is not None and not force:
                entries[:] = keep
                return Claim(None, blocking=blocking)
            mine = CreateIntent(
                token=secrets.token_hex(8),
                key=key,
                name=name,
                pid=os.getpid(),
                state="queued",
                since=now,
                updated=now,
            )
            entries[:] = [*keep, mine][-_MAX_ENTRIES:]
            return Claim(mine.token, orphan=orphan)

    def update(self, token: str, state: str, now: float, cluster_id: str | None = None) -> None:
        """Move our intent ``token`` to ``state``."""
        with self._locked() as entries:
            for i, entry in enumerate(entries):
                if entry.token == token:
                    entries[i] = replace(
                        entry, state=state, updated=now, cluster_id=cluster_id or entry.cluster_id
                    )

    def release(self, token: str) -> None:
        """Forget our intent: nothing was created."""
        with self._locked() as entries:
            entries[:] = [e for e in entries if e.token != token]

    def forget_cluster(self, key: str, cluster_id: str) -> None:
        """The cluster was deleted through us: its name is free again as far as we know."""
        with self._locked() as entries:
            entries[:] = [e for e in entries if not (e.key == key and e.cluster_id == cluster_id)]

    def entries(self) -> list[CreateIntent]:
        with self._locked() as entries:
            return list(entries)

    @abstractmethod
    def _locked(self) -> AbstractContextManager[list[CreateIntent]]:
        """The entries, exclusively; changes made to the list are stored on exit."""


class MemoryJournal(CreateJournal):
    """The journal for one process."""

    def __init__(self) -> None:
        self._entries: list[CreateIntent] = []
        self._lock = threading.Lock()

    @contextmanager
    def _locked(self) -> Iterator[list[CreateIntent]]:
        with self._lock:
            yield self._entries


def _entry(item: Any) -> CreateIntent | None:
    try:
        entry = CreateIntent(
            token=str(item["token"]),
            key=str(item["key"]),
            name=str(item["name"]),
            pid=int(item["pid"]),
            state=str(item["state"]),
            since=float(item["since"]),
            updated=float(item["updated"]),
            cluster_id=None if item.get("cluster_id") is None else str(item["cluster_id"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        return None
    if not (math.isfinite(entry.since) and math.isfinite(entry.updated)):
        return None
    if entry.state not in (*_UNFINISHED, "created"):
        return None
    return entry


class FileJournal(CreateJournal):
    """The journal shared by every process of the user, in ``creates.json``."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = directory / "creates.json"
        # Shared with other accounts only when the directory is (see slots.file_mode_for).
        self._mode = file_mode_for(directory)
        self._file_lock = FileLock(str(self.path) + ".lock", mode=self._mode)
        self._thread_lock = threading.Lock()

    @contextmanager
    def _locked(self) -> Iterator[list[CreateIntent]]:
        with self._thread_lock, self._file_lock:
            entries = self._read()
            before = list(entries)
            yield entries
            if entries != before:
                self._write(entries)

    def _read(self) -> list[CreateIntent]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "[]")
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            log.warning("the create journal %s is unreadable (%s); starting afresh", self.path, exc)
            return []
        if not isinstance(data, list):
            return []
        return [e for e in map(_entry, data) if e is not None]

    def _write(self, entries: list[CreateIntent]) -> None:
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, self._mode)
        os.fchmod(fd, self._mode)  # whatever the umask
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump([asdict(e) for e in entries], out)
        os.replace(tmp, self.path)

    def __repr__(self) -> str:
        return f"FileJournal({str(self.path)!r})"

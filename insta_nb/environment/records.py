"""Which environments exist, recorded where another process can find them.

``insta-nb env down NAME`` and ``env list`` usually run in a different process than the
``env up`` that made the environment (a later CI step, another terminal). So every
environment is recorded, before its cluster is created, in ``environments.json`` in the
state directory (next to the create journal, under the same kind of lock), keyed by API
host and account, and updated as ids become known: the cluster, then each peering. A
record is removed once its teardown removed everything; one whose teardown fell short
keeps what was left. The API's list stays the truth: ``env list`` reconciles the records
against it. Sessions on the embedded simulator keep records in memory (nothing outside
the process can reach that simulator anyway).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from filelock import FileLock

__all__ = ["EnvironmentRecord", "EnvironmentRecords", "FileRecords", "MemoryRecords"]

log = logging.getLogger("insta_nb.environment")


@dataclass(frozen=True)
class EnvironmentRecord:
    """One environment as the records know it."""

    key: str
    name: str
    cluster_name: str
    #: ``provisioning``, ``up``, ``tearing down`` or ``teardown incomplete``.
    state: str
    pid: int
    updated: float
    cluster_id: str | None = None
    #: ``(data centre id, peering id)`` of each peering made.
    peerings: tuple[tuple[str, str], ...] = ()
    #: What a teardown could not remove, in words.
    left: tuple[str, ...] = ()
    #: Seconds since the epoch when ``env up`` began.
    since: float = 0.0


def _record(item: Any) -> EnvironmentRecord | None:
    try:
        return EnvironmentRecord(
            key=str(item["key"]),
            name=str(item["name"]),
            cluster_name=str(item["cluster_name"]),
            state=str(item["state"]),
            pid=int(item["pid"]),
            updated=float(item["updated"]),
            cluster_id=None if item.get("cluster_id") is None else str(item["cluster_id"]),
            peerings=tuple((str(a), str(b)) for a, b in item.get("peerings", ())),
            left=tuple(str(x) for x in item.get("left", ())),
            since=float(item.get("since", 0.0)),
        )
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        return None


class EnvironmentRecords(ABC):
    """Records of one machine (or one process), keyed by host and account."""

    def get(self, key: str, name: str) -> EnvironmentRecord | None:
        with self._locked() as records:
            return next((r for r in records if r.key == key and r.name == name), None)

    def all(self, key: str) -> list[EnvironmentRecord]:
        with self._locked() as records:
            return [r for r in records if r.key == key]

    def put(self, record: EnvironmentRecord) -> None:
        with self._locked() as records:
            records[:] = [r for r in records if not (r.key == record.key and r.name == record.name)]
            records.append(record)

    def claim(self, record: EnvironmentRecord) -> EnvironmentRecord | None:
        """Write ``record`` unless one of its name exists: then return that one instead."""
        with self._locked() as records:
            for r in records:
                if r.key == record.key and r.name == record.name:
                    return r
            records.append(record)
            return None

    def update(self, key: str, name: str, **changes: Any) -> None:
        with self._locked() as records:
            for i, r in enumerate(records):
                if r.key == key and r.name == name:
                    records[i] = replace(r, **changes)

    def remove(self, key: str, name: str) -> None:
        with self._locked() as records:
            records[:] = [r for r in records if not (r.key == key and r.name == name)]

    @abstractmethod
    def _locked(self) -> AbstractContextManager[list[EnvironmentRecord]]:
        """The records, exclusively; changes made to the list are stored on exit."""


class MemoryRecords(EnvironmentRecords):
    """Records for one process."""

    def __init__(self) -> None:
        self._records: list[EnvironmentRecord] = []
        self._lock = threading.Lock()

    @contextmanager
    def _locked(self) -> Iterator[list[EnvironmentRecord]]:
        with self._lock:
            yield self._records


class FileRecords(EnvironmentRecords):
    """Records shared by every process of the user, in ``environments.json``."""

    def __init__(self, directory: Path, mode: int = 0o600) -> None:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = directory / "environments.json"
        self._mode = mode
        self._file_lock = FileLock(str(self.path) + ".lock", mode=mode)
        self._thread_lock = threading.Lock()

    @contextmanager
    def _locked(self) -> Iterator[list[EnvironmentRecord]]:
        with self._thread_lock, self._file_lock:
            records = self._read()
            before = list(records)
            yield records
            if records != before:
                self._write(records)

    def _read(self) -> list[EnvironmentRecord]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "[]")
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            log.warning("the environment records %s are unreadable (%s)", self.path, exc)
            return []
        if not isinstance(data, list):
            return []
        return [r for r in map(_record, data) if r is not None]

    def _write(self, records: list[EnvironmentRecord]) -> None:
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, self._mode)
        os.fchmod(fd, self._mode)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump([asdict(r) for r in records], out, indent=1)
        os.replace(tmp, self.path)

    def __repr__(self) -> str:
        return f"FileRecords({str(self.path)!r})"

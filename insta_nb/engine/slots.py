"""The machine-wide send budget: who may send next, shared by every process of a user.

The API limits per IP, so every kernel, script and test run on the host draws from
one budget. A process takes the slot at the moment it is about to send (never
ahead of time, so a kernel with a long backlog cannot lock others out), holds it as
a *lease* while its request is in flight, and on the response writes when the next
send may start: ``response + interval``. Stale or absurd values (a crashed holder,
a clock step, a hostile co-tenant) are clamped.

:class:`FileSlots` keeps that state in a small JSON file guarded by a lock file in a
per-user directory (mode 0700/0600); :class:`MemorySlots` is the same rule for one
process (tests, or ``EngineSettings.shared_slots=False``).

Several accounts of one host share one budget through one directory that they all
name in ``INSTA_NB_STATE_DIR``: a directory their common group may write (e.g.
``chgrp team DIR && chmod 2770 DIR``). In a group-writable directory the files are
created group-readable and writable (0660, whatever the umask), so that each account
can take slots; in a private one they stay 0600. The budget only ever holds times,
never anything secret, and values beyond the horizon are clamped, so a co-tenant can
at worst delay the others by one horizon.

Non-finite times (``NaN``, ``Infinity``) are corrupt content: a NaN compares false with
every clock value, so honouring it would leave every process waiting forever.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from filelock import FileLock

from insta_nb.config import ENV_STATE_DIR
from insta_nb.errors import ConfigurationError

__all__ = ["FileSlots", "MemorySlots", "SlotStore", "SlotView", "file_mode_for"]


@dataclass(frozen=True)
class SlotView:
    """What a waiting process learns from the budget."""

    #: Wall-clock time at which the next send may start.
    next_free: float
    #: True while some process holds the slot for a request in flight.
    leased: bool


class SlotStore(Protocol):
    """Hands out the one send slot of the machine."""

    def try_acquire(self, now: float, lease: float) -> SlotView | None:
        """Take the slot if it is free at wall time ``now``; ``None`` means taken.

        Otherwise return what the budget looks like, so the caller knows how long to wait.
        """
        ...

    def release(self, next_free: float) -> None:
        """Give the slot back: nobody may send before wall time ``next_free``."""
        ...

    def defer(self, until: float) -> None:
        """Make every process wait until ``until`` (a 429 pause applies machine-wide)."""
        ...


@dataclass
class _State:
    next_free: float = 0.0
    holder: str | None = None


def _clamp(state: _State, now: float, horizon: float) -> _State:
    # A value further ahead than any legitimate lease or pause is stale or hostile;
    # a non-finite one is corrupt (NaN would never compare as reached).
    if not math.isfinite(state.next_free) or state.next_free > now + horizon:
        return _State()
    return state


def _usable(when: float) -> bool:
    return isinstance(when, int | float) and math.isfinite(when)


def file_mode_for(directory: Path) -> int:
    """The mode for files in ``directory``: 0660 if its group may write it, else 0600.

    A group-writable state directory is one that several accounts share on purpose
    (``INSTA_NB_STATE_DIR``); anywhere else the budget stays private to this account.
    """
    try:
        shared = os.stat(directory).st_mode & stat.S_IWGRP
    except OSError:
        shared = 0
    return 0o660 if shared else 0o600


class MemorySlots:
    """The slot rule for a single process."""

    def __init__(self, horizon: float = 900.0) -> None:
        self._state = _State()
        self._token = secrets.token_hex(8)
        self._horizon = horizon

    def try_acquire(self, now: float, lease: float) -> SlotView | None:
        state = _clamp(self._state, now, self._horizon)
        if now >= state.next_free:
            self._state = _State(now + lease, self._token)
            return None
        self._state = state
        return SlotView(state.next_free, state.holder is not None)

    def release(self, next_free: float) -> None:
        # A non-finite time would block every later send for ever: free the slot instead.
        self._state = _State(next_free if _usable(next_free) else 0.0, None)

    def defer(self, until: float) -> None:
        if _usable(until) and until > self._state.next_free:
            self._state = _State(until, self._state.holder)


class FileSlots:
    """The slot rule shared through a locked file, one file per API host.

    The state is one fixed-width record read and written in place (``pread``/``pwrite``)
    on a descriptor kept open: every reader holds the lock, so no rename is needed, and
    a slot costs about a millisecond less than write-temp-and-rename (measured with
    bench/engine.py), which at a 0.25 s interval is 0.5 % of the limit.
    """

    _WIDTH = 96
    #: Until the file is open; ``close`` and ``__del__`` must work on a failed ``__init__``.
    _fd = -1

    def __init__(self, directory: Path, key: str, horizon: float = 900.0) -> None:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", key)
        self.path = directory / f"slots-{safe}.json"
        self._token = f"{os.getpid()}-{secrets.token_hex(6)}"
        self._horizon = horizon
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            mode = file_mode_for(directory)
            self._lock = FileLock(str(self.path) + ".lock", mode=mode)
            with self._lock:  # creates the lock file now, so a permission problem shows here
                self._fd = self._open(mode)
        except OSError as exc:
            self.close()
            reason = exc.strerror or type(exc).__name__
            raise ConfigurationError(
                f"the slot file {self.path} cannot be used ({reason}): set {ENV_STATE_DIR} "
                "to a directory this account can write (several accounts share one budget "
                "through a directory of a common group, mode 2770)"
            ) from None

    def _open(self, mode: int) -> int:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            return os.open(self.path, os.O_RDWR)
        # The umask applies at creation; a shared directory needs the group bits as asked.
        with contextlib.suppress(OSError):
            os.fchmod(fd, mode)
        return fd

    def try_acquire(self, now: float, lease: float) -> SlotView | None:
        with self._lock:
            state = _clamp(self._read(), now, self._horizon)
            if now >= state.next_free:
                self._write(_State(now + lease, self._token))
                return None
            return SlotView(state.next_free, state.holder is not None)

    def release(self, next_free: float) -> None:
        with self._lock:
            state = self._read()
            if state.holder not in (None, self._token):
                # Our lease ran out and another process holds the slot now: never shorten
                # its lease, only push the next send later if ours demands it.
                next_free = max(next_free, state.next_free)
                self._write(_State(next_free, state.holder))
                return
            self._write(_State(next_free, None))

    def defer(self, until: float) -> None:
        if not _usable(until):
            return
        with self._lock:
            state = self._read()
            if until > state.next_free:
                self._write(_State(until, state.holder))

    def _read(self) -> _State:
        try:
            raw = os.pread(self._fd, 4 * self._WIDTH, 0)
            data = json.loads(raw.decode("utf-8").strip() or "{}")
            holder = data.get("holder")
            next_free = float(data["next_free"])
            if not math.isfinite(next_free):
                raise ValueError("non-finite time")  # NaN or Infinity: corrupt
            return _State(next_free, holder if isinstance(holder, str) else None)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # Missing or corrupt: the budget is free; the lock still serialises takers.
            return _State()

    def _write(self, state: _State) -> None:
        # Never write what no reader could honour (json.dumps would write NaN/Infinity).
        next_free = state.next_free if _usable(state.next_free) else 0.0
        record = json.dumps({"next_free": next_free, "holder": state.holder})
        # Padded to a fixed width so a shorter record never leaves a longer one's tail.
        data = record.ljust(self._WIDTH).encode("utf-8") + b"\n"
        os.pwrite(self._fd, data, 0)
        os.ftruncate(self._fd, len(data))

    def close(self) -> None:
        fd, self._fd = getattr(self, "_fd", -1), -1
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)

    def __del__(self) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"FileSlots({str(self.path)!r})"

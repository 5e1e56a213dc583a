"""The machine-wide slot file: two engines sharing it never send closer than the interval."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import math
import os
import random
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from insta_nb import errors
from insta_nb.config import EngineSettings
from insta_nb.engine import Engine, FileSlots, MemorySlots
from insta_nb.testing import FakeClock

from .fake_api import FakeAPI

INTERVAL = 2.5


def test_two_engines_sharing_the_file_interleave_without_crowding(tmp_path: Path) -> None:
    clock = FakeClock()
    settings = EngineSettings(interval=INTERVAL)
    engines = [
        Engine(settings, clock=clock, slots=FileSlots(tmp_path, "api"), rng=random.Random(i))
        for i in range(2)
    ]
    api = FakeAPI(clock, latency=0.3)

    async def body() -> None:
        tasks = [
            asyncio.ensure_future(e.run(api.request(f"e{i}-{n}")))
            for n in range(5)
            for i, e in enumerate(engines)
        ]
        await clock.run_until(lambda: all(t.done() for t in tasks))

    asyncio.run(body())
    assert len(api.attempts) == 10
    assert {a.label[:2] for a in api.attempts} == {"e0", "e1"}
    assert min(api.gaps()) >= INTERVAL - 1e-6


def test_the_file_is_private_to_the_user(tmp_path: Path) -> None:
    slots = FileSlots(tmp_path / "state", "api.example")
    assert slots.try_acquire(now=100.0, lease=60.0) is None
    slots.release(102.5)
    assert stat.S_IMODE(slots.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(slots.path.parent.stat().st_mode) == 0o700


def test_a_slot_is_not_free_until_the_previous_response_plus_interval(tmp_path: Path) -> None:
    a, b = FileSlots(tmp_path, "k"), FileSlots(tmp_path, "k")
    assert a.try_acquire(now=100.0, lease=60.0) is None
    view = b.try_acquire(now=100.5, lease=60.0)
    assert view is not None
    assert view.leased  # a is in flight
    a.release(101.0 + INTERVAL)
    view = b.try_acquire(now=102.0, lease=60.0)
    assert view is not None
    assert not view.leased
    assert view.next_free == 103.5
    assert b.try_acquire(now=103.5, lease=60.0) is None


def test_a_crashed_holder_blocks_others_only_until_its_lease_ends(tmp_path: Path) -> None:
    a, b = FileSlots(tmp_path, "k"), FileSlots(tmp_path, "k")
    assert a.try_acquire(now=100.0, lease=10.0) is None  # a dies without releasing
    assert b.try_acquire(now=109.0, lease=10.0) is not None
    assert b.try_acquire(now=110.0, lease=10.0) is None


def test_corrupt_or_absurd_files_are_treated_as_free(tmp_path: Path) -> None:
    slots = FileSlots(tmp_path, "k")
    slots.path.write_text("{not json")
    assert slots.try_acquire(now=100.0, lease=1.0) is None
    slots.path.write_text('{"next_free": 1e18, "holder": "someone"}')
    assert slots.try_acquire(now=200.0, lease=1.0) is None


def test_a_pause_is_shared_with_every_process(tmp_path: Path) -> None:
    a, b = FileSlots(tmp_path, "k"), FileSlots(tmp_path, "k")
    a.defer(150.0)
    view = b.try_acquire(now=100.0, lease=1.0)
    assert view is not None
    assert view.next_free == 150.0
    a.defer(120.0)  # a shorter pause never shortens a longer one
    view = b.try_acquire(now=100.0, lease=1.0)
    assert view is not None
    assert view.next_free == 150.0


# --- non-finite times (issue 10) --------------------------------------------------------------
# A NaN in the file compared false with every clock value: every process of the user waited
# for ever, retrying in a busy loop, until someone rewrote the file. Fix: non-finite times
# are corrupt content (the budget is free), and are never written.

NON_FINITE_RECORDS = [
    '{"next_free": NaN, "holder": null}',
    '{"next_free": NaN, "holder": "someone"}',
    '{"next_free": "nan", "holder": null}',
    '{"next_free": "NaN"}',
    '{"next_free": Infinity, "holder": "someone"}',
    '{"next_free": "inf"}',
    '{"next_free": -Infinity}',
    '{"next_free": 1e999}',
]


@pytest.mark.parametrize("record", NON_FINITE_RECORDS)
def test_a_non_finite_time_in_the_file_is_treated_as_corrupt(tmp_path: Path, record: str) -> None:
    slots = FileSlots(tmp_path, "k")
    slots.path.write_text(record)
    assert slots.try_acquire(now=100.0, lease=1.0) is None
    # ...and what it wrote back is a finite time the next process can honour.
    assert math.isfinite(json.loads(slots.path.read_text())["next_free"])


def test_an_engine_sends_through_a_slot_file_holding_nan(tmp_path: Path) -> None:
    clock = FakeClock()
    slots = FileSlots(tmp_path, "api")
    slots.path.write_text('{"next_free": NaN, "holder": "crashed-process"}')
    engine = Engine(EngineSettings(interval=INTERVAL), clock=clock, slots=slots)
    api = FakeAPI(clock, latency=0.3)

    async def body() -> None:
        tasks = [asyncio.ensure_future(engine.run(api.request(f"r{n}"))) for n in range(3)]
        await clock.run_until(lambda: all(t.done() for t in tasks), limit=60.0)
        assert [t.result() for t in tasks] == ["r0", "r1", "r2"]

    asyncio.run(body())
    assert min(api.gaps()) >= INTERVAL - 1e-6


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_times_are_never_written(tmp_path: Path, bad: float) -> None:
    a, b = FileSlots(tmp_path, "k"), FileSlots(tmp_path, "k")
    assert a.try_acquire(now=100.0, lease=60.0) is None
    a.release(bad)
    a.defer(bad)
    assert math.isfinite(json.loads(a.path.read_text())["next_free"])
    assert b.try_acquire(now=101.0, lease=60.0) is None
    memory = MemorySlots()
    assert memory.try_acquire(now=100.0, lease=60.0) is None
    memory.release(bad)
    memory.defer(bad)
    assert memory.try_acquire(now=101.0, lease=60.0) is None


# --- an unusable directory --------------------------------------------------------------------


@contextlib.contextmanager
def _unraisable() -> Iterator[list[Any]]:
    seen: list[Any] = []
    previous = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        yield seen
    finally:
        sys.unraisablehook = previous


def test_an_unusable_directory_is_a_configuration_error_naming_the_setting(
    tmp_path: Path,
) -> None:
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    with _unraisable() as seen:
        with pytest.raises(errors.ConfigurationError, match="INSTA_NB_STATE_DIR"):
            FileSlots(not_a_directory, "k")
        gc.collect()
    # A half-built FileSlots used to print "Exception ignored in: <function __del__>".
    assert seen == []


# --- one budget for several accounts ----------------------------------------------------------


@contextlib.contextmanager
def _umask(mask: int) -> Iterator[None]:
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def test_files_in_a_group_directory_are_shared_with_the_group(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o2770)  # what README asks for a budget shared by several accounts
    with _umask(0o077):  # a strict umask must not make the files private again
        slots = FileSlots(shared, "api.example")
    assert stat.S_IMODE(slots.path.stat().st_mode) == 0o660
    lock = Path(str(slots.path) + ".lock")
    assert stat.S_IMODE(lock.stat().st_mode) == 0o660


OTHER_UID = 65534  # nobody
SHARED_GID = 54321


@pytest.mark.skipif(
    not hasattr(os, "fork") or os.geteuid() != 0, reason="acting as a second account needs root"
)
def test_two_accounts_share_one_budget_through_a_group_directory() -> None:
    base = Path(tempfile.mkdtemp())
    try:
        base.chmod(0o711)  # the other account may pass through, not list
        shared = base / "shared"
        shared.mkdir()
        os.chown(shared, os.geteuid(), SHARED_GID)
        shared.chmod(0o2770)
        with _umask(0o077):
            mine = FileSlots(shared, "api.example")
        assert mine.try_acquire(now=100.0, lease=60.0) is None
        mine.release(102.5)

        pid = os.fork()
        if pid == 0:  # the other account: it must see our release and take the next slot
            code = 1
            try:
                os.setgroups([SHARED_GID])
                os.setgid(SHARED_GID)
                os.setuid(OTHER_UID)
                os.umask(0o077)
                theirs = FileSlots(shared, "api.example")
                view = theirs.try_acquire(now=101.0, lease=60.0)
                ok = view is not None and view.next_free == 102.5 and not view.leased
                code = 0 if ok and theirs.try_acquire(now=102.5, lease=60.0) is None else 3
            except BaseException:
                code = 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        view = mine.try_acquire(now=103.0, lease=60.0)
        assert view is not None
        assert view.leased  # the other account holds the slot now
    finally:
        shutil.rmtree(base, ignore_errors=True)

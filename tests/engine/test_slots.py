"""The machine-wide slot file: two engines sharing it never send closer than the interval."""

from __future__ import annotations

import asyncio
import random
import stat
from pathlib import Path

from insta_nb.config import EngineSettings
from insta_nb.engine import Engine, FileSlots
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

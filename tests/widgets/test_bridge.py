"""The bridge: results and errors come back to the widgets' thread; nothing is lost."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from insta_nb import errors
from insta_nb.widgets._bridge import Bridge, ManualTimers, describe_error

from .conftest import World


class Sink:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def show_error(self, message: str) -> None:
        self.messages.append(message)


def test_results_are_delivered_and_drain_waits_for_them(world: World) -> None:
    bridge = world.bridge()
    assert bridge.headless
    got: list[object] = []

    async def answer() -> int:
        return 42

    future = bridge.run(answer, on_result=got.append)
    future.result(timeout=10)
    assert got == []  # headless: nothing touches the widgets until this thread asks
    bridge.drain()
    assert got == [42]
    assert not bridge.busy


def test_errors_reach_the_widget_and_the_log(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    bridge = world.bridge()
    sink, failures = Sink(), []

    async def refused() -> None:
        raise errors.ReadOnlyKeyError("cannot create: the key is read-only")

    async def broken() -> None:
        raise ZeroDivisionError("oops")

    with caplog.at_level(logging.WARNING, logger="insta_nb.widgets"):
        bridge.run(refused, on_error=failures.append, sink=sink, what="create")
        bridge.run(broken, sink=sink, what="redraw")
        bridge.drain()
    assert sink.messages[0] == "cannot create: the key is read-only"
    assert "Unexpected error (ZeroDivisionError)" in sink.messages[1]
    assert isinstance(failures[0], errors.ReadOnlyKeyError)
    records = [r for r in caplog.records if r.name == "insta_nb.widgets"]
    assert any("create failed" in r.getMessage() for r in records)
    assert any(r.exc_info for r in records)  # the unexpected one keeps its traceback


def test_a_failing_delivery_is_logged_not_raised(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    bridge = world.bridge()

    def explode(_: object) -> None:
        raise RuntimeError("widget bug")

    async def value() -> int:
        return 1

    with caplog.at_level(logging.ERROR, logger="insta_nb.widgets"):
        bridge.run(value, on_result=explode)
        bridge.drain()
    assert any("widget update failed" in r.getMessage() for r in caplog.records)


def test_with_a_loop_everything_arrives_on_the_loops_thread(world: World) -> None:
    threads: list[int] = []

    async def main() -> None:
        bridge = Bridge(world.session)
        assert not bridge.headless

        async def work() -> str:
            return threading.current_thread().name

        bridge.run(work, on_result=lambda name: threads.append(threading.get_ident()))
        with pytest.raises(errors.UsageError):
            bridge.drain()  # would block the kernel's loop
        await bridge.adrain()
        assert threads == [threading.get_ident()]

        seen: list[int] = []
        push = bridge.latest(seen.append)

        def burst() -> None:
            for i in range(5):
                push(i)

        other = threading.Thread(target=burst)
        other.start()
        other.join()  # the loop is busy (here) while the burst arrives
        await bridge.adrain()
        assert seen == [4]  # one delivery, the newest value

        fired: list[str] = []
        bridge.timers.call_later(0, lambda: fired.append("timer"))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert fired == ["timer"]

    # On a thread of its own: this test's thread may carry another library's loop.
    failures: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:
            failures.append(exc)

    runner = threading.Thread(target=run)
    runner.start()
    runner.join(timeout=30)
    if failures:
        raise failures[0]


def test_manual_timers_fire_in_order_and_can_be_cancelled() -> None:
    timers = ManualTimers()
    fired: list[str] = []
    timers.call_later(2, lambda: fired.append("b"))
    handle = timers.call_later(1.5, lambda: fired.append("cancelled"))
    timers.call_later(
        1, lambda: (fired.append("a"), timers.call_later(0.5, lambda: fired.append("a2")))
    )
    handle.cancel()
    assert timers.pending == 2
    timers.advance(1.9)
    assert fired == ["a", "a2"]
    timers.advance(0.1)
    assert fired == ["a", "a2", "b"]
    assert timers.now() == pytest.approx(2.0)


def test_describe_error_never_shows_internals() -> None:
    assert describe_error(errors.NotFoundError("no such cluster", status=404)) == "no such cluster"
    assert "KeyError" in describe_error(KeyError("secret-ish"))
    assert "secret-ish" not in describe_error(KeyError("secret-ish"))

"""Issue 10 §1: every attempt has a total deadline and a cap on the body it reads.

httpx's timeouts are per phase, so a server that trickles a byte every few seconds kept
a request alive for ever, and a 300 MB answer was read whole into memory. These tests
drive :class:`HttpChannel` through in-memory transports: time moves only with
``FakeClock`` and every body is generated lazily, chunk by chunk, never materialised.
"""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import httpx
import pytest

from insta_nb import errors
from insta_nb.backends.http import HttpChannel
from insta_nb.config import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT
from insta_nb.credentials import Credentials, Secret
from insta_nb.testing import FakeClock

pytestmark = pytest.mark.anyio

KEY = "bounded-test-key-5a5a5a"
API = "https://api.example.test"
LIST = "/provisioning/v1"
MiB = 1024 * 1024
CHUNK = 64 * 1024

AsyncHandler = Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]


def channel(
    transport: httpx.AsyncBaseTransport, clock: FakeClock | None = None, **kwargs: Any
) -> HttpChannel:
    creds = Credentials(username="alice", api_key=Secret(KEY), api_url=API)
    return HttpChannel(creds, transport=transport, clock=clock, **kwargs)


def mock(handler: AsyncHandler) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


class TrickleStream(httpx.AsyncByteStream):
    """A body that sends one byte every ``every`` seconds of ``clock`` time, for ever."""

    def __init__(self, clock: FakeClock, every: float = 4.0) -> None:
        self.clock = clock
        self.every = every
        self.sent = 0
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"["
        while True:
            await self.clock.sleep(self.every)
            self.sent += 1
            yield b" "

    async def aclose(self) -> None:
        self.closed = True


class LazyBody(httpx.AsyncByteStream):
    """``total`` bytes of JSON whitespace in ``CHUNK`` pieces, made as they are read."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.read = 0
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        piece = b" " * CHUNK
        while self.read < self.total:
            chunk = piece[: self.total - self.read]
            self.read += len(chunk)
            yield chunk

    async def aclose(self) -> None:
        self.closed = True


async def forever() -> None:
    await asyncio.Event().wait()


# --- the total deadline ----------------------------------------------------------------------


def test_the_default_deadline_is_the_per_phase_timeout() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=[]))
    assert channel(transport).deadline == DEFAULT_REQUEST_TIMEOUT == 60.0
    assert channel(transport, timeout=5.0).deadline == 5.0
    assert channel(transport, timeout=5.0, deadline=2.0).deadline == 2.0


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan")])
def test_a_deadline_must_be_positive(bad: float) -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=[]))
    with pytest.raises(errors.ConfigurationError, match="deadline"):
        channel(transport, deadline=bad)


async def test_a_trickled_body_ends_at_the_deadline() -> None:
    """One byte every 4 s resets every per-phase timeout; the total deadline still ends it."""
    clock = FakeClock()
    body = TrickleStream(clock)

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "application/json"}, stream=body)

    http = channel(mock(handler), clock)
    task = asyncio.create_task(http.call("GET", LIST))
    try:
        await clock.advance(59.9)
        assert not task.done()
        assert body.sent == 14  # the body was being read, a byte at a time

        await clock.advance(0.1)
        assert task.done(), "the request outlived its 60 s deadline"
        with pytest.raises(errors.TimeoutError, match="60 s deadline") as caught:
            task.result()
        assert caught.value.sent is True
        assert caught.value.ambiguous is True  # the server had answered: it may have applied it
        assert "GET /provisioning/v1" in str(caught.value)
        assert body.closed, "the half-read response was not closed"
        assert clock.pending_sleepers == 0  # the trickle and the deadline's watchdog are gone
    finally:
        task.cancel()
        await http.aclose()


async def test_headers_that_never_come_end_at_the_deadline() -> None:
    clock = FakeClock()
    reached = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        reached.set()
        await forever()
        raise AssertionError("unreachable")

    http = channel(mock(handler), clock, deadline=0.5)
    task = asyncio.create_task(http.call("POST", LIST, body={"clusterName": "a"}))
    try:
        await clock.advance(0.49)
        assert reached.is_set()
        assert not task.done()
        await clock.advance(0.01)
        assert task.done()
        # A transport that reports no progress: whether it sent anything is unknown, so the
        # caller must treat it as maybe applied (a create is reconciled, not retried).
        with pytest.raises(errors.TimeoutError, match=r"0\.5 s deadline"):
            task.result()
    finally:
        task.cancel()
        await http.aclose()


async def ignore(name: str, info: dict[str, Any]) -> None:
    pass


class TracedTransport(httpx.AsyncHTTPTransport):
    """httpx's network transport, stood in for: emits httpcore's trace events, then hangs."""

    def __init__(self, events: list[tuple[str, dict[str, Any]]]) -> None:
        super().__init__()
        self.events = events

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        trace = request.extensions.get("trace", ignore)
        for name, info in self.events:
            await trace(name, info)
        try:
            await forever()
        except asyncio.CancelledError as exc:
            last = self.events[-1][0]
            if last.endswith(".started"):
                # What httpcore's Trace does when the step it wraps is cancelled.
                await trace(last.removesuffix(".started") + ".failed", {"exception": exc})
            raise
        raise AssertionError("unreachable")


class FakeSocket:
    def __init__(self) -> None:
        self.closed = False

    async def aclose(self) -> None:
        self.closed = True


async def run_to_deadline(transport: httpx.AsyncBaseTransport) -> errors.InstaError:
    clock = FakeClock()
    http = channel(transport, clock, deadline=1.0)
    task = asyncio.create_task(http.call("POST", LIST, body={"clusterName": "a"}))
    try:
        await clock.advance(1.0)
        assert task.done()
        exc = task.exception()
        assert isinstance(exc, errors.InstaError), exc
        return exc
    finally:
        task.cancel()
        await http.aclose()


async def test_a_deadline_while_connecting_is_a_connect_error_nothing_sent() -> None:
    sock = FakeSocket()
    exc = await run_to_deadline(
        TracedTransport(
            [
                ("connection.connect_tcp.started", {}),
                ("connection.connect_tcp.complete", {"return_value": sock}),
                ("connection.start_tls.started", {}),
            ]
        )
    )
    assert type(exc) is errors.ConnectError
    assert exc.sent is False
    assert exc.ambiguous is False  # safe to retry, even a create
    assert "nothing was sent" in str(exc)
    # httpcore does not close the socket of a cancelled TLS handshake; the channel does.
    assert sock.closed


async def test_a_deadline_while_waiting_for_a_pooled_connection_sent_nothing() -> None:
    exc = await run_to_deadline(TracedTransport([("connection.connect_tcp.started", {})]))
    assert type(exc) is errors.ConnectError


async def test_a_deadline_once_the_request_went_out_is_a_timeout() -> None:
    sock = FakeSocket()
    exc = await run_to_deadline(
        TracedTransport(
            [
                ("connection.connect_tcp.complete", {"return_value": sock}),
                ("connection.start_tls.started", {}),
                ("connection.start_tls.complete", {"return_value": sock}),
                ("http11.send_request_headers.started", {}),
            ]
        )
    )
    assert type(exc) is errors.TimeoutError
    assert exc.sent is True
    assert exc.ambiguous is True
    assert not sock.closed  # a connection past its handshake is httpcore's to close


async def test_an_outside_cancel_stays_a_cancel_and_closes_the_response() -> None:
    """A kernel interrupt must not turn into a TimeoutError (nor leave a response open)."""
    clock = FakeClock()
    body = TrickleStream(clock)

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=body)

    http = channel(mock(handler), clock)
    task = asyncio.create_task(http.call("GET", LIST))
    try:
        await clock.advance(8)
        task.cancel()
        await clock.settle()
        assert task.cancelled()
        assert body.closed
        assert clock.pending_sleepers == 0
    finally:
        await http.aclose()


async def test_an_answer_in_time_leaves_nothing_behind() -> None:
    clock = FakeClock()

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[{"id": "x"}])

    http = channel(mock(handler), clock, deadline=0.5)
    try:
        reply = await http.call("GET", LIST)
        assert reply.json() == [{"id": "x"}]
        await clock.settle()
        assert clock.pending_sleepers == 0  # the watchdog was cancelled
        # Moving past the deadline afterwards changes nothing.
        await clock.advance(10)
        assert (await http.call("GET", LIST)).status == 200
    finally:
        await http.aclose()


# --- the body cap ----------------------------------------------------------------------------


def test_the_default_cap_is_32_mib() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=[]))
    assert channel(transport).max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES == 32 * MiB
    with pytest.raises(errors.ConfigurationError, match="max_response_bytes"):
        channel(transport, max_response_bytes=0)


async def test_a_huge_body_is_not_read_past_the_cap() -> None:
    """300 MB took the process to 988 MB; now reading stops one chunk past 32 MiB."""
    body = LazyBody(300 * 1000 * 1000)

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "application/json"}, stream=body)

    http = channel(mock(handler))
    tracemalloc.start()
    try:
        with pytest.raises(errors.UnexpectedResponseError) as caught:
            await http.call("GET", LIST)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        await http.aclose()
    assert body.read <= DEFAULT_MAX_RESPONSE_BYTES + CHUNK
    assert body.closed
    # The body is held once (plus the growing buffer's slack), never 300 MB.
    assert peak < 2 * DEFAULT_MAX_RESPONSE_BYTES + 4 * MiB, peak
    message = str(caught.value)
    assert "32 MiB limit" in message
    assert f"max_response_bytes={DEFAULT_MAX_RESPONSE_BYTES}" in message
    assert "GET /provisioning/v1" in message
    assert caught.value.status == 200


async def test_a_content_length_above_the_cap_fails_before_the_body() -> None:
    body = LazyBody(300 * 1000 * 1000)

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str(body.total)}, stream=body)

    http = channel(mock(handler))
    try:
        with pytest.raises(errors.UnexpectedResponseError, match="announces a body of 300000000"):
            await http.call("GET", LIST)
    finally:
        await http.aclose()
    assert body.read == 0
    assert body.closed


async def test_the_cap_applies_to_error_pages_too() -> None:
    body = LazyBody(5 * MiB)

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, headers={"Content-Type": "text/html"}, stream=body)

    http = channel(mock(handler), max_response_bytes=1 * MiB)
    try:
        with pytest.raises(errors.UnexpectedResponseError, match="1 MiB limit") as caught:
            await http.call("GET", LIST)
    finally:
        await http.aclose()
    assert caught.value.status == 502
    assert body.read <= 1 * MiB + CHUNK


async def test_a_gzip_body_is_counted_as_decoded() -> None:
    """A small compressed body that inflates past the cap is refused as it inflates."""
    packed = gzip.compress(b"[" + b" " * (4 * MiB) + b"]")
    assert len(packed) < 64 * 1024

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=packed)

    http = channel(mock(handler), max_response_bytes=1 * MiB)
    try:
        with pytest.raises(errors.UnexpectedResponseError, match="larger than the 1 MiB"):
            await http.call("GET", LIST)
    finally:
        await http.aclose()


@pytest.mark.parametrize(("size", "ok"), [(1000, True), (1001, False)])
async def test_a_body_of_exactly_the_cap_is_read(size: int, ok: bool) -> None:
    content = b"[" + b" " * (size - 2) + b"]"

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=content)

    http = channel(mock(handler), max_response_bytes=1000)
    try:
        if ok:
            assert (await http.call("GET", LIST)).json() == []
        else:
            with pytest.raises(errors.UnexpectedResponseError, match="1000 bytes limit"):
                await http.call("GET", LIST)
    finally:
        await http.aclose()

"""The bounds of one attempt: a total deadline on an injectable clock, and how far the
attempt got when it passed (was anything sent? is a TLS socket left to close?).
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

from insta_nb.clock import Clock

__all__ = ["Deadline", "Progress"]


class Progress:
    """How far one attempt got, from httpcore's ``trace`` events.

    Only httpcore (httpx's own network transport) reports these. They tell two things:

    - whether a byte may have left: a deadline that passes before the request headers
      started out is a connect failure, nothing was sent;
    - the TCP stream of a TLS handshake in progress. httpcore 1.0 closes it when the
      handshake fails, but not when it is cancelled (it catches ``Exception`` only), so a
      deadline during the handshake would leave the socket open until garbage collection.
    """

    __slots__ = ("handshaking", "sending")

    def __init__(self) -> None:
        self.sending = False
        self.handshaking: Any = None

    async def trace(self, name: str, info: dict[str, Any]) -> None:
        # "http11.send_request_headers.started" (or http2's): the first byte may now leave.
        # Connecting, TLS and waiting for a pooled connection come before it.
        if name.endswith(".send_request_headers.started"):
            self.sending = True
        if name == "connection.connect_tcp.complete":
            self.handshaking = info.get("return_value")
        elif name == "connection.start_tls.failed":
            # An error: httpcore closed the socket. A cancel: it did not, we will.
            if isinstance(info.get("exception"), Exception):
                self.handshaking = None
        elif name != "connection.start_tls.started":
            # TLS done (the connection owns the socket now), or plain HTTP.
            self.handshaking = None

    async def close_handshake(self) -> None:
        """Close the socket of a TLS handshake that was cut short, if there is one."""
        stream, self.handshaking = self.handshaking, None
        close = getattr(stream, "aclose", None)
        if close is not None:
            await close()


class Deadline:
    """``asyncio.timeout`` whose expiry is decided by a :class:`~insta_nb.clock.Clock`.

    ``asyncio.timeout`` gives the right cancellation semantics: only its own cancel becomes
    ``TimeoutError``, a cancel from outside (a kernel interrupt) stays a cancel, and code
    below (httpx, httpcore) sees an ordinary cancellation and closes what it opened. By
    default it runs on the event loop's clock; with an injected clock a watchdog sleeps on
    that clock and then expires the timeout, so tests move time with ``FakeClock``.
    """

    def __init__(self, seconds: float, clock: Clock | None) -> None:
        self._seconds = seconds
        self._clock = clock
        self._timeout = asyncio.timeout(seconds if clock is None else None)
        self._watchdog: asyncio.Task[None] | None = None

    def expired(self) -> bool:
        """Whether this deadline (not something else) ended the block."""
        return self._timeout.expired()

    async def __aenter__(self) -> Deadline:
        await self._timeout.__aenter__()
        if self._clock is not None:
            self._watchdog = asyncio.create_task(self._expire(self._clock))
        return self

    async def _expire(self, clock: Clock) -> None:
        await clock.sleep(self._seconds)
        self._timeout.reschedule(asyncio.get_running_loop().time())

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._watchdog is not None:
            # Not awaited (an await here could swallow a cancel meant for the caller). A
            # cancelled watchdog ends at its next step without calling ``reschedule``, even
            # if its sleep had already finished.
            self._watchdog.cancel()
        await self._timeout.__aexit__(exc_type, exc, tb)

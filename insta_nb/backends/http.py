"""One HTTP attempt against an Instaclustr API, and the translation of its outcome.

Every backend (the Provisioning API v1 today, the Cluster Management API v2 next) sends
through an :class:`HttpChannel`. It makes exactly **one** attempt per call: it neither
retries nor paces, because the engine owns both. It is the only code that touches
httpx objects, and it translates at this boundary (as httpx's own
``map_httpcore_exceptions`` does one layer down) every httpx error and error status
into :mod:`insta_nb.errors`, always chaining the original with ``raise ... from``:

=====================================================  =======================================
httpx / HTTP                                           insta_nb.errors
=====================================================  =======================================
ConnectError, ConnectTimeout, PoolTimeout, ProxyError  ConnectError (``sent=False``)
ReadTimeout, WriteTimeout                              TimeoutError (may have been applied)
the attempt's total ``deadline`` passed                TimeoutError, or ConnectError when
                                                       nothing was sent yet
RemoteProtocolError, ReadError, WriteError, others     ProtocolError (may have been applied)
UnsupportedProtocol, InvalidURL                        ConfigurationError
4xx / 5xx (any body: JSON, HTML page, text, empty)     ``status_error(...)`` with ``retry_after``
2xx whose body we cannot read                          UnexpectedResponseError
a body above ``max_response_bytes`` (any status)       UnexpectedResponseError
=====================================================  =======================================

httpx's timeouts bound each phase (connect, each read, each write), not the request: a
server that sends one byte every few seconds keeps a request alive for ever. So every
attempt also has a total ``deadline`` (connect + send + headers + whole body), and its
body is streamed and read only up to ``max_response_bytes``; either way the connection is
closed, never returned to the pool half-read.

A read-only key makes every non-GET call raise :class:`~insta_nb.errors.ReadOnlyKeyError`
before anything is sent.
"""

from __future__ import annotations

import asyncio
import email.utils
import html
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from types import TracebackType
from typing import Any, Final, TypeVar

import httpx

from insta_nb import errors
from insta_nb.clock import Clock
from insta_nb.config import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT
from insta_nb.credentials import ApiKeyAuth, Credentials, install_log_redaction, redact

__all__ = [
    "DEFAULT_USER_AGENT",
    "RETRY_AFTER_CAP",
    "HttpChannel",
    "Reply",
    "parse_retry_after",
]

_LOG = logging.getLogger("insta_nb.client")
_T = TypeVar("_T")


def _version() -> str:
    # Not ``insta_nb.__version__``: the package may import this module while initialising.
    try:
        return metadata.version("insta_nb")
    except metadata.PackageNotFoundError:  # pragma: no cover - source tree, not installed
        return "0+unknown"


_VERSION: Final = _version()
DEFAULT_USER_AGENT: Final = f"insta_nb/{_VERSION} httpx/{httpx.__version__}"
#: Longest wait taken from a ``Retry-After`` header; a larger value is capped to this.
RETRY_AFTER_CAP: Final = 600.0
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


# --- Retry-After ------------------------------------------------------------------------------

_DELTA_SECONDS = re.compile(r"[0-9]{1,12}(\.[0-9]{1,9})?")


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def parse_retry_after(
    value: str | None, *, date: str | None = None, now: float | None = None
) -> float | None:
    """Seconds to wait from a ``Retry-After`` header, between 0 and :data:`RETRY_AFTER_CAP`.

    Args:
        value: The header: delta-seconds (``"120"``) or an HTTP-date.
        date: The response's ``Date`` header. An HTTP-date is measured against it, not
            against our clock, so client/server clock skew does not matter.
        now: Epoch seconds to use when there is no usable ``Date`` (default: the clock).

    Returns:
        The wait in seconds, or ``None`` when the header is absent or unreadable.
    """
    if value is None:
        return None
    text = value.strip()
    if _DELTA_SECONDS.fullmatch(text):
        seconds = float(text)
    else:
        when = _http_date(text)
        if when is None:
            return None
        server_now = _http_date(date)
        if server_now is not None:
            base = server_now.timestamp()
        else:
            base = time.time() if now is None else now
        seconds = when.timestamp() - base
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


# --- bodies -----------------------------------------------------------------------------------

#: Marks a body that is not JSON (HTML error page, plain text, garbage).
_NOT_JSON: Final = object()
_HTML = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<title)", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


#: Deepest nesting of arrays and objects accepted in an answer. Real answers nest about 6
#: levels; parsers copy bodies recursively, and ~900 levels made that copy raise a bare
#: RecursionError past the boundary.
MAX_JSON_DEPTH: Final = 64


def _decode_json(content: bytes) -> Any:
    if not content.strip():
        return None
    try:
        value = json.loads(content)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return _NOT_JSON
    return value if _depth_within(value, MAX_JSON_DEPTH) else _NOT_JSON


def _depth_within(value: Any, limit: int) -> bool:
    """Whether ``value`` nests no deeper than ``limit`` (iterative: no recursion to blow)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth >= limit:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


def _html_summary(text: str) -> str | None:
    """A one-line summary of an HTML error page (a proxy's 502), or ``None`` if not HTML."""
    if not _HTML.match(text[:512]):
        return None
    match = _TITLE.search(text[:20_000])
    source = match.group(1) if match else text[:2_000]
    summary = " ".join(html.unescape(_TAG.sub(" ", source)).split())
    return summary[:200] or "an HTML page"


@dataclass(frozen=True)
class Reply:
    """What remains of a response once httpx is done with it."""

    status: int
    data: Any  # decoded JSON, None for an empty body, or _NOT_JSON
    text: str
    method: str
    path: str

    def unexpected(self, message: str) -> errors.UnexpectedResponseError:
        return errors.UnexpectedResponseError(
            message,
            status=self.status,
            body=self.text or None,
            method=self.method,
            path=self.path,
        )

    def json(self) -> Any:
        """The decoded body of a success; a success must carry JSON."""
        if self.data is _NOT_JSON or self.data is None:
            summary = _html_summary(self.text)
            detail = f"an HTML page ({summary})" if summary else "a body that is not JSON"
            if not self.text.strip():
                detail = "an empty body"
            raise self.unexpected(f"the API answered {self.status} with {detail}")
        return self.data

    def parse(self, parser: Callable[[Any], _T]) -> _T:
        """``parser(body)``, with shape errors stamped with this reply's status and path."""
        data = self.json()
        try:
            return parser(data)
        except errors.UnexpectedResponseError as exc:
            raise errors.UnexpectedResponseError(
                exc.message, status=self.status, body=data, method=self.method, path=self.path
            ) from exc


def _status_error(response: httpx.Response, reply: Reply) -> errors.APIError:
    body: Any = reply.data if reply.data is not _NOT_JSON else reply.text
    retry_after = parse_retry_after(
        response.headers.get("Retry-After"), date=response.headers.get("Date")
    )
    error = errors.status_error(
        reply.status, body, method=reply.method, path=reply.path, retry_after=retry_after
    )
    summary = _html_summary(reply.text) if isinstance(body, str) else None
    if summary is not None:
        # Keep the whole page in ``body``; show its title, not 500 characters of markup.
        error.message = f"HTML error page: {summary}"
        error.args = (error.message,)
    return error


def _transport_error(exc: Exception, method: str, path: str) -> errors.InstaError:
    what = redact(str(exc)) or type(exc).__name__
    where = f"{method} {path}"
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout | httpx.ConnectError):
        return errors.ConnectError(f"could not connect, nothing was sent ({what}): {where}")
    if isinstance(exc, httpx.ProxyError):
        return errors.ConnectError(f"the proxy refused the connection ({what}): {where}")
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout):
        return errors.TimeoutError(
            f"no answer in time; the API may have applied the request ({what}): {where}"
        )
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return errors.ConfigurationError(f"the API URL cannot be used ({what}): {where}")
    return errors.ProtocolError(
        f"the connection broke; the API may have applied the request ({what}): {where}"
    )


def _refuse_plain_http_to_remote(api_url: str) -> None:
    url = httpx.URL(api_url)
    if url.scheme == "http" and url.host not in _LOOPBACK_HOSTS:
        raise errors.ConfigurationError(
            "refusing to send the API key over plain http to a remote host: use https"
        )


# --- bounds of one attempt --------------------------------------------------------------------


class _Progress:
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


class _Deadline:
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

    async def __aenter__(self) -> _Deadline:
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


def _size(n: int) -> str:
    mib = 1024 * 1024
    return f"{n // mib} MiB" if n % mib == 0 else f"{n} bytes"


class HttpChannel:
    """One authenticated connection pool to an API host: one attempt per :meth:`call`.

    Args:
        credentials: Who to be. A read-only key refuses every mutation locally.
        transport: An httpx transport, e.g. ``httpx.MockTransport`` or the simulator's
            ``httpx.ASGITransport``. ``None`` uses the network (https only, except loopback).
        timeout: Seconds for each phase of one attempt (connect, write, read, pool).
        user_agent: The ``User-Agent`` header.
        deadline: Seconds for the whole attempt: connect, send, headers and the whole
            body. ``None`` (the default) uses ``timeout``; see the note in the body.
        max_response_bytes: Largest response body read, decoded (default
            :data:`~insta_nb.config.DEFAULT_MAX_RESPONSE_BYTES`, 32 MiB). A larger one, or a
            ``Content-Length`` above it, raises
            :class:`~insta_nb.errors.UnexpectedResponseError` and closes the connection.
        clock: Decides when ``deadline`` has passed. ``None`` uses the event loop's clock;
            tests pass ``insta_nb.testing.FakeClock``.

    Call :meth:`aclose` when done.
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = DEFAULT_REQUEST_TIMEOUT,
        user_agent: str = DEFAULT_USER_AGENT,
        deadline: float | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        clock: Clock | None = None,
    ) -> None:
        if not isinstance(credentials, Credentials):
            raise errors.ConfigurationError("an API connection needs a Credentials object")
        # The default total deadline is the per-phase timeout itself, 60 s: Instaclustr's
        # own clients (the Terraform provider, the operator) set Go's http.Client.Timeout
        # to 60 s, and that is a bound on the whole exchange, body included. So a real
        # answer never needs longer, and a caller who scales ``timeout`` down (tests, the
        # engine's scaled settings) scales the deadline with it.
        deadline = timeout if deadline is None else deadline
        if not deadline > 0:
            raise errors.ConfigurationError(f"deadline must be above 0 s, not {deadline!r}")
        if max_response_bytes < 1:
            raise errors.ConfigurationError(
                f"max_response_bytes must be at least 1, not {max_response_bytes!r}"
            )
        if transport is None:
            _refuse_plain_http_to_remote(credentials.api_url)
        install_log_redaction()
        self._credentials = credentials
        self._closed = False
        self._deadline = float(deadline)
        self._max_response_bytes = max_response_bytes
        self._clock = clock
        # Only httpcore reports how far a request got (see _Progress); through any other
        # transport, a deadline is taken as "may have been sent".
        self._traced = transport is None or isinstance(transport, httpx.AsyncHTTPTransport)
        self._http = httpx.AsyncClient(
            base_url=credentials.api_url,
            auth=ApiKeyAuth(credentials.username, credentials.api_key),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Instaclustr-Source": f"insta_nb {_VERSION}",
                "User-Agent": user_agent,
            },
            timeout=httpx.Timeout(timeout),
            transport=transport,
            follow_redirects=False,
        )

    @property
    def read_only(self) -> bool:
        """Whether the key can only read (mutations are refused locally)."""
        return self._credentials.read_only

    @property
    def deadline(self) -> float:
        """Seconds one attempt may take in all, body included."""
        return self._deadline

    @property
    def max_response_bytes(self) -> int:
        """Largest response body read."""
        return self._max_response_bytes

    @property
    def username(self) -> str:
        """The Instaclustr user this client acts as."""
        return self._credentials.username

    @property
    def api_url(self) -> str:
        """Base URL of the API."""
        return self._credentials.api_url

    def __repr__(self) -> str:
        c = self._credentials
        kind = "read-only" if c.read_only else "provisioning"
        return (
            f"HttpChannel(username={c.username!r}, api_key={c.api_key!r}, "
            f"key_type={kind!r}, api_url={c.api_url!r})"
        )

    # --- lifecycle -------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the connection pool. Idempotent."""
        self._closed = True
        await self._http.aclose()

    # --- one attempt ---------------------------------------------------------------------------

    async def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        ok_statuses: frozenset[int] = frozenset(),
    ) -> Reply:
        """Send one request; return the reply of a 2xx (or of ``ok_statuses``), else raise."""
        if self._closed:
            raise errors.UsageError("this API connection is closed")
        if method != "GET" and self.read_only:
            raise errors.ReadOnlyKeyError(
                f"{method} {path} needs a provisioning API key; the configured key is read-only"
            )
        content = None
        if body is not None:
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        started = time.monotonic()
        progress = _Progress()
        response: httpx.Response | None = None
        deadline = _Deadline(self._deadline, self._clock)
        try:
            try:
                request = self._http.build_request(
                    method, path, content=content, extensions={"trace": progress.trace}
                )
                async with deadline:
                    response = await self._http.send(request, stream=True)
                    raw = await self._read_body(response, method, path)
            finally:
                # Outside the deadline, so that its cancel cannot cut the close short. A
                # body not read to its end makes httpcore drop the connection, not pool it.
                if response is not None:
                    await response.aclose()
                else:
                    await progress.close_handshake()
        except TimeoutError as exc:  # the builtin: what an expired asyncio.timeout raises
            if not deadline.expired():
                raise
            _LOG.debug("%s %s passed its %g s deadline", method, path, self._deadline)
            raise self._deadline_error(progress, method, path) from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            _LOG.debug("%s %s failed: %s", method, path, type(exc).__name__)
            raise _transport_error(exc, method, path) from exc
        reply = Reply(
            status=response.status_code,
            data=_decode_json(raw),
            text=raw.decode(response.encoding or "utf-8", errors="replace"),
            method=method,
            path=path,
        )
        _LOG.debug("%s %s -> %d in %.3f s", method, path, reply.status, time.monotonic() - started)
        if 200 <= reply.status < 300 or reply.status in ok_statuses:
            return reply
        raise _status_error(response, reply)

    async def _read_body(self, response: httpx.Response, method: str, path: str) -> bytes:
        """The whole body, or :class:`~insta_nb.errors.UnexpectedResponseError` past the cap.

        Holds at most the cap plus one chunk: the chunk that crosses it is never kept.
        """
        limit = self._max_response_bytes
        declared = response.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large(
                response, method, path, f"announces a body of {int(declared)} bytes, above"
            )
        body = bytearray()
        # Decoded bytes: a gzip body is counted as it will sit in memory, not as sent.
        async for chunk in response.aiter_bytes():
            if len(body) + len(chunk) > limit:
                raise self._too_large(response, method, path, "sent a body larger than")
            body += chunk
        return bytes(body)

    def _too_large(
        self, response: httpx.Response, method: str, path: str, what: str
    ) -> errors.UnexpectedResponseError:
        limit = self._max_response_bytes
        return errors.UnexpectedResponseError(
            f"the API {what} the {_size(limit)} limit on a response body "
            f"(max_response_bytes={limit}); it was not read, the connection was closed",
            status=response.status_code,
            method=method,
            path=path,
        )

    def _deadline_error(self, progress: _Progress, method: str, path: str) -> errors.TransportError:
        where = f"{method} {path}"
        if self._traced and not progress.sending:
            return errors.ConnectError(
                f"could not connect within the {self._deadline:g} s deadline, nothing was "
                f"sent: {where}"
            )
        return errors.TimeoutError(
            f"no complete answer within the {self._deadline:g} s deadline; the API may "
            f"have applied the request: {where}"
        )

"""The channel: one authenticated connection pool to an API host, one attempt per call.

It refuses mutations with a read-only key before anything is sent, bounds each attempt
(:mod:`~insta_nb.backends.http.deadline`, :mod:`~insta_nb.backends.http.body`) and
translates its outcome (:mod:`~insta_nb.backends.http.translate`).
"""

from __future__ import annotations

import json
import logging
import time
from importlib import metadata
from typing import Any, Final

import httpx

from insta_nb import errors
from insta_nb.backends.http.body import decode_json, read_capped
from insta_nb.backends.http.deadline import Deadline, Progress
from insta_nb.backends.http.reply import Reply
from insta_nb.backends.http.translate import status_error, transport_error
from insta_nb.clock import Clock
from insta_nb.config import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT
from insta_nb.credentials import ApiKeyAuth, Credentials, install_log_redaction

__all__ = ["DEFAULT_USER_AGENT", "HttpChannel"]

_LOG = logging.getLogger("insta_nb.client")


def _version() -> str:
    # Not ``insta_nb.__version__``: the package may import this module while initialising.
    try:
        return metadata.version("insta_nb")
    except metadata.PackageNotFoundError:  # pragma: no cover - source tree, not installed
        return "0+unknown"


_VERSION: Final = _version()
DEFAULT_USER_AGENT: Final = f"insta_nb/{_VERSION} httpx/{httpx.__version__}"
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _refuse_plain_http_to_remote(api_url: str) -> None:
    url = httpx.URL(api_url)
    if url.scheme == "http" and url.host not in _LOOPBACK_HOSTS:
        raise errors.ConfigurationError(
            "refusing to send the API key over plain http to a remote host: use https"
        )


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
        # Only httpcore reports how far a request got (see Progress); through any other
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
        progress = Progress()
        response: httpx.Response | None = None
        deadline = Deadline(self._deadline, self._clock)
        try:
            try:
                request = self._http.build_request(
                    method, path, content=content, extensions={"trace": progress.trace}
                )
                async with deadline:
                    response = await self._http.send(request, stream=True)
                    raw = await read_capped(response, self._max_response_bytes, method, path)
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
            raise transport_error(exc, method, path) from exc
        reply = Reply(
            status=response.status_code,
            data=decode_json(raw),
            text=raw.decode(response.encoding or "utf-8", errors="replace"),
            method=method,
            path=path,
        )
        _LOG.debug("%s %s -> %d in %.3f s", method, path, reply.status, time.monotonic() - started)
        if 200 <= reply.status < 300 or reply.status in ok_statuses:
            return reply
        raise status_error(response, reply)

    def _deadline_error(self, progress: Progress, method: str, path: str) -> errors.TransportError:
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

"""The async HTTP client of the Provisioning API v1: one coroutine per endpoint.

:class:`ApiClient` makes exactly **one** HTTP attempt per call. It neither retries nor
paces: the engine owns both, so that every attempt passes its pacer. It is the only
code that touches httpx objects, and it translates at this boundary (as httpx's own
``map_httpcore_exceptions`` does one layer down) every httpx error and error status
into :mod:`insta_nb.errors`, always chaining the original with ``raise ... from``:

=====================================================  =======================================
httpx / HTTP                                           insta_nb.errors
=====================================================  =======================================
ConnectError, ConnectTimeout, PoolTimeout, ProxyError  ConnectError (``sent=False``)
ReadTimeout, WriteTimeout                              TimeoutError (may have been applied)
RemoteProtocolError, ReadError, WriteError, others     ProtocolError (may have been applied)
UnsupportedProtocol, InvalidURL                        ConfigurationError
4xx / 5xx (any body: JSON, HTML page, text, empty)     ``status_error(...)`` with ``retry_after``
2xx whose body we cannot read                          UnexpectedResponseError
=====================================================  =======================================

A read-only key makes every non-GET call raise :class:`~insta_nb.errors.ReadOnlyKeyError`
before anything is sent. Ids that go into paths are checked first, so a call acts on
the id it was given and nothing else. Wire details (paths, JSON) live in
:mod:`insta_nb.wire_v1`.
"""

from __future__ import annotations

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

from insta_nb import errors, wire_v1
from insta_nb.config import DEFAULT_REQUEST_TIMEOUT
from insta_nb.credentials import ApiKeyAuth, Credentials, install_log_redaction, redact
from insta_nb.models import (
    ClusterDetails,
    ClusterSpec,
    ClusterSummary,
    EncryptionKey,
    FirewallRule,
    FirewallRuleSpec,
    LegacyClusterSpec,
)

__all__ = ["DEFAULT_USER_AGENT", "RETRY_AFTER_CAP", "ApiClient", "parse_retry_after"]

_LOG = logging.getLogger(__name__)
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


def _decode_json(content: bytes) -> Any:
    if not content.strip():
        return None
    try:
        return json.loads(content)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return _NOT_JSON


def _html_summary(text: str) -> str | None:
    """A one-line summary of an HTML error page (a proxy's 502), or ``None`` if not HTML."""
    if not _HTML.match(text[:512]):
        return None
    match = _TITLE.search(text[:20_000])
    source = match.group(1) if match else text[:2_000]
    summary = " ".join(html.unescape(_TAG.sub(" ", source)).split())
    return summary[:200] or "an HTML page"


@dataclass(frozen=True)
class _Reply:
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


def _status_error(response: httpx.Response, reply: _Reply) -> errors.APIError:
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


# --- the client -------------------------------------------------------------------------------


class ApiClient:
    """Async client of the Provisioning API v1: one coroutine and one attempt per endpoint.

    Args:
        credentials: Who to be. A read-only key refuses every mutation locally.
        transport: An httpx transport, e.g. ``httpx.MockTransport`` or the simulator's
            ``httpx.ASGITransport``. ``None`` uses the network (https only, except loopback).
        timeout: Seconds for each phase of one attempt (connect, write, read, pool).
        user_agent: The ``User-Agent`` header.

    Use it as an async context manager, or call :meth:`aclose` when done.
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = DEFAULT_REQUEST_TIMEOUT,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        if not isinstance(credentials, Credentials):
            raise errors.ConfigurationError("ApiClient needs a Credentials object")
        if transport is None:
            _refuse_plain_http_to_remote(credentials.api_url)
        install_log_redaction()
        self._credentials = credentials
        self._closed = False
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
            f"ApiClient(username={c.username!r}, api_key={c.api_key!r}, "
            f"key_type={kind!r}, api_url={c.api_url!r})"
        )

    # --- lifecycle -------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the connection pool. Idempotent."""
        self._closed = True
        await self._http.aclose()

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # --- one attempt ---------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        ok_statuses: frozenset[int] = frozenset(),
    ) -> _Reply:
        """Send one request; return the reply of a 2xx (or of ``ok_statuses``), else raise."""
        if self._closed:
            raise errors.UsageError("this ApiClient is closed")
        if method != "GET" and self.read_only:
            raise errors.ReadOnlyKeyError(
                f"{method} {path} needs a provisioning API key; the configured key is read-only"
            )
        content = None
        if body is not None:
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        started = time.monotonic()
        try:
            response = await self._http.request(method, path, content=content)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            _LOG.debug("%s %s failed: %s", method, path, type(exc).__name__)
            raise _transport_error(exc, method, path) from exc
        reply = _Reply(
            status=response.status_code,
            data=_decode_json(response.content),
            text=response.text,
            method=method,
            path=path,
        )
        _LOG.debug("%s %s -> %d in %.3f s", method, path, reply.status, time.monotonic() - started)
        if 200 <= reply.status < 300 or reply.status in ok_statuses:
            return reply
        raise _status_error(response, reply)

    # --- clusters -----------------------------------------------------------------------------

    async def list_clusters(self) -> list[ClusterSummary]:
        """Every active cluster of the account (the API answers 404 when there are none)."""
        reply = await self._call("GET", wire_v1.LIST_CLUSTERS_PATH, ok_statuses=frozenset({404}))
        if reply.status == 404:
            return []
        return reply.parse(wire_v1.parse_cluster_list)

    async def get_cluster(self, cluster_id: str) -> ClusterDetails:
        """Status of one cluster (the API answers 202, sometimes 200).

        Raises:
            UnexpectedResponseError: The body describes a different cluster.
        """
        reply = await self._call("GET", wire_v1.cluster_path(cluster_id))
        details = reply.parse(lambda b: wire_v1.parse_cluster_details(b, cluster_id=cluster_id))
        if details.id.lower() != cluster_id.lower():
            raise reply.unexpected(f"asked for cluster {cluster_id}, got {details.id}")
        return details

    async def create_cluster(self, spec: ClusterSpec) -> str:
        """Create a cluster (extended format); returns the new id. Never retried here."""
        reply = await self._call(
            "POST", wire_v1.CREATE_EXTENDED_PATH, body=wire_v1.spec_to_json(spec)
        )
        return reply.parse(wire_v1.parse_created_id)

    async def create_cluster_legacy(self, spec: LegacyClusterSpec) -> str:
        """Create a cluster with the legacy body (``POST /provisioning/v1/``); returns the id."""
        reply = await self._call(
            "POST", wire_v1.CREATE_LEGACY_PATH, body=wire_v1.legacy_spec_to_json(spec)
        )
        return reply.parse(wire_v1.parse_created_id)

    async def delete_cluster(self, cluster_id: str) -> str:
        """Mark a cluster for deletion; returns the API's message (may be empty)."""
        reply = await self._call("DELETE", wire_v1.cluster_path(cluster_id))
        if reply.data is None:
            return ""
        return reply.parse(wire_v1.parse_message)

    # --- firewall rules ------------------------------------------------------------------------

    async def list_firewall_rules(self, cluster_id: str) -> list[FirewallRule]:
        """The cluster's firewall rules, each with a status per rule type."""
        reply = await self._call("GET", wire_v1.firewall_rules_path(cluster_id))
        return reply.parse(wire_v1.parse_firewall_rules)

    async def add_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None:
        """Add a rule. A rule that already exists raises ``ConflictError`` (409)."""
        await self._call(
            "POST",
            wire_v1.firewall_rules_path(cluster_id),
            body=wire_v1.firewall_rule_to_json(rule),
        )

    async def delete_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None:
        """Remove a rule: a DELETE whose JSON body names the rule."""
        await self._call(
            "DELETE",
            wire_v1.firewall_rules_path(cluster_id),
            body=wire_v1.firewall_rule_to_json(rule),
        )

    # --- encryption keys ------------------------------------------------------------------------

    async def list_encryption_keys(self) -> list[EncryptionKey]:
        """The AWS KMS keys registered with the account."""
        reply = await self._call("GET", wire_v1.ENCRYPTION_KEYS_PATH)
        return reply.parse(wire_v1.parse_encryption_keys)

    async def add_encryption_key(
        self, alias: str, arn: str, provider_account: str | None = None
    ) -> str:
        """Register an AWS KMS key; returns its id (usable as ``diskEncryptionKey``)."""
        reply = await self._call(
            "POST",
            wire_v1.ENCRYPTION_KEYS_PATH,
            body=wire_v1.encryption_key_to_json(alias, arn, provider_account),
        )
        return reply.parse(wire_v1.parse_created_id)

    async def delete_encryption_key(self, key_id: str) -> None:
        """Remove a registered key."""
        await self._call("DELETE", wire_v1.encryption_key_path(key_id))

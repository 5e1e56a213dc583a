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

Modules: ``channel`` (:class:`HttpChannel`), ``deadline`` (the total deadline and how far
an attempt got), ``body`` (reading and decoding within the caps), ``reply``
(:class:`Reply`), ``translate`` (httpx errors and error statuses into
:mod:`insta_nb.errors`), ``retry_after`` (:func:`parse_retry_after`).
"""

from __future__ import annotations

# Not in ``__all__``, but importable from here before the split: keep it so.
from insta_nb.backends.http.body import MAX_JSON_DEPTH  # noqa: F401
from insta_nb.backends.http.channel import DEFAULT_USER_AGENT, HttpChannel
from insta_nb.backends.http.reply import Reply
from insta_nb.backends.http.retry_after import RETRY_AFTER_CAP, parse_retry_after

__all__ = [
    "DEFAULT_USER_AGENT",
    "RETRY_AFTER_CAP",
    "HttpChannel",
    "Reply",
    "parse_retry_after",
]

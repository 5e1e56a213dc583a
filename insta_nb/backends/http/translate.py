"""An error status or an httpx error, translated into :mod:`insta_nb.errors` (the table is in
:mod:`insta_nb.backends.http`).
"""

from __future__ import annotations

from typing import Any

import httpx

from insta_nb import errors
from insta_nb.backends.http.body import NOT_JSON, html_summary
from insta_nb.backends.http.reply import Reply
from insta_nb.backends.http.retry_after import parse_retry_after
from insta_nb.credentials import redact

__all__ = ["status_error", "transport_error"]


def status_error(response: httpx.Response, reply: Reply) -> errors.APIError:
    """The :class:`~insta_nb.errors.APIError` for an error status, with ``retry_after``."""
    body: Any = reply.data if reply.data is not NOT_JSON else reply.text
    retry_after = parse_retry_after(
        response.headers.get("Retry-After"), date=response.headers.get("Date")
    )
    error = errors.status_error(
        reply.status, body, method=reply.method, path=reply.path, retry_after=retry_after
    )
    summary = html_summary(reply.text) if isinstance(body, str) else None
    if summary is not None:
        # Keep the whole page in ``body``; show its title, not 500 characters of markup.
        error.message = f"HTML error page: {summary}"
        error.args = (error.message,)
    return error


def transport_error(exc: Exception, method: str, path: str) -> errors.InstaError:
    """The :mod:`insta_nb.errors` error for an httpx error (the table in the package)."""
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

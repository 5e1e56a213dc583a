"""The one exception tree of insta_nb.

Every error the toolkit raises to users derives from :class:`InstaError`. httpx
errors are translated in :mod:`insta_nb.backends.http` and never leak out.

    InstaError
    ├── UsageError               called the wrong way (e.g. a sync call on the engine thread)
    ├── ConfigurationError       missing or malformed settings or credentials
    ├── ValidationError          a spec was rejected locally, before any request; ``field_errors``
    ├── ReadOnlyKeyError         a mutation was refused locally because the key is read-only
    ├── JobCancelledError        a queued job was cancelled (its cell re-ran, its widget closed)
    ├── DeadlineExceededError    a job could not be sent before its deadline
    ├── CreateNotConfirmedError  an ambiguous create that reconciliation could not find
    ├── TeardownError            an environment's teardown left resources behind; ``left``
    ├── TransportError           no usable response arrived
    │   ├── ConnectError         never sent (connection refused, DNS, pool timeout): safe to retry
    │   ├── TimeoutError         sent, no answer in time: the server may have applied it
    │   └── ProtocolError        the connection dropped mid-exchange: may have been applied
    └── APIError                 the API answered with an error; ``status``, ``message``, ``body``
        ├── BadRequestError      400, with ``field_errors`` when the body names fields
        ├── AuthenticationError  401
        ├── PermissionDeniedError 403
        ├── NotFoundError        404
        ├── ConflictError        409
        ├── RateLimitedError     429, with ``retry_after`` when the API sent one
        ├── ServerError          5xx
        └── UnexpectedResponseError  a success status with a body we cannot read

Each error knows whether its request reached the server (``sent``) and whether its
effect is unknown (``ambiguous``); the engine's retry policy reads only these two
facts, so it never needs to know about HTTP.

Every error passes its message, body and field messages through one redactor on
construction, and its ``str``/``repr`` through it again: a server that echoes the
request's ``Authorization`` header in an error body must not put the key into a
notebook's output. :mod:`insta_nb.credentials` installs the redactor (it knows the
live keys); this package is stdlib only and knows nothing of them.

The tree itself lives here, in the package's ``__init__``, so that every error shows as
``insta_nb.errors.<Name>`` in a traceback; ``redaction`` holds the redactor hook and
``bodies`` reads the API's error bodies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from insta_nb.errors.bodies import field_errors_from_body as field_errors_from_body
from insta_nb.errors.bodies import message_from_body as message_from_body
from insta_nb.errors.redaction import clean, scrub, set_redactor

__all__ = [
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "ConnectError",
    "CreateNotConfirmedError",
    "DeadlineExceededError",
    "InstaError",
    "JobCancelledError",
    "NotFoundError",
    "PermissionDeniedError",
    "ProtocolError",
    "RateLimitedError",
    "ReadOnlyKeyError",
    "ServerError",
    "TeardownError",
    "TimeoutError",
    "TransportError",
    "UnexpectedResponseError",
    "UsageError",
    "ValidationError",
    "set_redactor",
    "status_error",
]


class InstaError(Exception):
    """Root of every error raised by insta_nb."""

    #: Whether the request left this machine (``None`` when no request was involved).
    sent: bool | None = None
    #: Whether the server may have applied the request although we saw no success.
    ambiguous: bool = False

    def __init__(self, message: str) -> None:
        message = clean(str(message))
        super().__init__(message)
        self._message = message

    @property
    def message(self) -> str:
        """The error's text, with every known secret removed."""
        return self._message

    @message.setter
    def message(self, value: str) -> None:
        self._message = clean(str(value))

    def __str__(self) -> str:
        return clean(super().__str__())

    def __repr__(self) -> str:
        return clean(super().__repr__())


class UsageError(InstaError):
    """The toolkit was used in a way that cannot work."""


class ConfigurationError(InstaError):
    """Settings or credentials are missing or malformed."""


class ValidationError(InstaError):
    """A request was rejected locally, before anything was sent.

    ``field_errors`` maps a field name (in the API's spelling, e.g. ``clusterName``)
    to a message a person can act on.
    """

    sent = False

    def __init__(self, field_errors: Mapping[str, str], message: str | None = None) -> None:
        self.field_errors: dict[str, str] = scrub(dict(field_errors))
        text = message or "; ".join(f"{k}: {v}" for k, v in self.field_errors.items())
        super().__init__(text or "invalid request")


class ReadOnlyKeyError(InstaError):
    """A mutation was refused locally: the configured key can only read."""

    sent = False


class JobCancelledError(InstaError):
    """A queued job was cancelled before it was sent."""

    sent = False


class DeadlineExceededError(InstaError):
    """A job could not complete before its deadline."""


class CreateNotConfirmedError(InstaError):
    """A create's outcome was unknown and no matching cluster appeared.

    The intent is kept: if the cluster shows up later, it is still adopted.
    """

    def __init__(self, cluster_name: str, message: str | None = None) -> None:
        self.cluster_name = cluster_name
        super().__init__(message or f"cluster {cluster_name!r} was not created")


class TeardownError(InstaError):
    """A teardown could not remove everything: ``left`` names what is still there.

    Each entry of ``left`` is one resource in words (``"cluster ci_db (id …): 503 …"``);
    ``cluster_ids`` are the clusters that may still be running (and billed).
    """

    def __init__(self, left: tuple[str, ...], cluster_ids: tuple[str, ...] = ()) -> None:
        self.left = tuple(clean(item) for item in left)
        self.cluster_ids = cluster_ids
        lines = "\n".join(f"  - {item}" for item in self.left)
        super().__init__(f"teardown incomplete: {len(self.left)} resource(s) left:\n{lines}")


class TransportError(InstaError):
    """No usable response arrived."""

    sent = True
    ambiguous = True


class ConnectError(TransportError):
    """The request never left: connecting failed. Always safe to retry."""

    sent = False
    ambiguous = False


class TimeoutError(TransportError):
    """The request was sent but no answer arrived in time."""


class ProtocolError(TransportError):
    """The connection broke during the exchange."""


class APIError(InstaError):
    """The API answered with an error status."""

    sent = True
    status: int = 0

    def __init__(
        self,
        message: str,
        *,
        status: int,
        body: Any = None,
        method: str = "",
        path: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = scrub(body)
        self.method = method
        self.path = clean(path)
        self.retry_after = retry_after

    @property
    def field_errors(self) -> dict[str, str]:
        """Messages keyed by field, when the API's body names fields."""
        return field_errors_from_body(self.body)

    def __str__(self) -> str:
        where = f" ({self.method} {self.path})" if self.method else ""
        return clean(f"{self.status} {self.message}{where}")


class BadRequestError(APIError):
    """400: the API rejected the request's content."""


class AuthenticationError(APIError):
    """401: the API did not accept the credentials."""


class PermissionDeniedError(APIError):
    """403: the credentials may not do this (e.g. a read-only key)."""


class NotFoundError(APIError):
    """404: no such resource."""


class ConflictError(APIError):
    """409: the resource already exists or is in a conflicting state."""


class RateLimitedError(APIError):
    """429: the API's rate limit was hit. The request was not applied."""

    sent = True
    ambiguous = False


class ServerError(APIError):
    """5xx: the API failed. The request may still have been applied (even with 503)."""

    ambiguous = True


class UnexpectedResponseError(APIError):
    """The API answered with a success status but a body we cannot understand."""

    ambiguous = True


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
}


def status_error(
    status: int,
    body: Any,
    *,
    method: str = "",
    path: str = "",
    retry_after: float | None = None,
) -> APIError:
    """Build the most specific :class:`APIError` for an HTTP status and body."""
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else APIError
    return cls(
        message_from_body(body, status),
        status=status,
        body=body,
        method=method,
        path=path,
        retry_after=retry_after,
    )

"""One package per Instaclustr API, each implementing :class:`insta_nb.backend.Backend`.

``http`` is the one HTTP attempt every backend sends through. :func:`open_backend` is
the only door from above: the session names an API, and nothing above the seam imports
a backend package itself.
"""

from __future__ import annotations

import httpx

from insta_nb import errors
from insta_nb.backend import Backend
from insta_nb.config import DEFAULT_REQUEST_TIMEOUT
from insta_nb.credentials import Credentials

__all__ = ["APIS", "open_backend"]

#: The APIs a session can speak.
APIS = ("v1", "v2")


def open_backend(
    api: str,
    credentials: Credentials,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = DEFAULT_REQUEST_TIMEOUT,
) -> Backend:
    """A backend for ``api`` acting as ``credentials``, with its own connection pool."""
    if api == "v1":
        from insta_nb.backends.v1 import V1Backend

        return V1Backend.open(credentials, transport=transport, timeout=timeout)
    if api == "v2":
        from insta_nb.backends.v2 import V2Backend

        return V2Backend.open(credentials, transport=transport, timeout=timeout)
    raise errors.ConfigurationError(f"unknown API {api!r}: choose one of {', '.join(APIS)}")

"""HTTP Basic auth from a :class:`~insta_nb.credentials.secret.Secret`, built per request
and removed from the request as soon as the exchange is over.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncGenerator, Generator

import httpx

from insta_nb.credentials.checks import check_username
from insta_nb.credentials.registry import REGISTRY
from insta_nb.credentials.secret import Secret

__all__ = ["ApiKeyAuth"]


def _basic_value(username: str, api_key: Secret) -> str:
    # One expression: the raw key never sits in a named local of any frame.
    return "Basic " + base64.b64encode(username.encode("utf-8") + b":" + api_key._raw()).decode(
        "ascii"
    )


class ApiKeyAuth(httpx.Auth):
    """HTTP Basic auth built per request from a :class:`Secret`.

    Unlike ``httpx.BasicAuth`` it keeps no ready-made header value, and it removes the
    header from the request once the exchange ends (the request stays reachable from
    responses and httpx exceptions).
    """

    def __init__(self, username: str, api_key: Secret) -> None:
        if not isinstance(api_key, Secret):
            api_key = None  # drop a raw key before raising: tracebacks show locals
            raise TypeError("ApiKeyAuth needs a Secret")
        self._username = check_username(username)
        self._api_key = api_key
        REGISTRY.add(api_key, username)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = _basic_value(self._username, self._api_key)
        try:
            yield request
        finally:
            request.headers.pop("Authorization", None)

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        yield from self.auth_flow(request)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = _basic_value(self._username, self._api_key)
        try:
            yield request
        finally:
            request.headers.pop("Authorization", None)

    def __repr__(self) -> str:
        return f"ApiKeyAuth(username={self._username!r}, api_key={self._api_key!r})"

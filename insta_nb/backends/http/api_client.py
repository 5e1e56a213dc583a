"""What every API's client shares: one channel for one account, who it acts as, closing."""

from __future__ import annotations

from types import TracebackType
from typing import Self

import httpx

from insta_nb.backends.http.channel import DEFAULT_USER_AGENT, HttpChannel
from insta_nb.config import DEFAULT_REQUEST_TIMEOUT
from insta_nb.credentials import Credentials

__all__ = ["ChannelClient"]


class ChannelClient:
    """The shell of an API client (v1's ``ApiClient``, ``V2Client``): endpoints are theirs.

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
        self._http = HttpChannel(
            credentials, transport=transport, timeout=timeout, user_agent=user_agent
        )

    @property
    def read_only(self) -> bool:
        """Whether the key can only read (mutations are refused locally)."""
        return self._http.read_only

    @property
    def username(self) -> str:
        """The Instaclustr user this client acts as."""
        return self._http.username

    @property
    def api_url(self) -> str:
        """Base URL of the API."""
        return self._http.api_url

    def __repr__(self) -> str:
        return repr(self._http).replace("HttpChannel(", f"{type(self).__name__}(", 1)

    async def aclose(self) -> None:
        """Close the connection pool. Idempotent."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

"""An in-process httpx transport: requests go straight to the ASGI app, no sockets.

Like ``httpx.ASGITransport``, plus the two ways a real connection fails without a
response: when the gate withholds one, this transport raises
``httpx.RemoteProtocolError`` (connection dropped) or ``httpx.ReadTimeout`` (a create
applied whose response was lost), exactly where a real transport would.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import httpx
from starlette.types import ASGIApp, Message

from insta_nb.simulator.gate import CHANNEL_KEY, Channel

__all__ = ["SimulatorTransport"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


class SimulatorTransport(httpx.AsyncBaseTransport):
    """Sends each request to ``app`` in the calling task, as client ``client_ip``."""

    def __init__(self, app: ASGIApp, client_ip: str = "127.0.0.1") -> None:
        self._app = app
        self._client_ip = client_ip

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        url = request.url
        channel = Channel()
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": url.scheme,
            "path": unquote(url.path),
            "raw_path": url.raw_path.split(b"?", 1)[0],
            "query_string": url.query,
            "root_path": "",
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "client": (self._client_ip, 50_000),
            "server": (url.host, url.port or _DEFAULT_PORTS.get(url.scheme, 80)),
            "extensions": {CHANNEL_KEY: channel},
        }
        sent_body = False
        status: int | None = None
        headers: list[tuple[bytes, bytes]] = []
        parts: list[bytes] = []

        async def receive() -> Message:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers.extend(message.get("headers", []))
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))

        await self._app(scope, receive, send)
        if channel.outcome == "timeout":
            raise httpx.ReadTimeout(
                "No response: the simulator lost it on purpose.", request=request
            )
        if channel.outcome == "drop" or status is None:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return httpx.Response(status, headers=headers, content=b"".join(parts), request=request)

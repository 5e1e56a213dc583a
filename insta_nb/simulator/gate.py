"""The front door every request passes: faults, the rate limit, auth and body size.

A pure ASGI middleware. It buffers the routes' response so that it can decide, after
the API applied a request, to lose that response or drop the connection instead. How
a response is lost depends on the way in:

- in-process (:mod:`insta_nb.simulator.transport`): the transport put a
  :class:`Channel` in the scope; the gate marks it and sends nothing, and the
  transport raises ``httpx.RemoteProtocolError`` (drop) or ``httpx.ReadTimeout``
  (lost create response);
- real HTTP (uvicorn): the gate starts a response it never finishes, so the server
  closes the connection mid-response (the client sees a protocol error); a lost create
  response is first held for ``Faults.lost_response_hold`` seconds.
"""

from __future__ import annotations

import math
from contextvars import ContextVar
from typing import Any, NamedTuple

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from insta_nb.simulator.auth import Access, authenticate
from insta_nb.simulator.core import SimulatorCore
from insta_nb.simulator.records import RequestRecord
from insta_nb.simulator.responses import Reply, error_reply
from insta_nb.simulator.v2 import gate_reply, is_v2, is_v2_create

__all__ = ["CHANNEL_KEY", "DELIBERATE_DROP", "Channel", "Gate"]

#: Key in ``scope["extensions"]`` of the in-process channel.
CHANNEL_KEY = "insta_nb.simulator"
_CREATE_PATHS = frozenset({"/provisioning/v1", "/provisioning/v1/extended"})
#: A VPC peering create is a create too: losing its answer tests that none is doubled.
_PEERINGS = "/provisioning/v1/vpc-peering/"
_READ_METHODS = frozenset({"GET", "HEAD"})
#: True in the server task that is dropping a connection on purpose, so that the
#: server's "returned without completing response" error can be silenced.
DELIBERATE_DROP: ContextVar[bool] = ContextVar("insta_nb_simulator_drop", default=False)


_INJECTED = "Service error (injected)"


class _Outcome(NamedTuple):
    """What a request gets: the log fields first, then what is sent (or withheld)."""

    status: int | None
    applied: bool
    fault: str | None
    reply: Reply | None = None
    #: ``"drop"`` or ``"timeout"``: no response at all.
    withhold: str | None = None


class Channel:
    """How the gate tells the in-process transport that no response is coming."""

    def __init__(self) -> None:
        #: ``"drop"`` or ``"timeout"`` when the response is withheld.
        self.outcome: str | None = None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class Gate:
    """ASGI middleware in front of the routes."""

    def __init__(self, app: ASGIApp, core: SimulatorCore) -> None:
        self.app = app
        self.core = core

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        core = self.core
        delay = core.dice.delay(core.faults)
        if delay > 0:
            await core.clock.sleep(delay)
        now = core.now()
        client = scope.get("client")
        ip = str(client[0]) if client else "unknown"
        channel = scope.get("extensions", {}).get(CHANNEL_KEY)
        outcome = await self._decide(scope, receive, ip, now)
        # Logged before answering: a client that reads the log after its answer finds it.
        method, path = scope["method"], scope["path"]
        record = RequestRecord(
            now, ip, method, path, outcome.status, outcome.applied, outcome.fault
        )
        core.record(record)
        if outcome.reply is not None:
            reply = gate_reply(outcome.reply) if is_v2(path) else outcome.reply
            await self._send(send, method, reply)
        elif outcome.withhold is not None:
            hold = core.faults.lost_response_hold
            if outcome.withhold == "timeout" and channel is None and hold > 0:
                await core.clock.sleep(hold)
            await self._drop(channel, send, outcome.withhold)

    async def _decide(self, scope: Scope, receive: Receive, ip: str, now: float) -> _Outcome:
        """What this request gets, in the documented order of checks."""
        core, faults = self.core, self.core.faults
        if core.dice.in_outage(faults, now):
            return _Outcome(503, False, "outage", error_reply(503, "Service Unavailable"))
        if core.dice.in_storm(faults, now):
            return _Outcome(429, False, "storm_429", self._too_many())
        drop_before, drop_after = core.dice.drop(faults)
        if drop_before:
            return _Outcome(None, False, "drop", withhold="drop")
        if not core.limiter.admit(ip, now):
            return _Outcome(429, False, "rate_limited", self._too_many())
        code_before, code_after = core.dice.error_5xx(faults)
        if code_before is not None:
            return _Outcome(code_before, False, "5xx", error_reply(code_before, _INJECTED))
        route = scope["path"].rstrip("/") or "/"
        reply = await self._admit(scope, receive, route)
        if reply is None:  # the client went away while sending its body
            return _Outcome(None, False, None)
        applied = 200 <= reply.status < 300
        creates = (
            applied
            and scope["method"] == "POST"
            and (
                route in _CREATE_PATHS
                or is_v2_create(route)
                or (route.startswith(_PEERINGS) and route.count("/") == 4)
            )
        )
        if creates and core.dice.lose_create(faults):
            return _Outcome(None, True, "lost_response", withhold="timeout")
        if drop_after:
            return _Outcome(None, applied, "drop_after_apply", withhold="drop")
        if code_after is not None:
            reply = error_reply(code_after, _INJECTED)
            return _Outcome(code_after, applied, "5xx_after_apply", reply)
        return _Outcome(reply.status, applied, None, reply)

    def _too_many(self) -> Reply:
        settings = self.core.settings
        headers = {}
        if settings.retry_after is not None:
            headers["Retry-After"] = str(math.ceil(settings.retry_after))
        interval = settings.interval or 0.0
        return error_reply(
            429, f"Too many requests: the limit is one request every {interval:g} s.", headers
        )

    async def _admit(self, scope: Scope, receive: Receive, route: str) -> Reply | None:
        """Auth, then the body (size-limited), then the routes; their response, buffered."""
        settings = self.core.settings
        access = authenticate(_header(scope, b"authorization"), settings.credentials)
        if access is Access.NONE:
            return error_reply(
                401, "Not Authorized", {"WWW-Authenticate": 'Basic realm="Instaclustr"'}
            )
        if access is Access.READ_ONLY and scope["method"] not in _READ_METHODS:
            return error_reply(403, "Missing permissions: the read-only API key can only read.")
        body = await self._read_body(scope, receive, settings.max_body_bytes)
        if body is None or isinstance(body, Reply):
            return body
        return await self._call_routes(dict(scope, path=route), body, receive)

    @staticmethod
    async def _read_body(scope: Scope, receive: Receive, limit: int) -> bytes | Reply | None:
        too_large = error_reply(413, f"Request body too large (limit {limit} bytes).")
        declared = (_header(scope, b"content-length") or "").strip()
        # Length first: int() of thousands of digits is slow, and refused past 4300.
        if declared.isdigit() and (len(declared) > 18 or int(declared) > limit):
            return too_large
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _call_routes(self, scope: Scope, body: bytes, receive: Receive) -> Reply:
        delivered = False
        start: dict[str, Any] = {}
        parts: list[bytes] = []

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))

        try:
            await self.app(scope, replay, capture)
        except Exception as exc:  # a bug in a route: answer JSON, keep it for the tests
            self.core.app_errors.append(exc)
            return error_reply(500, "Internal Server Error")
        return Reply(start.get("status", 500), list(start.get("headers", [])), b"".join(parts))

    @staticmethod
    async def _send(send: Send, method: str, reply: Reply) -> None:
        await send(
            {"type": "http.response.start", "status": reply.status, "headers": reply.headers}
        )
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else reply.body})

    @staticmethod
    async def _drop(channel: Channel | None, send: Send, outcome: str) -> None:
        if channel is not None:
            channel.outcome = outcome
            return
        # Start a response and never finish it: the server then closes the connection.
        DELIBERATE_DROP.set(True)
        headers = [(b"content-type", b"application/json"), (b"content-length", b"64")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})

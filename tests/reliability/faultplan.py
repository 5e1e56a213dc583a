"""Aim the simulator's own fault knobs at chosen requests.

:class:`FaultPlan` is an httpx transport in front of the simulator's. For each request
it asks ``choose(request)`` for the :class:`~insta_nb.simulator.Faults` fields to set,
sets them on ``sim.faults`` for that one request, and restores them afterwards. The
fault is still injected by the simulator (and logged in ``sim.log``); the plan only
decides which request meets it. The engine sends one request at a time, so no other
request can see the knobs while they are set.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from insta_nb.simulator import Simulator

__all__ = ["AMBIGUOUS", "NEVER_ARRIVED", "FaultPlan", "create_name"]

Choose = Callable[[httpx.Request], Mapping[str, Any] | None]

#: Faults after which the API applied the create but the client cannot know it.
AMBIGUOUS: dict[str, dict[str, Any]] = {
    "lost_response": {"lose_create_response": 1},
    "drop_after_apply": {"drop_rate": 1.0, "drop_after_apply": 1.0},
    "502_after_apply": {"error_rate_5xx": 1.0, "error_codes": (502,), "error_after_apply": 1.0},
    "504_after_apply": {"error_rate_5xx": 1.0, "error_codes": (504,), "error_after_apply": 1.0},
}
#: Faults where the create never reached the API, yet the client cannot know that either.
NEVER_ARRIVED: dict[str, dict[str, Any]] = {
    "drop_before": {"drop_rate": 1.0, "drop_after_apply": 0.0},
    "500_before": {"error_rate_5xx": 1.0, "error_codes": (500,), "error_after_apply": 0.0},
    "502_before": {"error_rate_5xx": 1.0, "error_codes": (502,), "error_after_apply": 0.0},
}


def create_name(request: httpx.Request) -> str | None:
    """The cluster name of a create request, ``None`` for anything else."""
    if request.method != "POST" or "/firewallRules" in request.url.path:
        return None
    if request.url.path.rstrip("/") not in ("/provisioning/v1/extended", "/provisioning/v1"):
        return None
    try:
        body = json.loads(request.content)
    except ValueError:
        return None
    name = body.get("clusterName") if isinstance(body, dict) else None
    return name if isinstance(name, str) else None


class FaultPlan(httpx.AsyncBaseTransport):
    """Sets ``sim.faults`` fields chosen per request, around that request only."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        sim: Simulator,
        choose: Choose,
        after: Callable[[httpx.Request], None] | None = None,
    ) -> None:
        self._inner = inner
        self._sim = sim
        self._choose = choose
        #: Called after each request a fault was aimed at (e.g. to start an outage then).
        self._after = after
        #: (method, path, fault knobs) of every request a fault was aimed at.
        self.aimed: list[tuple[str, str, dict[str, Any]]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        knobs = dict(self._choose(request) or {})
        if not knobs:
            return await self._inner.handle_async_request(request)
        saved = dataclasses.replace(self._sim.faults)
        for name, value in knobs.items():
            setattr(self._sim.faults, name, value)
        self.aimed.append((request.method, request.url.path, knobs))
        try:
            return await self._inner.handle_async_request(request)
        finally:
            self._sim.faults = saved
            if self._after is not None:
                self._after(request)

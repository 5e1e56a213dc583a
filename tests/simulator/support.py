"""A small synchronous harness over an in-process simulator and a fake clock.

Each call runs one request on a fresh event loop (no pytest-asyncio here), through
``httpx.AsyncClient(transport=sim.transport(), base_url=sim.url)``.
"""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import httpx

from insta_nb.simulator import Simulator
from insta_nb.testing import FakeClock

FIXTURES = Path("/work/shared/fixtures/real")
ROOT = "/provisioning/v1"

#: The Terraform provider's valid create body, as a base for variations.
VALID_CREATE: dict[str, Any] = {
    "clusterName": "cassandra-spark-zeppelin",
    "bundles": [{"bundle": "APACHE_CASSANDRA", "version": "3.11.4"}],
    "provider": {"name": "AWS_VPC", "accountName": None},
    "slaTier": "NON_PRODUCTION",
    "nodeSize": "t3-small",
    "dataCentre": "US_WEST_2",
    "clusterNetwork": "192.168.0.0/18",
    "rackAllocation": {"numberOfRacks": "3", "nodesPerRack": "1"},
}

_UNSET: Any = object()


def fixture_json(name: str) -> Any:
    """A file of the shared real fixtures, parsed."""
    return json.loads((FIXTURES / name).read_text())


def create_body(**overrides: Any) -> dict[str, Any]:
    """A deep copy of :data:`VALID_CREATE` with top-level fields replaced."""
    body = copy.deepcopy(VALID_CREATE)
    body.update(overrides)
    return body


class Harness:
    """Synchronous requests into one simulator, with its fake clock at hand."""

    def __init__(self, sim: Simulator, clock: FakeClock) -> None:
        self.sim = sim
        self.clock = clock
        creds = sim.credentials
        self.auth_full = (creds.username, creds.api_key)
        self.auth_read_only = (creds.username, creds.read_only_key)

    def client(self, *, auth: Any = _UNSET, client_ip: str = "127.0.0.1") -> httpx.AsyncClient:
        """An async client into the simulator (full key unless told otherwise)."""
        return httpx.AsyncClient(
            transport=self.sim.transport(client_ip=client_ip),
            base_url=self.sim.url,
            auth=self.auth_full if auth is _UNSET else auth,
        )

    def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = _UNSET,
        content: bytes | str | None = None,
        headers: dict[str, Any] | None = None,
        auth: Any = _UNSET,
        client_ip: str = "127.0.0.1",
    ) -> httpx.Response:
        """One request; returns the response (its body already read)."""

        async def go() -> httpx.Response:
            async with self.client(auth=auth, client_ip=client_ip) as http:
                kwargs: dict[str, Any] = {"headers": headers}
                if json is not _UNSET:
                    kwargs["json"] = json
                if content is not None:
                    kwargs["content"] = content
                return await http.request(method, path, **kwargs)

        return asyncio.run(go())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.call("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.call("DELETE", path, **kwargs)

    def create(self, body: dict[str, Any] | None = None, **overrides: Any) -> str:
        """Create a cluster (extended format); returns its id."""
        response = self.post(f"{ROOT}/extended/", json=body or create_body(**overrides))
        assert response.status_code == 202, response.text
        return str(response.json()["id"])

    def details(self, cluster_id: str) -> dict[str, Any]:
        response = self.get(f"{ROOT}/{cluster_id}")
        assert response.status_code == 202, response.text
        result: dict[str, Any] = response.json()
        return result

    def listing(self) -> list[dict[str, Any]]:
        response = self.get(ROOT)
        if response.status_code == 404:
            return []
        assert response.status_code == 200, response.text
        result: list[dict[str, Any]] = response.json()
        return result

    def advance(self, seconds: float) -> None:
        """Move simulated time forward."""
        asyncio.run(self.clock.advance(seconds))

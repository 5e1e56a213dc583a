"""The :class:`Session`: one account's handle, composed of one part per concern.

The parts are :mod:`.clusters`, :mod:`.resources` (firewall rules, encryption keys),
:mod:`.networking` (VPC peerings, resizes), :mod:`.environments` and :mod:`.views`
(observable state, watches, the engine's queue), each over :mod:`.core` (the state they
share, whose call it is, the hop onto the engine). This module builds that state,
names the session, and closes it.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from insta_nb.backend import Backend
from insta_nb.cells import CellOwners
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.engine import Engine, EngineRunner
from insta_nb.leak_guard import LeakGuard
from insta_nb.service import ClusterService
from insta_nb.session.clusters import ClusterCalls
from insta_nb.session.environments import EnvironmentCalls
from insta_nb.session.networking import NetworkCalls
from insta_nb.session.resources import ResourceCalls
from insta_nb.session.views import ViewCalls

if TYPE_CHECKING:
    from insta_nb.session.sync import SyncSession
    from insta_nb.simulator import Simulator

__all__ = ["Session"]


class Session(ClusterCalls, ResourceCalls, NetworkCalls, EnvironmentCalls, ViewCalls):
    """One account's clusters, through the shared request engine."""

    #: The same calls, blocking until done.
    sync: SyncSession

    def __init__(
        self,
        backend: Backend,
        runner: EngineRunner,
        service_settings: ServiceSettings | None = None,
        *,
        engine: Engine | None = None,
        pace: EngineSettings | None = None,
        simulator: Simulator | None = None,
    ) -> None:
        # SyncSession's twins are derived from this class, so it can only be imported
        # once this module has run.
        from insta_nb.session.sync import SyncSession

        self.backend = backend
        self.runner = runner
        self.simulator = simulator
        self._engine = engine or runner.engine
        self.settings = pace or self._engine.settings
        self.service = ClusterService(
            backend,
            self._engine,
            service_settings,
            pace=self.settings,
            clock=self._engine.clock,
        )
        self._cells = CellOwners(on_rerun=runner.cancel_owner)
        self.sync = SyncSession(self)
        self._leaks = LeakGuard(f"{backend.username}@{backend.api_url}")
        self.service.subscribe(self._leaks.on_event)

    # --- identity -----------------------------------------------------------------------

    @property
    def is_simulated(self) -> bool:
        """True when talking to a simulator (embedded, or served on loopback).

        No real Instaclustr API lives on this machine's loopback interface, so a
        loopback URL is a simulator too (``scripts/lab`` serves one there).
        """
        return self.simulator is not None or _is_loopback(self.backend.api_url)

    @property
    def read_only(self) -> bool:
        return self.backend.read_only

    @property
    def api(self) -> str:
        """Which API the session speaks (``"v1"``)."""
        return self.backend.api

    def __repr__(self) -> str:
        target = "embedded simulator" if self.simulator else self.backend.api_url
        mode = ", read-only" if self.read_only else ""
        return f"<insta_nb.Session {self.backend.username}@{target} ({self.api}){mode}>"

    # --- lifecycle ----------------------------------------------------------------------

    def close(self) -> None:
        """Stop watching and release the HTTP client."""
        self._cells.close()
        self._leaks.warn("session closed")

        async def shutdown() -> None:
            await self.service.aclose()
            await self.backend.aclose()

        self.runner.on_loop_sync(shutdown, timeout=10)


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

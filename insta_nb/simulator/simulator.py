"""The :class:`Simulator`: one simulated account, usable in-process or over loopback HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
from starlette.applications import Starlette

from insta_nb.clock import Clock, SystemClock
from insta_nb.simulator.app import build_app
from insta_nb.simulator.core import SimulatorCore
from insta_nb.simulator.faults import Faults
from insta_nb.simulator.peering import PeeringControl
from insta_nb.simulator.records import ClusterRecord, RequestRecord, SimulatorStats
from insta_nb.simulator.server import serve_in_thread
from insta_nb.simulator.settings import SimulatorCredentials, SimulatorSettings
from insta_nb.simulator.transport import SimulatorTransport

__all__ = ["Simulator"]


class Simulator:
    """A faithful stand-in for the Instaclustr Provisioning API v1.

    Example::

        sim = Simulator(clock=FakeClock(), settings=SimulatorSettings(interval=None))
        async with httpx.AsyncClient(transport=sim.transport(), base_url=sim.url) as http:
            creds = sim.credentials
            r = await http.get("/provisioning/v1", auth=(creds.username, creds.api_key))
            assert r.status_code == 404  # no clusters yet

    Args:
        clock: Where time comes from (default :class:`~insta_nb.clock.SystemClock`).
            Lifecycles, the rate limiter, fault windows and latency all read it.
        settings: Credentials, rate limit and lifecycle timing (fixed for the life of
            the simulator).
        faults: What goes wrong; mutable through :attr:`faults` at any time.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        settings: SimulatorSettings | None = None,
        faults: Faults | None = None,
    ) -> None:
        self._core = SimulatorCore(
            clock if clock is not None else SystemClock(),
            settings if settings is not None else SimulatorSettings(),
            faults if faults is not None else Faults(),
        )
        #: The Starlette ASGI app (serve it with any ASGI server).
        self.app: Starlette = build_app(self._core)

    @property
    def clock(self) -> Clock:
        """The injected clock."""
        return self._core.clock

    @property
    def settings(self) -> SimulatorSettings:
        """The fixed settings."""
        return self._core.settings

    @property
    def credentials(self) -> SimulatorCredentials:
        """Username, full key and read-only key that this simulator accepts."""
        return self._core.settings.credentials

    @property
    def url(self) -> str:
        """Base URL to use with :meth:`transport` (``http://simulator.local``)."""
        return self._core.settings.base_url

    @property
    def faults(self) -> Faults:
        """The active faults: change fields, or assign a new :class:`Faults`, at any time."""
        return self._core.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self._core.faults = faults

    @property
    def log(self) -> list[RequestRecord]:
        """Every request seen, in arrival order (the live list, not a copy)."""
        return self._core.log

    @property
    def stats(self) -> SimulatorStats:
        """Counters over every request seen."""
        return self._core.stats

    @property
    def app_errors(self) -> list[BaseException]:
        """Exceptions raised inside the simulator (each answered with a JSON 500).

        Always empty unless the simulator has a bug; tests assert so.
        """
        return self._core.app_errors

    def transport(self, *, client_ip: str = "127.0.0.1") -> httpx.AsyncBaseTransport:
        """An in-process transport into this simulator, as client ``client_ip``.

        Use a different ``client_ip`` per transport to simulate several machines, each
        with its own rate-limit window.
        """
        return SimulatorTransport(self.app, client_ip)

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve over real HTTP from a daemon thread; yields ``http://host:port``.

        Binds 127.0.0.1 unless another ``host`` is given. Use a real clock with it:
        the server runs on its own event loop.
        """
        with serve_in_thread(self.app, host, port) as url:
            yield url

    @property
    def peerings(self) -> PeeringControl:
        """The peer side of every VPC peering: ``accept``, ``reject`` or ``expire`` one.

        Without a call, the settings ``peering_accept_seconds`` and
        ``peering_reject_seconds`` decide, or the request expires after
        ``peering_expire_seconds``.
        """
        return PeeringControl(self._core.peerings, self._core.now)

    def cluster_records(self) -> list[ClusterRecord]:
        """Every cluster ever created (deleted ones included), in creation order."""
        return self._core.store.records(self._core.now())

    def reset_rate_limit(self) -> None:
        """Forget every client's rate-limit window."""
        self._core.limiter.reset()

    def __repr__(self) -> str:
        clusters = len(self._core.store)
        return f"<Simulator {self.url} clusters={clusters} requests={self.stats.requests}>"

"""The front door: ``connect()`` and the :class:`Session` it returns.

A session is the user's handle on one account (or on the embedded simulator). Its
methods are coroutines usable with top-level ``await`` in a cell or from any event
loop; ``session.sync`` offers the same calls blocking. Either way the work runs on
the process's one engine thread, paced together with every other cell and widget.

    >>> import insta_nb
    >>> session = insta_nb.connect()            # no credentials: embedded simulator
    >>> clusters = session.sync.list_clusters()
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from insta_nb import errors
from insta_nb.cells import CellOwners
from insta_nb.client import ApiClient
from insta_nb.config import DEFAULT_INTERVAL, EngineSettings, ServiceSettings
from insta_nb.credentials import Credentials
from insta_nb.engine import EngineRunner, EngineSnapshot, shared_runner
from insta_nb.models import (
    ClusterDetails,
    ClusterSpec,
    ClusterStatus,
    ClusterSummary,
    EncryptionKey,
    FirewallRule,
    FirewallRuleSpec,
    LegacyClusterSpec,
)
from insta_nb.service import ClusterRow, ClusterService

if TYPE_CHECKING:
    import pandas as pd

    from insta_nb.simulator import Simulator

__all__ = ["Session", "connect"]

log = logging.getLogger("insta_nb")
T = TypeVar("T")


class Session:
    """One account's clusters, through the shared request engine."""

    def __init__(
        self,
        client: ApiClient,
        runner: EngineRunner,
        service_settings: ServiceSettings | None = None,
        *,
        simulator: Simulator | None = None,
    ) -> None:
        self.client = client
        self.runner = runner
        self.simulator = simulator
        self.service = ClusterService(
            client, runner.engine, service_settings, clock=runner.engine.clock
        )
        self._cells = CellOwners(on_rerun=runner.cancel_owner)
        self.sync = SyncSession(self)

    # --- identity -----------------------------------------------------------------------

    @property
    def is_simulated(self) -> bool:
        """True when talking to a simulator (embedded, or served on loopback).

        No real Instaclustr API lives on this machine's loopback interface, so a
        loopback URL is a simulator too (``scripts/lab`` serves one there).
        """
        return self.simulator is not None or _is_loopback(self.client.api_url)

    @property
    def read_only(self) -> bool:
        return self.client.read_only

    def __repr__(self) -> str:
        target = "embedded simulator" if self.simulator else self.client.api_url
        mode = ", read-only" if self.read_only else ""
        return f"<insta_nb.Session {self.client.username}@{target}{mode}>"

    def owner(self) -> str | None:
        """The cell currently running (jobs it queues are cancelled if it re-runs)."""
        return self._cells.current

    async def _on_engine(self, fn: Callable[[], Awaitable[T]]) -> T:
        return await self.runner.on_loop(fn)

    # --- the API ------------------------------------------------------------------------

    async def list_clusters(self) -> list[ClusterSummary]:
        """Every cluster of the account."""
        owner = self.owner()
        return await self._on_engine(lambda: self.service.list_clusters(owner=owner))

    async def get_cluster(self, cluster_id: str) -> ClusterDetails:
        """One cluster's status, data centres and nodes."""
        owner = self.owner()
        return await self._on_engine(lambda: self.service.get_cluster(cluster_id, owner=owner))

    async def create_cluster(self, spec: ClusterSpec, *, force: bool = False) -> str:
        """Create a cluster (extended format) and return its id. Never creates it twice."""
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.create_cluster(spec, force=force, owner=owner)
        )

    async def create_cluster_legacy(self, spec: LegacyClusterSpec) -> str:
        """Create a cluster with the legacy request format and return its id."""
        owner = self.owner()
        return await self._on_engine(lambda: self.service.create_cluster_legacy(spec, owner=owner))

    async def delete_cluster(self, cluster_id: str) -> None:
        """Delete exactly ``cluster_id``. Widgets ask for confirmation; code is explicit."""
        owner = self.owner()
        await self._on_engine(lambda: self.service.delete_cluster(cluster_id, owner=owner))

    async def list_firewall_rules(self, cluster_id: str) -> list[FirewallRule]:
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.list_firewall_rules(cluster_id, owner=owner)
        )

    async def add_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None:
        owner = self.owner()
        await self._on_engine(lambda: self.service.add_firewall_rule(cluster_id, rule, owner=owner))

    async def delete_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None:
        owner = self.owner()
        await self._on_engine(
            lambda: self.service.delete_firewall_rule(cluster_id, rule, owner=owner)
        )

    async def list_encryption_keys(self) -> list[EncryptionKey]:
        owner = self.owner()
        return await self._on_engine(lambda: self.service.list_encryption_keys(owner=owner))

    async def add_encryption_key(self, alias: str, arn: str) -> str:
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.add_encryption_key(alias, arn, owner=owner)
        )

    async def delete_encryption_key(self, key_id: str) -> None:
        owner = self.owner()
        await self._on_engine(lambda: self.service.delete_encryption_key(key_id, owner=owner))

    async def wait_for_status(
        self,
        cluster_id: str,
        target: ClusterStatus = ClusterStatus.RUNNING,
        *,
        timeout: float = 2400.0,
        on_progress: Callable[[ClusterDetails], None] | None = None,
    ) -> ClusterDetails:
        """Wait until the cluster reaches ``target`` (default RUNNING)."""
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.wait_for_status(
                cluster_id, target, timeout=timeout, on_progress=on_progress, owner=owner
            )
        )

    # --- state for views and exports ----------------------------------------------------

    def rows(self) -> list[ClusterRow]:
        """What the inventory knows now (no request)."""
        return self.service.rows()

    def dataframe(self) -> pd.DataFrame:
        """The inventory as a pandas DataFrame (a copy)."""
        from insta_nb.frame import clusters_frame

        return clusters_frame(self.service.rows())

    def engine_snapshot(self) -> EngineSnapshot:
        """Queue, pacing and outage state of the shared engine."""
        return self.runner.snapshot()

    def cancel_queued(self, owner: str) -> None:
        """Cancel ``owner``'s jobs that are still queued."""
        self.runner.cancel_owner(owner)

    def close(self) -> None:
        """Stop watching and release the HTTP client."""
        self._cells.close()

        async def shutdown() -> None:
            await self.service.aclose()
            await self.client.aclose()

        self.runner.on_loop_sync(shutdown, timeout=10)


class SyncSession:
    """The same calls as :class:`Session`, blocking until done (``session.sync``).

    A kernel interrupt cancels a queued job; it is an error to call these from the
    engine's own thread (use ``await`` there).
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._session, name)
        if not callable(method) or name.startswith("_"):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            if self._session.runner.thread.in_loop_thread():
                # Refuse before making the coroutine, which would then never be awaited.
                raise errors.UsageError(
                    f"session.sync.{name}() was called on the engine's own thread; "
                    "use the async API (await ...) there"
                )
            result = method(*args, **kwargs)
            if not hasattr(result, "__await__"):
                return result

            async def run() -> Any:
                return await result

            return self._session.runner.on_loop_sync(run)

        call.__name__ = name
        call.__doc__ = method.__doc__
        return call

    def __repr__(self) -> str:
        return f"<sync {self._session!r}>"


def connect(
    username: str | None = None,
    api_key: str | None = None,
    api_url: str | None = None,
    *,
    read_only: bool | None = None,
    interval: float | None = None,
    simulator: Simulator | bool | None = None,
) -> Session:
    """Connect to the Provisioning API, or to the embedded simulator.

    Credentials come from the arguments, then ``INSTACLUSTR_USERNAME``,
    ``INSTACLUSTR_API_KEY`` and ``INSTACLUSTR_API_URL``. With none configured (or with
    ``simulator=True``, or a :class:`~insta_nb.simulator.Simulator` instance), the
    session talks to an in-process simulator, and says so in its repr and every view.

    Args:
        interval: seconds between a response and the next request, machine-wide
            (default 2.5 s, the API's limit; ``INSTA_NB_INTERVAL`` sets it too). It is
            never lowered below 2.5 s for a real API; demos may lower it against a
            simulator. ``INSTA_NB_SIM_SPEED`` speeds up the embedded simulator.
    """
    if interval is None and os.environ.get("INSTA_NB_INTERVAL"):
        interval = float(os.environ["INSTA_NB_INTERVAL"])
    creds = None
    if not simulator:
        creds = Credentials.resolve(
            username=username, api_key=api_key, api_url=api_url, read_only=read_only
        )
    sim: Simulator | None = None
    if creds is None:
        if simulator is False:
            raise errors.ConfigurationError(
                "no Instaclustr credentials: set INSTACLUSTR_USERNAME and INSTACLUSTR_API_KEY"
            )
        sim, creds = _embedded_simulator(simulator, read_only, interval)
    host = urlsplit(creds.api_url).netloc or "api"
    settings = EngineSettings(budget_key=host if sim is None else "embedded-simulator")
    if interval is not None:
        if interval < DEFAULT_INTERVAL and sim is None and not _is_loopback(creds.api_url):
            log.warning(
                "insta_nb: an interval of %.2f s is below the API's limit; using %.1f s",
                interval,
                DEFAULT_INTERVAL,
            )
            interval = DEFAULT_INTERVAL
        settings = replace(settings.scaled(interval), budget_key=settings.budget_key)
    runner = shared_runner(settings)
    transport = sim.transport() if sim is not None else None
    client = ApiClient(creds, transport=transport, timeout=settings.request_timeout)
    service_settings = ServiceSettings().scaled(settings.interval / DEFAULT_INTERVAL)
    session = Session(client, runner, service_settings, simulator=sim)
    if sim is not None:
        log.warning(
            "insta_nb: no credentials configured: using the embedded simulator "
            "(nothing is provisioned for real)"
        )
    return session


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _embedded_simulator(
    simulator: Simulator | bool | None, read_only: bool | None, interval: float | None
) -> tuple[Simulator, Credentials]:
    from insta_nb.simulator import Simulator, SimulatorSettings

    if isinstance(simulator, Simulator):
        sim = simulator
    else:
        # Demos and tests speed the lifecycle up with INSTA_NB_SIM_SPEED; the embedded
        # simulator limits at the same interval the engine paces at.
        speed = float(os.environ.get("INSTA_NB_SIM_SPEED", "1"))
        limit = interval if interval is not None else DEFAULT_INTERVAL
        sim = Simulator(settings=SimulatorSettings(speed=speed, interval=limit))
    key = sim.credentials.read_only_key if read_only else sim.credentials.api_key
    creds = Credentials.resolve(
        username=sim.credentials.username, api_key=key, api_url=sim.url, read_only=bool(read_only)
    )
    assert creds is not None
    return sim, creds

"""The front door: ``connect()`` and the :class:`Session` it returns.

A session is the user's handle on one account (or on the embedded simulator). Its
methods are coroutines usable with top-level ``await`` in a cell or from any event
loop; ``session.sync`` offers the same calls blocking, each declared once (the blocking
twin is derived from the coroutine, fully typed). Either way the work runs on the
process's one engine thread, paced together with every other cell, widget and process
that talks to the same API host.

Each session keeps its own settings (pace, timeouts, retry budget): a later
``connect()`` never changes an earlier session. Views (widgets) use only what this
module exports: the session's methods, its observable state and the types below.

    >>> import insta_nb
    >>> session = insta_nb.connect()            # no credentials: embedded simulator
    >>> clusters = session.sync.list_clusters()
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import contextvars
import functools
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Collection, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload
from urllib.parse import urlsplit

from insta_nb import errors
from insta_nb.backend import Backend, CreateSpec
from insta_nb.backends import APIS, open_backend
from insta_nb.cells import CellOwners
from insta_nb.config import (
    DEFAULT_INTERVAL,
    ENV_SIM_SPEED,
    V2_DOCUMENTED_INTERVAL,
    EngineSettings,
    ServiceSettings,
    check_state_dir,
    number_from_env,
    resolve_api,
    resolve_interval,
    resolve_v2_pace,
)
from insta_nb.credentials import Credentials, Secret, mask
from insta_nb.engine import (
    BreakerState,
    Engine,
    EngineRunner,
    EngineSnapshot,
    JobInfo,
    JobKind,
    shared_runner,
)
from insta_nb.leak_guard import LeakGuard
from insta_nb.models import (
    ClusterDetails,
    ClusterStatus,
    ClusterSummary,
    EncryptionKey,
    FirewallRule,
    FirewallRuleSpec,
    LegacyClusterSpec,
    ResizeSpec,
)
from insta_nb.peering import PeeringStatus, VpcPeering, VpcPeeringSpec
from insta_nb.service import (
    ClusterRow,
    ClusterService,
    Operation,
    OperationState,
    ServiceEvent,
    Watch,
)

if TYPE_CHECKING:
    import pandas as pd

    from insta_nb.environment import (
        AsyncEnvironment,
        EnvironmentEntry,
        EventListener,
        SyncEnvironment,
        TeardownReport,
    )
    from insta_nb.environment_spec import EnvironmentSpec
    from insta_nb.simulator import Simulator

__all__ = [
    "BreakerState",
    "ClusterRow",
    "EngineSnapshot",
    "JobInfo",
    "JobKind",
    "Operation",
    "OperationState",
    "ServiceEvent",
    "Session",
    "SyncSession",
    "Watch",
    "connect",
]

log = logging.getLogger("insta_nb")
T = TypeVar("T")
#: The view a call is made for (see Session.owned_by); a context variable, so that it
#: belongs to one task on the engine loop and never leaks into another.
_view_owner: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "insta_nb_view_owner", default=None
)
P = ParamSpec("P")


class Session:
    """One account's clusters, through the shared request engine."""

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
        self.backend = backend
        self.runner = runner
        self.simulator = simulator
        self._engine = engine or runner.engine
        #: This session's own pacing, timeouts and retry budget.
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
        #: Clusters this session created and did not delete, named when it closes.
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

    def owner(self) -> str | None:
        """Who is asking: a view inside :meth:`owned_by`, else the cell running now.

        Jobs are cancelled with their owner: a re-run cell, a closed widget.
        """
        return _view_owner.get() or self._cells.current

    @contextlib.contextmanager
    def owned_by(self, owner: str) -> Iterator[None]:
        """Calls made inside belong to ``owner`` (a widget), in this task only."""
        token = _view_owner.set(owner)
        try:
            yield
        finally:
            _view_owner.reset(token)

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

    async def create_cluster(
        self, spec: CreateSpec, *, force: bool = False, adopt: bool = False
    ) -> str:
        """Create a cluster and return its id. Never creates it twice.

        ``spec`` is a :class:`~insta_nb.models.ClusterSpec` on v1 (the extended format)
        and a product spec such as :class:`~insta_nb.products.KafkaClusterSpec` on v2;
        the other kind is refused before anything is sent. A name that exists, or that
        any process on this machine is creating or has just created, is refused before
        anything is sent; ``adopt=True`` returns that cluster's id instead, ``force=True``
        creates another cluster of the same name.
        """
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.create_cluster(spec, force=force, adopt=adopt, owner=owner)
        )

    async def create_cluster_legacy(
        self, spec: LegacyClusterSpec, *, force: bool = False, adopt: bool = False
    ) -> str:
        """Create a cluster with the legacy request format and return its id."""
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.create_cluster_legacy(spec, force=force, adopt=adopt, owner=owner)
        )

    async def delete_cluster(self, cluster_id: str) -> None:
        """Delete exactly ``cluster_id``. Widgets ask for confirmation; code is explicit."""
        owner = self.owner()
        await self._on_engine(lambda: self.service.delete_cluster(cluster_id, owner=owner))

    async def list_firewall_rules(self, cluster_id: str) -> list[FirewallRule]:
        """The cluster's firewall rules, each with its status."""
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.list_firewall_rules(cluster_id, owner=owner)
        )

    async def add_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None:
        """Allow ``rule`` on the cluster."""
        owner = self.owner()
        await self._on_engine(lambda: self.service.add_firewall_rule(cluster_id, rule, owner=owner))

    async def delete_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None:
        """Remove ``rule`` from the cluster."""
        owner = self.owner()
        await self._on_engine(
            lambda: self.service.delete_firewall_rule(cluster_id, rule, owner=owner)
        )

    async def list_encryption_keys(self) -> list[EncryptionKey]:
        """The encryption keys registered with the account."""
        owner = self.owner()
        return await self._on_engine(lambda: self.service.list_encryption_keys(owner=owner))

    async def add_encryption_key(self, alias: str, arn: str) -> str:
        """Register an AWS KMS key; returns its id."""
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.add_encryption_key(alias, arn, owner=owner)
        )

    async def delete_encryption_key(self, key_id: str) -> None:
        """Remove a registered key."""
        owner = self.owner()
        await self._on_engine(lambda: self.service.delete_encryption_key(key_id, owner=owner))

    async def wait_for_status(
        self,
        cluster_id: str,
        target: ClusterStatus = ClusterStatus.RUNNING,
        *,
        timeout: float = 2400.0,
        on_progress: Callable[[ClusterDetails], None] | None = None,
        backoff: bool = False,
    ) -> ClusterDetails:
        """Wait until the cluster reaches ``target`` (default RUNNING).

        The status is read every 5 s; ``backoff=True`` stretches the period by half at
        each read up to 30 s, for long waits that should spend fewer requests (a
        provisioning's 7 minutes: about 20 reads instead of 85).
        """
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.wait_for_status(
                cluster_id,
                target,
                timeout=timeout,
                on_progress=on_progress,
                owner=owner,
                backoff=backoff,
            )
        )

    # --- VPC peering and resize ---------------------------------------------------------

    async def create_vpc_peering(
        self, cluster_id: str, spec: VpcPeeringSpec, *, data_centre_id: str | None = None
    ) -> str:
        """Ask for a VPC peering from one of the cluster's data centres; returns its id.

        ``data_centre_id`` may be left out when the cluster has one data centre. The spec
        must be of that data centre's cloud (:class:`~insta_nb.peering.AwsVpcPeeringSpec`
        for AWS). An AWS peering then waits in ``pending-acceptance`` until the peer
        account accepts it: see :meth:`wait_for_vpc_peering`.
        """
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.peerings.create(
                cluster_id, spec, data_centre_id=data_centre_id, owner=owner
            )
        )

    async def list_vpc_peerings(self, cluster_id: str) -> list[VpcPeering]:
        """The peerings of every data centre of the cluster."""
        owner = self.owner()
        return await self._on_engine(lambda: self.service.peerings.list(cluster_id, owner=owner))

    async def get_vpc_peering(self, data_centre_id: str, peering_id: str) -> VpcPeering:
        """One peering, with its status."""
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.peerings.get(data_centre_id, peering_id, owner=owner)
        )

    async def delete_vpc_peering(self, data_centre_id: str, peering_id: str) -> None:
        """Delete exactly this peering. Widgets ask for confirmation; code is explicit."""
        owner = self.owner()
        await self._on_engine(
            lambda: self.service.peerings.delete(data_centre_id, peering_id, owner=owner)
        )

    async def wait_for_vpc_peering(
        self,
        data_centre_id: str,
        peering_id: str,
        *,
        until: Collection[PeeringStatus] = (PeeringStatus.ACTIVE,),
        timeout: float = 900.0,
    ) -> VpcPeering:
        """Wait until the peering's status is one of ``until`` (default: active).

        Pass ``until=(PeeringStatus.PENDING_ACCEPTANCE, PeeringStatus.ACTIVE)`` to stop
        once AWS waits for the peer side. A rejected, expired or failed peering raises
        :class:`~insta_nb.errors.InstaError`; ``timeout`` (15 minutes, as a community
        Terraform provider allows) raises ``DeadlineExceededError``.
        """
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.peerings.wait(
                data_centre_id, peering_id, until=until, timeout=timeout, owner=owner
            )
        )

    async def resize_data_centre(
        self,
        cluster_id: str,
        node_size: str,
        *,
        data_centre_id: str | None = None,
        concurrent_resizes: int = 1,
        notify_support_contacts: bool = False,
        node_purpose: str | None = None,
    ) -> None:
        """Start a rolling resize of a data centre's nodes to ``node_size``.

        Only sizes from :meth:`resize_sizes` are accepted; ``concurrent_resizes`` nodes
        are replaced at a time. Returns once the API accepted the resize; the cluster's
        row shows the progress (nodes at the new size) until it is done.
        """
        owner = self.owner()
        spec = ResizeSpec(node_size, concurrent_resizes, notify_support_contacts, node_purpose)
        await self._on_engine(
            lambda: self.service.resizes.resize(
                cluster_id, spec, data_centre_id=data_centre_id, owner=owner
            )
        )

    async def resize_sizes(self, cluster_id: str, data_centre_id: str | None = None) -> list[str]:
        """Node sizes the data centre may be resized to (empty: it cannot be resized)."""
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.resizes.sizes(cluster_id, data_centre_id, owner=owner)
        )

    # --- environments (a cluster, its rules and peerings as one unit) ---------------------

    def environment(
        self,
        spec: EnvironmentSpec,
        *,
        keep: bool = False,
        on_event: EventListener | None = None,
    ) -> AsyncEnvironment:
        """``async with session.environment(spec) as env:`` provisions, then tears down.

        Provisioning runs create → firewall rules → wait for the data centre → VPC
        peerings → wait RUNNING, reporting each step to ``on_event`` (on this loop).
        Teardown (peerings, then the cluster) always runs, whatever interrupts the block,
        and raises :class:`~insta_nb.errors.TeardownError` naming what it could not
        remove. ``keep=True`` leaves a provisioned environment up (``insta-nb env down``).
        See :mod:`insta_nb.environment.context` for interrupts.
        """
        from insta_nb.environment import AsyncEnvironment

        return AsyncEnvironment(self, spec, keep=keep, on_event=on_event)

    async def list_environments(self) -> list[EnvironmentEntry]:
        """Environments recorded on this machine for this account, with their status now."""
        from insta_nb.environment import list_environments

        return await self._on_engine(lambda: list_environments(self))

    async def teardown_environment(
        self, name: str, *, on_event: EventListener | None = None
    ) -> TeardownReport:
        """Remove the recorded environment ``name`` (made by any process): peerings, cluster."""
        from insta_nb.environment import teardown_environment

        return await self._on_engine(lambda: teardown_environment(self, name, on_event))

    def undeleted_clusters(self) -> dict[str, str]:
        """``{id: name}`` of clusters this session created and has not deleted (no request)."""
        return self._leaks.undeleted()

    # --- checks before sending (no request) ------------------------------------------------

    def validate_spec(
        self, spec: CreateSpec, *, encryption_key_ids: Collection[str] | None = None
    ) -> dict[str, str]:
        """What the API would refuse in ``spec``, by its field names (empty: valid)."""
        return self.backend.validate_spec(spec, encryption_key_ids=encryption_key_ids)

    def validate_firewall_rule(self, rule: FirewallRuleSpec) -> dict[str, str]:
        """What the API would refuse in ``rule``, by its field names (empty: valid)."""
        return self.backend.validate_firewall_rule(rule)

    def preview_create(self, spec: CreateSpec) -> Mapping[str, Any]:
        """The request body a create of ``spec`` would send."""
        return self.backend.preview_create(spec)

    def validate_vpc_peering(
        self, spec: VpcPeeringSpec, *, data_centre_network: str | None = None
    ) -> dict[str, str]:
        """What the API would refuse in a peering ``spec``, by its field names."""
        return self.backend.validate_vpc_peering(spec, data_centre_network=data_centre_network)

    def preview_vpc_peering(self, spec: VpcPeeringSpec) -> Mapping[str, Any]:
        """The request body a peering create of ``spec`` would send."""
        return self.backend.preview_vpc_peering(spec)

    # --- observable state for views and exports -------------------------------------------

    def rows(self) -> list[ClusterRow]:
        """What the inventory knows now (no request)."""
        return self.service.rows()

    def operations(self) -> list[Operation]:
        """Recent user actions and how they ended (no request)."""
        return list(self.service.operations)

    def last_refresh(self) -> tuple[float | None, str | None]:
        """Wall time of the last background refresh, and its error if it failed."""
        return self.service.last_refresh, self.service.last_refresh_error

    @property
    def listed(self) -> bool:
        """Whether the inventory holds a full list yet."""
        return self.service.inventory.listed_at is not None

    def now(self) -> float:
        """Wall time as the session's clock tells it."""
        return self._engine.clock.time()

    def dataframe(self) -> pd.DataFrame:
        """The inventory as a pandas DataFrame (a copy)."""
        from insta_nb.frame import clusters_frame

        return clusters_frame(self.service.rows())

    def subscribe(self, listener: Callable[[ServiceEvent], None]) -> Callable[[], None]:
        """Call ``listener(event)`` **on the engine thread** after each change.

        Views hop to their own thread (the widgets' bridge does). Returns ``unsubscribe``.
        """
        return self.service.subscribe(listener)

    def watch(self, detail_ids: Collection[str] = (), *, period: float | None = None) -> Watch:
        """Keep the inventory fresh until the returned watch's ``stop()``.

        A watch is one view's own: ``set_paused``, ``set_period`` and ``stop`` change
        only it. Call those on the engine thread (``session.call_soon``).
        """
        if self.runner.thread.in_loop_thread():
            return self.service.watch(detail_ids, period)

        async def start() -> Watch:
            return self.service.watch(detail_ids, period)

        return self.runner.on_loop_sync(start, timeout=10)

    def engine_snapshot(self) -> EngineSnapshot:
        """Queue, pacing and outage state of this session's engine."""
        return self.runner.snapshot(self._engine)

    def cancel_queued(self, owner: str) -> None:
        """Cancel ``owner``'s jobs that are still queued (thread-safe)."""
        self.runner.cancel_owner(owner)

    def cancel_job(self, job_id: int) -> None:
        """Cancel one queued job, as the queue view's Cancel button does (thread-safe)."""
        self.runner.cancel_job(job_id, self._engine)

    # --- the engine thread, for views -------------------------------------------------------

    def in_engine_thread(self) -> bool:
        return self.runner.thread.in_loop_thread()

    def call_soon(self, fn: Callable[[], object]) -> None:
        """Call ``fn()`` on the engine thread, fire and forget (thread-safe)."""
        self.runner.thread.loop.call_soon_threadsafe(fn)

    def schedule(self, fn: Callable[[], Awaitable[T]]) -> concurrent.futures.Future[T]:
        """Run ``fn()`` on the engine loop; a future to wait on from any thread."""
        return self.runner.thread.schedule(fn)

    def close(self) -> None:
        """Stop watching and release the HTTP client."""
        self._cells.close()
        self._leaks.warn("session closed")

        async def shutdown() -> None:
            await self.service.aclose()
            await self.backend.aclose()

        self.runner.on_loop_sync(shutdown, timeout=10)


class _Blocking(Generic[P, T]):
    """The blocking twin of a :class:`Session` coroutine method, typed from it."""

    def __init__(self, method: Callable[Concatenate[Session, P], Awaitable[T]]) -> None:
        self._method = method

    @overload
    def __get__(self, obj: None, owner: type[SyncSession]) -> _Blocking[P, T]: ...

    @overload
    def __get__(self, obj: SyncSession, owner: type[SyncSession]) -> Callable[P, T]: ...

    def __get__(
        self, obj: SyncSession | None, owner: type[SyncSession]
    ) -> _Blocking[P, T] | Callable[P, T]:
        if obj is None:
            return self
        session, method = obj._session, self._method

        @functools.wraps(method)
        def call(*args: P.args, **kwargs: P.kwargs) -> T:
            if session.runner.thread.in_loop_thread():
                raise errors.UsageError(
                    f"session.sync.{method.__name__}() was called on the engine's own "
                    "thread; use the async API (await ...) there"
                )

            async def run() -> T:
                return await method(session, *args, **kwargs)

            return session.runner.on_loop_sync(run)

        return call


def blocking(method: Callable[Concatenate[Session, P], Awaitable[T]]) -> _Blocking[P, T]:
    """Declare ``method``'s blocking twin on :class:`SyncSession`."""
    return _Blocking(method)


class SyncSession:
    """The same calls as :class:`Session`, blocking until done (``session.sync``).

    A kernel interrupt cancels a queued job; it is an error to call these from the
    engine's own thread (use ``await`` there).
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    list_clusters = blocking(Session.list_clusters)
    get_cluster = blocking(Session.get_cluster)
    create_cluster = blocking(Session.create_cluster)
    create_cluster_legacy = blocking(Session.create_cluster_legacy)
    delete_cluster = blocking(Session.delete_cluster)
    list_firewall_rules = blocking(Session.list_firewall_rules)
    add_firewall_rule = blocking(Session.add_firewall_rule)
    delete_firewall_rule = blocking(Session.delete_firewall_rule)
    list_encryption_keys = blocking(Session.list_encryption_keys)
    add_encryption_key = blocking(Session.add_encryption_key)
    delete_encryption_key = blocking(Session.delete_encryption_key)
    wait_for_status = blocking(Session.wait_for_status)
    create_vpc_peering = blocking(Session.create_vpc_peering)
    list_vpc_peerings = blocking(Session.list_vpc_peerings)
    get_vpc_peering = blocking(Session.get_vpc_peering)
    delete_vpc_peering = blocking(Session.delete_vpc_peering)
    wait_for_vpc_peering = blocking(Session.wait_for_vpc_peering)
    resize_data_centre = blocking(Session.resize_data_centre)
    resize_sizes = blocking(Session.resize_sizes)
    list_environments = blocking(Session.list_environments)
    teardown_environment = blocking(Session.teardown_environment)

    def environment(
        self,
        spec: EnvironmentSpec,
        *,
        keep: bool = False,
        on_event: EventListener | None = None,
    ) -> SyncEnvironment:
        """``with session.sync.environment(spec) as env:`` (see :meth:`Session.environment`).

        ``on_event`` is called on the engine thread. A ``KeyboardInterrupt`` stops
        provisioning and tears down; a second one while tearing down returns at once with
        a warning, the teardown going on in the background.
        """
        from insta_nb.environment import SyncEnvironment

        return SyncEnvironment(self._session, spec, keep=keep, on_event=on_event)

    def __repr__(self) -> str:
        return f"<sync {self._session!r}>"


def connect(
    username: str | None = None,
    api_key: str | Secret | None = None,
    api_url: str | None = None,
    *,
    read_only: bool | None = None,
    interval: float | None = None,
    simulator: Simulator | bool | None = None,
    api: str | None = None,
    v2_pace: str | None = None,
) -> Session:
    """Connect to an Instaclustr API (v1 or v2), or to the embedded simulator.

    Credentials come from the arguments, then ``INSTACLUSTR_USERNAME``,
    ``INSTACLUSTR_API_KEY`` and ``INSTACLUSTR_API_URL``. With none configured (or with
    ``simulator=True``, or a :class:`~insta_nb.simulator.Simulator` instance), the
    session talks to an in-process simulator, and says so in its repr and every view.

    Every session keeps its own settings; sessions to the same API host share its
    machine-wide budget, sessions to different hosts never disturb each other.

    Args:
        interval: seconds between a response and the next request (default 2.5 s, the
            API's limit; ``INSTA_NB_INTERVAL`` sets it too). It is never lowered below
            2.5 s for a real API; demos may lower it against a simulator.
            ``INSTA_NB_SIM_SPEED`` speeds up the embedded simulator.
        api: ``"v1"`` (the Provisioning API, the default) or ``"v2"`` (the Cluster
            Management API: create with a product spec from :mod:`insta_nb.products`);
            ``INSTACLUSTR_API`` sets it too.
        v2_pace: ``"shared"`` (default): v2 requests share the host's machine-wide budget
            with v1 sessions, as both APIs live on one host. ``"documented"``: the pace v2
            documents for itself (35 requests/s per user), a budget of its own.
            ``INSTA_NB_V2_PACE`` sets it too. A 429 pauses and slows down either way.
    """
    # First: from here on no frame holds the raw key (verbose tracebacks print locals).
    api_key = mask(api_key)
    interval = resolve_interval(interval)  # a bad value is refused naming its setting
    api = resolve_api(api, APIS)
    own_v2_budget = api == "v2" and resolve_v2_pace(v2_pace) == "documented"
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
    settings = _session_settings(creds, sim, interval, own_v2_budget=own_v2_budget)
    if settings.shared_slots:
        check_state_dir(settings.resolved_state_dir())
    runner = shared_runner(settings)
    engine = runner.engine_for(settings)
    backend = open_backend(
        api,
        creds,
        transport=sim.transport() if sim is not None else None,
        timeout=settings.request_timeout,
    )
    # Polls and reconciliation follow the interval a user chose, not v2's own fast pace.
    chosen = settings.interval if interval is not None or not own_v2_budget else DEFAULT_INTERVAL
    service_settings = ServiceSettings().scaled(chosen / DEFAULT_INTERVAL)
    session = Session(
        backend, runner, service_settings, engine=engine, pace=settings, simulator=sim
    )
    if sim is not None:
        log.warning(
            "insta_nb: no credentials configured: using the embedded simulator "
            "(nothing is provisioned for real)"
        )
    return session


def _session_settings(
    creds: Credentials,
    sim: Simulator | None,
    interval: float | None,
    *,
    own_v2_budget: bool = False,
) -> EngineSettings:
    """This session's own settings; the budget key names the host whose limit applies.

    v1 and v2 sessions to one host share its key (and so its machine-wide budget), unless
    ``own_v2_budget``: then v2 is paced as it documents for itself, per user.
    """
    floor = DEFAULT_INTERVAL
    if sim is not None:
        # An in-process simulator is a host of its own, reachable from this process only;
        # its one rate limit covers both APIs, so v2 shares it there too.
        settings = EngineSettings(budget_key=f"embedded-simulator-{id(sim)}", shared_slots=False)
    else:
        settings = EngineSettings(budget_key=urlsplit(creds.api_url).netloc or "api")
        if own_v2_budget:
            key = f"{settings.budget_key} v2 {creds.username}"
            floor = V2_DOCUMENTED_INTERVAL
            settings = replace(settings, budget_key=key, interval=floor)
    if interval is None:
        return settings
    real = sim is None and not _is_loopback(creds.api_url)
    if interval < floor and real:
        log.warning(
            "insta_nb: an interval of %.3f s is below the API's limit; using %.3f s",
            interval,
            floor,
        )
        interval = floor
    if real and own_v2_budget:
        return replace(settings, interval=interval)  # timeouts stay those of a real API
    return replace(settings.scaled(interval), budget_key=settings.budget_key)


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
        speed = number_from_env(ENV_SIM_SPEED) or 1.0
        limit = interval if interval is not None else DEFAULT_INTERVAL
        sim = Simulator(settings=SimulatorSettings(speed=speed, interval=limit))
    key = sim.credentials.read_only_key if read_only else sim.credentials.api_key
    creds = Credentials.resolve(
        username=sim.credentials.username, api_key=key, api_url=sim.url, read_only=bool(read_only)
    )
    assert creds is not None
    return sim, creds

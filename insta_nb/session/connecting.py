"""``connect()``: which API, which credentials (or the embedded simulator), which pace.

Settings are resolved here, once per session: arguments first, then the environment,
then defaults. A session's pace is its own; the budget key names the API host whose
rate limit applies, so sessions to one host share its machine-wide budget and sessions
to different hosts never disturb each other.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from insta_nb import errors
from insta_nb.backends import APIS, open_backend
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
from insta_nb.engine import shared_runner
from insta_nb.session.session import Session, _is_loopback

if TYPE_CHECKING:
    from insta_nb.simulator import Simulator

__all__ = ["connect"]

log = logging.getLogger("insta_nb")


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

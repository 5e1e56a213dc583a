"""Every default in one place, and the settings objects that carry them.

Stdlib only. Values are for the real API; tests and benchmarks scale ``interval``
down (e.g. 0.25 s) and every other time-based default is expressed relative to it
where that matters.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_INTERVAL",
    "EngineSettings",
    "ServiceSettings",
    "default_state_dir",
]

#: Where the real Provisioning API lives.
DEFAULT_API_URL = "https://api.instaclustr.com"
#: The API allows one request per 2.5 s per IP; we pace on response + interval.
DEFAULT_INTERVAL = 2.5
#: What Instaclustr's own clients use per request (Terraform provider, operator).
DEFAULT_REQUEST_TIMEOUT = 60.0
#: The API promises no more than "a few minutes" of outage: retry reads that long.
DEFAULT_RETRY_BUDGET = 300.0
#: Largest response body read (32 MiB): a list of 500 clusters is ~100 KiB and a cluster's
#: details a few KiB, so only a broken or hostile server comes near it (issue 10).
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024


def default_state_dir() -> Path:
    """Per-user directory for the shared slot file and the create journal.

    ``INSTA_NB_STATE_DIR`` overrides it (tests use a temporary directory).
    """
    override = os.environ.get("INSTA_NB_STATE_DIR")
    if override:
        return Path(override)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return Path(runtime) / "insta_nb"
    return Path.home() / ".cache" / "insta_nb"


@dataclass(frozen=True)
class EngineSettings:
    """How the request engine paces, retries and protects the API."""

    #: Minimum seconds between a response and the next send, machine-wide.
    interval: float = DEFAULT_INTERVAL
    #: Per-attempt timeout handed to the transport.
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    #: Total seconds an idempotent request keeps retrying through errors and outages.
    retry_budget: float = DEFAULT_RETRY_BUDGET
    #: Cap of a single backoff wait (full jitter below it).
    backoff_cap: float = 60.0
    #: While the API is unreachable, a queued job not sent after this long fails clearly
    #: (the API promises outages of "a few minutes"; an hour means something else).
    outage_queue_limit: float = 3600.0
    #: Consecutive connect errors / 5xx before the circuit breaker opens.
    breaker_threshold: int = 3
    #: Longest wait between two probes while the breaker is open.
    probe_cap: float = 60.0
    #: Multiplier applied to the interval after a 429 (AIMD "multiplicative increase").
    backoff_factor_429: float = 2.0
    #: Largest interval the 429 adaptation may reach.
    max_interval: float = 30.0
    #: Clean responses needed before the widened interval decays one step back.
    decay_after: int = 5
    #: A background job waiting this many slots is promoted one class (aging).
    aging_slots: int = 8
    #: Share the slot budget with every process of this user on this machine.
    shared_slots: bool = True
    #: Directory of the slot file (``None``: :func:`default_state_dir`).
    state_dir: Path | None = None
    #: Identifies the budget: one slot file per API host.
    budget_key: str = "api.instaclustr.com"

    def scaled(self, interval: float) -> EngineSettings:
        """The same policy at another interval, with time-based limits scaled alike.

        Benchmarks and loopback tests run at e.g. 0.25 s so that a run takes seconds.
        """
        k = interval / self.interval
        return replace(
            self,
            interval=interval,
            request_timeout=self.request_timeout * k,
            retry_budget=self.retry_budget * k,
            outage_queue_limit=self.outage_queue_limit * k,
            backoff_cap=self.backoff_cap * k,
            probe_cap=self.probe_cap * k,
            max_interval=self.max_interval * k,
        )

    def resolved_state_dir(self) -> Path:
        return self.state_dir if self.state_dir is not None else default_state_dir()


@dataclass(frozen=True)
class ServiceSettings:
    """How the service watches clusters and reconciles creates.

    Times are in seconds at the real API's pace; :meth:`scaled` shrinks them with the
    engine's interval for demos, tests and benchmarks.
    """

    #: Refresh period while something is changing (after a mutation, a cluster in transition).
    fast_poll: float = 5.0
    #: Refresh period when every cluster is steady (Instaclustr's own tools use 5–60 s).
    steady_poll: float = 30.0
    #: How long fast polling lasts after a mutation.
    fast_after_mutation: float = 120.0
    #: How long an ambiguous create is looked for by name before it is reported not created.
    reconcile_window: float = 180.0
    #: Period of the reconciling list calls.
    reconcile_every: float = 5.0
    #: A create of a name that any process of this machine created this recently is
    #: refused even if the API's list does not show the cluster yet.
    created_recently: float = 300.0

    def scaled(self, factor: float) -> ServiceSettings:
        return ServiceSettings(
            fast_poll=self.fast_poll * factor,
            steady_poll=self.steady_poll * factor,
            fast_after_mutation=self.fast_after_mutation * factor,
            reconcile_window=self.reconcile_window * factor,
            reconcile_every=self.reconcile_every * factor,
            created_recently=self.created_recently * factor,
        )

"""How the request engine paces, retries and protects the API: :class:`EngineSettings`."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

from insta_nb.config.defaults import (
    DEFAULT_INTERVAL,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_RETRY_BUDGET,
)
from insta_nb.config.env import check_interval
from insta_nb.config.state_dir import default_state_dir
from insta_nb.errors import ConfigurationError

__all__ = ["EngineSettings"]

#: Durations that may be zero or infinite (``inf``: no limit) but never NaN or negative.
_DURATIONS = (
    "request_timeout",
    "retry_budget",
    "backoff_cap",
    "outage_queue_limit",
    "probe_cap",
)


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

    def __post_init__(self) -> None:
        # A NaN compares false with every limit and an infinite interval never elapses:
        # either would leave the engine waiting forever on a busy loop.
        check_interval(self.interval, "EngineSettings.interval")
        check_interval(self.max_interval, "EngineSettings.max_interval")
        factor = self.backoff_factor_429
        if (
            isinstance(factor, bool)
            or not isinstance(factor, int | float)
            or not (math.isfinite(factor) and factor >= 1)
        ):
            raise ConfigurationError(
                f"EngineSettings.backoff_factor_429 must be a finite number >= 1, not {factor!r}"
            )
        for name in _DURATIONS:
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or math.isnan(value)
                or value < 0
            ):
                raise ConfigurationError(
                    f"EngineSettings.{name} must be a number of seconds >= 0, not {value!r}"
                )

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

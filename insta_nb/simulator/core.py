"""The simulator's shared parts, one object that the gate and the routes both hold."""

from __future__ import annotations

from insta_nb.clock import Clock
from insta_nb.models import ClusterStatus
from insta_nb.simulator.faults import FaultDice, Faults
from insta_nb.simulator.peering import PeeringBook
from insta_nb.simulator.ratelimit import ArrivalLimiter
from insta_nb.simulator.records import RequestRecord, SimulatorStats
from insta_nb.simulator.settings import SimulatorSettings
from insta_nb.simulator.state import ClusterStore

__all__ = ["SimulatorCore"]


class SimulatorCore:
    """Clock, settings, faults, limiter, account and observations of one simulator."""

    def __init__(self, clock: Clock, settings: SimulatorSettings, faults: Faults) -> None:
        self.clock = clock
        self.settings = settings
        #: Read at every request: a test may change it, or replace it, at any time.
        self.faults = faults
        self.dice = FaultDice(settings.seed)
        self.limiter = ArrivalLimiter(settings.interval, count_rejected=settings.count_rejected)
        self.store = ClusterStore(settings, self._final_statuses)
        self.peerings = PeeringBook(settings, self.store.new_id)
        self.log: list[RequestRecord] = []
        self.stats = SimulatorStats()
        #: Exceptions raised by a route (each answered with a JSON 500): always a bug.
        self.app_errors: list[BaseException] = []

    def now(self) -> float:
        """``clock.monotonic()``."""
        return self.clock.monotonic()

    def record(self, record: RequestRecord) -> None:
        """Log one request and count it."""
        self.log.append(record)
        self.stats.count(record)

    def _final_statuses(self, cluster_name: str, count: int) -> list[ClusterStatus]:
        faults = self.faults
        failing = self.dice.node_failures(faults, cluster_name, count)
        bad = ClusterStatus(faults.node_failure_status)
        return [bad if fails else ClusterStatus.RUNNING for fails in failing]

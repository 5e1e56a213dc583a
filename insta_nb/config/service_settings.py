"""How the service watches clusters and reconciles creates: :class:`ServiceSettings`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ServiceSettings"]


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
    #: Clusters read for the first time per refresh. A list names hundreds of clusters
    #: at once; reading every one before the next list (500 x 2.5 s: 21 minutes) would
    #: leave changing clusters unread for as long. What views show is read first.
    first_reads_per_refresh: int = 12

    def scaled(self, factor: float) -> ServiceSettings:
        return ServiceSettings(
            fast_poll=self.fast_poll * factor,
            steady_poll=self.steady_poll * factor,
            fast_after_mutation=self.fast_after_mutation * factor,
            reconcile_window=self.reconcile_window * factor,
            reconcile_every=self.reconcile_every * factor,
            created_recently=self.created_recently * factor,
            first_reads_per_refresh=self.first_reads_per_refresh,
        )

"""A session's cluster calls: list, read, create (never twice), delete, wait for a status.

Also the checks a create can make before sending anything, and the clusters this
session created and has not deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from insta_nb.backend import CreateSpec
from insta_nb.models import ClusterDetails, ClusterStatus, ClusterSummary, LegacyClusterSpec
from insta_nb.session.core import SessionCore

__all__ = ["ClusterCalls"]


class ClusterCalls(SessionCore):
    """Clusters of the account, through the shared request engine."""

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

    def undeleted_clusters(self) -> dict[str, str]:
        """``{id: name}`` of clusters this session created and has not deleted (no request)."""
        return self._leaks.undeleted()

    # --- checks before sending (no request) ------------------------------------------------

    def validate_spec(
        self, spec: CreateSpec, *, encryption_key_ids: Collection[str] | None = None
    ) -> dict[str, str]:
        """What the API would refuse in ``spec``, by its field names (empty: valid)."""
        return self.backend.validate_spec(spec, encryption_key_ids=encryption_key_ids)

    def preview_create(self, spec: CreateSpec) -> Mapping[str, Any]:
        """The request body a create of ``spec`` would send."""
        return self.backend.preview_create(spec)

"""The row a create shows from the moment its id is known until the API lists it."""

from __future__ import annotations

from insta_nb.backend import CreateSpec
from insta_nb.models import ClusterSpec, ClusterStatus, LegacyClusterSpec
from insta_nb.service.inventory import ClusterRow

__all__ = ["legacy_placeholder", "placeholder"]


def placeholder(spec: CreateSpec) -> ClusterRow:
    """A GENESIS row for ``spec``: a v1 extended spec or a v2 product spec."""
    if not isinstance(spec, ClusterSpec):
        dc = spec.first_data_centre
        return ClusterRow(
            id="",
            name=spec.cluster_name,
            status=ClusterStatus.GENESIS,
            node_count=spec.node_count,
            provider=dc.cloud_provider if dc is not None else None,
            region=dc.region if dc is not None else None,
            node_size=spec.node_size,
            sla_tier=spec.sla_tier,
        )
    racks = spec.rack_allocation
    return ClusterRow(
        id="",
        name=spec.cluster_name,
        status=ClusterStatus.GENESIS,
        node_count=racks.node_count if racks else 0,
        provider=spec.provider.name,
        region=spec.data_centre,
        node_size=spec.node_size,
        sla_tier=spec.sla_tier,
    )


def legacy_placeholder(spec: LegacyClusterSpec) -> ClusterRow:
    """A GENESIS row for a legacy-format create."""
    return ClusterRow(
        id="",
        name=spec.cluster_name,
        status=ClusterStatus.GENESIS,
        provider=spec.provider,
        region=spec.data_centre,
        node_size=spec.size,
    )

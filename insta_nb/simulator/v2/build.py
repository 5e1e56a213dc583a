"""From a v2 plan to the shared store's plan, and from a v1 cluster to v2 facts.

A v2 cluster is stored as a v1 :class:`~insta_nb.simulator.plan.ClusterPlan` of the
product's bundle, so that v1 reads (list, status, terraform-description) show it at
once [C OP: the operator reads ``GET /provisioning/v1/{v2 id}`` right after a create].
"""

from __future__ import annotations

from typing import Any

from insta_nb.simulator.layout import rack_names
from insta_nb.simulator.lifecycle import ClusterRec, DataCentreRec
from insta_nb.simulator.plan import BundlePlan, ClusterPlan, DataCentrePlan, NodePlan
from insta_nb.simulator.v2.common import catalogue_provider
from insta_nb.simulator.v2.plan import V2DataCentre, V2Plan
from insta_nb.simulator.v2.products import PRODUCTS, Product, product_of_bundle
from insta_nb.simulator.v2.registry import V2Cluster

__all__ = ["data_centre_echo", "node_roles", "store_plan", "v2_facts_of_v1"]


def _data_centre(dc: V2DataCentre) -> DataCentrePlan:
    racks = rack_names(catalogue_provider(dc.provider), dc.region, dc.racks)
    sizes = [group.size for group in dc.groups for _ in range(group.count)]
    nodes = tuple(NodePlan(racks[i % len(racks)], size) for i, size in enumerate(sizes))
    main = dc.groups[0].count
    return DataCentrePlan(
        region=dc.region,
        provider=dc.provider,
        network=dc.network,
        node_size=dc.node_size,
        nodes=nodes,
        rack_allocation=(dc.racks, max(1, -(-main // dc.racks))),
        name=dc.name,
        client_encryption=dc.client_encryption,
        password_authentication=dc.password_auth,
        user_authorization=dc.password_auth,
    )


def store_plan(plan: V2Plan) -> ClusterPlan:
    """The shared store's plan for a v2 create."""
    bundle = PRODUCTS[plan.app].bundle
    first = plan.data_centres[0]
    return ClusterPlan(
        name=plan.name,
        bundles=(BundlePlan(bundle, plan.version, plan.version),),
        data_centres=tuple(_data_centre(dc) for dc in plan.data_centres),
        provider={"name": first.provider},
        sla_tier=plan.sla_tier,
        pci=plan.pci,
        private_network=plan.private_network,
    )


def node_roles(plan: V2Plan, cluster: ClusterRec) -> dict[str, tuple[str, ...]]:
    """Node id → roles, in the order the groups were laid out."""
    roles: dict[str, tuple[str, ...]] = {}
    for dc_plan, dc in zip(plan.data_centres, cluster.data_centres, strict=True):
        per_node = [group.roles for group in dc_plan.groups for _ in range(group.count)]
        roles.update((node.id, role) for node, role in zip(dc.nodes, per_node, strict=True))
    return roles


def data_centre_echo(dc: DataCentreRec, now: float) -> dict[str, Any]:
    """What v2 echoes of a data centre it did not create (v1 create or add-DC)."""
    size = dc.resize_target(now) or (dc.nodes[0].size_at(now) if dc.nodes else dc.plan.node_size)
    return {
        "name": dc.name,
        "cloudProvider": dc.plan.provider,
        "region": dc.plan.region,
        "network": dc.plan.network,
        "nodeSize": size,
        "numberOfNodes": len(dc.nodes),
    }


def v2_facts_of_v1(cluster: ClusterRec, now: float) -> V2Cluster | None:
    """What v2 shows of a cluster created through v1 (``None``: no v2 product here).

    ``nodeSize`` is the size the data centre is going to: a resize's target while one
    runs (through either API), else the nodes' size now.
    """
    product: Product | None = product_of_bundle(cluster.plan.main_bundle.name)
    if product is None:
        return None
    plan = cluster.plan
    dcs = [data_centre_echo(dc, now) for dc in cluster.data_centres]
    echo: dict[str, Any] = {
        "name": plan.name,
        product.version_field: plan.main_bundle.version,
        "slaTier": plan.sla_tier,
        "privateNetworkCluster": plan.private_network,
        "pciComplianceMode": plan.pci,
        "dataCentres": dcs,
    }
    roles = {node.id: product.roles for dc in cluster.data_centres for node in dc.nodes}
    return V2Cluster(product.app, echo, roles)

"""The v2 route table: every path under ``/cluster-management/v2``, one route per path.

Paths are written without a trailing slash: the gate strips one from every request,
and SPEC and the operator spell them both ways [C SPEC, OP].
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from insta_nb.simulator.core import SimulatorCore
from insta_nb.simulator.v2.clusters import ClusterRoutes
from insta_nb.simulator.v2.context import V2Context
from insta_nb.simulator.v2.errors import V2_ROOT
from insta_nb.simulator.v2.firewall import FirewallRoutes
from insta_nb.simulator.v2.products import PRODUCTS
from insta_nb.simulator.v2.resize import ResizeRoutes
from insta_nb.simulator.v2.resize_operations import ResizeOperations
from insta_nb.simulator.v2.vpc_peers import VpcPeerRoutes

__all__ = ["v2_table"]

Endpoint = Callable[[Request], Awaitable[Response]]


def v2_table(core: SimulatorCore) -> dict[str, dict[str, Endpoint]]:
    """Path → method → endpoint, for every v2 route."""
    ctx = V2Context(core)
    clusters = ClusterRoutes(ctx)
    resize = ResizeRoutes(clusters)
    rules = FirewallRoutes(ctx)
    rules_root = f"{V2_ROOT}/resources/network-firewall-rules/v2"
    peers = VpcPeerRoutes(ctx)
    peers_root = f"{V2_ROOT}/resources/providers/aws/vpc-peers/v2"
    table: dict[str, dict[str, Endpoint]] = {
        f"{V2_ROOT}/data-sources/clusters/v2": {"GET": clusters.list_clusters},
        rules_root: {"POST": rules.create},
        rules_root + "/{rule_id}": {"GET": rules.get, "DELETE": rules.delete},
        f"{V2_ROOT}/data-sources/cluster/{{cluster_id}}/network-firewall-rules/v2": {
            "GET": rules.list_rules
        },
        peers_root: {"POST": peers.create},
        peers_root + "/{peer_id}": {"GET": peers.get, "PUT": peers.update, "DELETE": peers.delete},
        f"{V2_ROOT}/data-sources/providers/aws/vpc-peers/v2": {"GET": peers.list_peers},
        f"{V2_ROOT}/data-sources/cluster-data-centres/v2/{{cdc_id}}/resize/operations/v2": {
            "GET": ResizeOperations(ctx).operations
        },
    }
    for app in PRODUCTS:
        collection = f"{V2_ROOT}/resources/applications/{app}/clusters/v2"
        table[collection] = {"POST": clusters.create(app)}
        table[collection + "/{cluster_id}"] = {
            "GET": clusters.get(app),
            "PUT": resize.update(app),
            "DELETE": clusters.delete(app),
        }
    return table

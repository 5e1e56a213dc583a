"""What the Provisioning API v1 accepts, as data: providers, regions, racks, bundles,
versions and node sizes, plus the numeric limits of a create request.

Stdlib only. Shared by the client-side validation, the create form and the simulator
(which implements its own validation rules on top of this data). Values come from
``shared/api/instaclustr-provisioning-v1.md`` §5; the lists are samples of the real
catalogue, large enough to teach with and to accept every real fixture body.

Modules: ``providers`` (regions, racks, peer regions), ``limits`` (name, network, racks),
``bundles`` (versions, node sizes, add-ons, PCI), ``options`` (bundle options),
``firewall`` (rule types), ``resize`` (node purposes, size families).
"""

from __future__ import annotations

from insta_nb.catalog.bundles import (
    BUNDLES,
    NO_PCI_WITH,
    BundleInfo,
    addons_for,
    base_bundles,
    node_sizes,
    normalise_version,
)
from insta_nb.catalog.firewall import FIREWALL_RULE_KINDS, RULE_TYPES
from insta_nb.catalog.limits import (
    CLUSTER_NAME_MAX,
    CLUSTER_NAME_PATTERN,
    DEFAULT_CLUSTER_NETWORK,
    NETWORK_PREFIX_MAX,
    NETWORK_PREFIX_MIN,
    NODES_PER_RACK_MAX,
    NODES_PER_RACK_MIN,
    RACKS_MAX,
    RACKS_MIN,
    SLA_TIERS,
)
from insta_nb.catalog.options import BOOLEAN_OPTIONS, CHOICE_OPTIONS, INTEGER_OPTIONS
from insta_nb.catalog.providers import AWS_PEER_REGIONS, PROVIDERS, racks, regions
from insta_nb.catalog.resize import NODE_PURPOSES, NODE_PURPOSES_BY_BUNDLE, RESIZE_FAMILIES

__all__ = [
    "AWS_PEER_REGIONS",
    "BOOLEAN_OPTIONS",
    "BUNDLES",
    "CHOICE_OPTIONS",
    "CLUSTER_NAME_MAX",
    "CLUSTER_NAME_PATTERN",
    "DEFAULT_CLUSTER_NETWORK",
    "FIREWALL_RULE_KINDS",
    "INTEGER_OPTIONS",
    "NETWORK_PREFIX_MAX",
    "NETWORK_PREFIX_MIN",
    "NODES_PER_RACK_MAX",
    "NODES_PER_RACK_MIN",
    "NODE_PURPOSES",
    "NODE_PURPOSES_BY_BUNDLE",
    "NO_PCI_WITH",
    "PROVIDERS",
    "RACKS_MAX",
    "RACKS_MIN",
    "RESIZE_FAMILIES",
    "RULE_TYPES",
    "SLA_TIERS",
    "BundleInfo",
    "addons_for",
    "base_bundles",
    "node_sizes",
    "normalise_version",
    "racks",
    "regions",
]

"""Checks of single create-request fields, shared by both create formats and add-DC.

Each check records its problem under the field name it is given and returns the
normalised value, or ``None`` when the value is unusable.
"""

from __future__ import annotations

from collections.abc import Container

from insta_nb import catalog
from insta_nb.simulator.coerce import as_bool, as_int
from insta_nb.simulator.networks import cluster_network
from insta_nb.simulator.problems import Problems, show

__all__ = [
    "check_cluster_name",
    "check_disk_key",
    "check_flag",
    "check_network",
    "check_node_size",
    "check_rack_allocation",
    "check_region",
]


def check_cluster_name(value: object, problems: Problems, field: str = "clusterName") -> str:
    """Letters, digits, ``_`` and ``-``, starting with a letter or digit, at most 32."""
    if not isinstance(value, str) or not value:
        problems.add(field, "is required and must be a string")
        return ""
    if len(value) > catalog.CLUSTER_NAME_MAX:
        problems.add(field, f"must be at most {catalog.CLUSTER_NAME_MAX} characters")
    if catalog.CLUSTER_NAME_PATTERN.fullmatch(value) is None:
        problems.add(
            field, "may only contain letters, digits, '_' and '-', starting with a letter or digit"
        )
    return value


def check_flag(value: object, field: str, problems: Problems) -> bool:
    """A boolean that may come as ``"true"``/``"false"``; absent means false."""
    if value is None:
        return False
    flag = as_bool(value)
    if flag is None:
        problems.add(field, f"must be true or false, not {show(value)}")
        return False
    return flag


def check_region(value: object, provider: str | None, field: str, problems: Problems) -> str:
    """A region the provider offers (only checked against a known provider)."""
    if not isinstance(value, str) or not value:
        problems.add(field, "is required and must be a region name, e.g. US_WEST_2")
        return ""
    if provider and value not in catalog.regions(provider):
        problems.add(field, f"{show(value)} is not a region of {provider}")
    return value


def check_network(value: object, field: str, problems: Problems) -> str:
    """A cluster or data-centre network: private CIDR, /12 to /22."""
    net = cluster_network(value)
    if isinstance(net, str):
        problems.add(field, net)
        return ""
    return str(net)


def check_node_size(
    value: object, bundle: str | None, provider: str | None, field: str, problems: Problems
) -> str:
    """A node size offered for the base bundle on the provider."""
    if not isinstance(value, str) or not value:
        problems.add(field, "is required and must be a node size, e.g. t3.small-v2")
        return ""
    if bundle and provider and value not in catalog.node_sizes(bundle, provider):
        problems.add(field, f"{show(value)} is not a {bundle} node size on {provider}")
    return value


def check_rack_allocation(value: object, field: str, problems: Problems) -> tuple[int, int] | None:
    """``{numberOfRacks, nodesPerRack}``, numbers possibly sent as strings."""
    if not isinstance(value, dict):
        problems.add(field, "must be an object with numberOfRacks and nodesPerRack")
        return None
    racks, per_rack = as_int(value.get("numberOfRacks")), as_int(value.get("nodesPerRack"))
    ok = True
    if racks is None or not catalog.RACKS_MIN <= racks <= catalog.RACKS_MAX:
        problems.add(field, f"numberOfRacks must be {catalog.RACKS_MIN}–{catalog.RACKS_MAX}")
        ok = False
    low, high = catalog.NODES_PER_RACK_MIN, catalog.NODES_PER_RACK_MAX
    if per_rack is None or not low <= per_rack <= high:
        problems.add(field, f"nodesPerRack must be {low}–{high}")
        ok = False
    return (racks, per_rack) if ok and racks is not None and per_rack is not None else None


def check_disk_key(
    value: object, provider: str | None, keys: Container[str], field: str, problems: Problems
) -> str | None:
    """An encryption key id: AWS_VPC only, and registered with the account first."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        problems.add(field, "must be the id of a registered encryption key")
        return None
    if provider is not None and provider != "AWS_VPC":
        problems.add(field, "disk encryption keys are only available on AWS_VPC")
    if value not in keys:
        problems.add(field, f"{show(value)} is not a registered encryption key")
    return value

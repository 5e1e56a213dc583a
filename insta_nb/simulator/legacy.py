"""Validation of the legacy create format (``POST /provisioning/v1/``), Cassandra only.

The legacy body has a string ``provider``, a prefixed ``version``, a ``size`` and a
``region`` object whose booleans and rack node counts come as strings. It becomes the
same :class:`~insta_nb.simulator.plan.ClusterPlan` as an extended create.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import replace

from insta_nb import catalog
from insta_nb.simulator.bundles import BundleCheck
from insta_nb.simulator.coerce import as_int
from insta_nb.simulator.fields import (
    check_cluster_name,
    check_disk_key,
    check_flag,
    check_network,
    check_node_size,
    check_region,
)
from insta_nb.simulator.plan import BundlePlan, ClusterPlan, NodePlan
from insta_nb.simulator.problems import Problems, show
from insta_nb.simulator.rules import check_firewall_rules
from insta_nb.simulator.validation import data_centre_plan

__all__ = ["validate_legacy"]

_BUNDLE = "APACHE_CASSANDRA"
#: The legacy format names Azure ``AZURE``; the catalogue knows it as ``AZURE_AZ``.
_PROVIDERS = {"AWS_VPC": "AWS_VPC", "AZURE": "AZURE_AZ", "AZURE_AZ": "AZURE_AZ", "GCP": "GCP"}
_FLAGS = ("authnAuthz", "clientEncryption", "usePrivateBroadcastRPCAddress")


def _racks(
    value: object, provider: str | None, region: str, problems: Problems
) -> list[tuple[str, int]] | None:
    """``[{"name": "us-west-2a", "nodeCount": "2"}, ...]``; ``None`` means one per zone."""
    field = "region.rackAllocation"
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        problems.add(field, "must be a non-empty list of {name, nodeCount}")
        return []
    zones = catalog.racks(provider, region) if provider else ()
    racks: list[tuple[str, int]] = []
    for i, item in enumerate(value):
        name = item.get("name") if isinstance(item, dict) else None
        count = as_int(item.get("nodeCount")) if isinstance(item, dict) else None
        if not isinstance(name, str) or (zones and name not in zones):
            problems.add(
                field, f"[{i}].name {show(name)} is not a rack of {region or 'the region'}"
            )
        elif any(name == seen for seen, _ in racks):
            problems.add(field, f"[{i}].name {name} is given twice")
        low, high = catalog.NODES_PER_RACK_MIN, catalog.NODES_PER_RACK_MAX
        if count is None or not low <= count <= high:
            problems.add(field, f"[{i}].nodeCount must be {low}–{high}")
        if isinstance(name, str) and count is not None:
            racks.append((name, count))
    return racks


def _interleave(racks: list[tuple[str, int]], size: str) -> tuple[NodePlan, ...]:
    nodes: list[NodePlan] = []
    for turn in range(max(count for _, count in racks)):
        nodes.extend(NodePlan(name, size) for name, count in racks if turn < count)
    return tuple(nodes)


def validate_legacy(body: object, keys: Container[str]) -> ClusterPlan | Problems:
    """Validate a legacy create body."""
    problems = Problems()
    if not isinstance(body, dict):
        problems.add("body", "must be a JSON object")
        return problems
    name = check_cluster_name(body.get("clusterName"), problems)
    raw = body.get("provider")
    provider = _PROVIDERS.get(raw) if isinstance(raw, str) else None
    if provider is None:
        problems.add("provider", f"{show(raw)} is not one of {', '.join(_PROVIDERS)}")
    version = body.get("version")
    normal = catalog.normalise_version(_BUNDLE, version) if isinstance(version, str) else None
    if normal is None:
        known = ", ".join(catalog.BUNDLES[_BUNDLE].versions)
        problems.add("version", f"{show(version)} is not an available Cassandra version ({known})")
    size = check_node_size(body.get("size"), _BUNDLE, provider, "size", problems)
    if body.get("tags") is not None and not isinstance(body.get("tags"), dict):
        problems.add("tags", "must be an object")
    region = body.get("region")
    if not isinstance(region, dict):
        problems.add("region", "is required and must be an object")
        return problems
    dc = check_region(region.get("dataCentre"), provider, "region.dataCentre", problems)
    flags = {key: check_flag(region.get(key), f"region.{key}", problems) for key in _FLAGS}
    network = catalog.DEFAULT_CLUSTER_NETWORK
    if region.get("defaultNetwork") not in (None, ""):
        network = check_network(region.get("defaultNetwork"), "region.defaultNetwork", problems)
    firewall = check_firewall_rules(region.get("firewallRules"), "region.firewallRules", problems)
    disk_key = check_disk_key(
        region.get("diskEncryptionKey"), provider, keys, "region.diskEncryptionKey", problems
    )
    racks = _racks(region.get("rackAllocation"), provider, dc, problems)
    if problems or provider is None or normal is None:
        return problems
    bundle = BundlePlan(_BUNDLE, normal, str(version), flags)
    plan = data_centre_plan(
        BundleCheck((bundle,)),
        provider,
        dc,
        network,
        size,
        (len(catalog.racks(provider, dc)), 1),
        disk_key=disk_key,
    )
    if racks:
        counts = [count for _, count in racks]
        plan = replace(
            plan, nodes=_interleave(racks, size), rack_allocation=(len(racks), max(counts))
        )
    echo = {"name": raw, "accountName": body.get("account"), "diskEncryptionKey": disk_key}
    return ClusterPlan(
        name=name, bundles=(bundle,), data_centres=(plan,), provider=echo, firewall_rules=firewall
    )

"""The simulator's own validation of extended create bodies and add-data-centre bodies.

It checks a body against :mod:`insta_nb.catalog` and the rules of the API reference,
and either returns a :class:`~insta_nb.simulator.plan.ClusterPlan` or the
:class:`~insta_nb.simulator.problems.Problems` that name every offending field. It
never raises for bad input: any JSON value is either a plan or a list of problems.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from typing import Any

from insta_nb import catalog
from insta_nb.simulator.bundles import BundleCheck, check_bundles
from insta_nb.simulator.coerce import as_bool
from insta_nb.simulator.fields import (
    check_cluster_name,
    check_disk_key,
    check_flag,
    check_network,
    check_node_size,
    check_rack_allocation,
    check_region,
)
from insta_nb.simulator.layout import layout, rack_names
from insta_nb.simulator.plan import BundlePlan, ClusterPlan, DataCentrePlan
from insta_nb.simulator.problems import Problems, show
from insta_nb.simulator.rules import check_firewall_rules

__all__ = [
    "DataCentreDefaults",
    "cluster_defaults",
    "data_centre_plan",
    "validate_add_data_centre",
    "validate_create",
]

_TEXT_FIELDS = ("accountName", "customVirtualNetworkId", "resourceGroup")


@dataclass(frozen=True)
class _Provider:
    name: str | None
    echo: dict[str, Any] = field(default_factory=dict)
    disk_key: str | None = None


@dataclass(frozen=True)
class DataCentreDefaults:
    """What a data centre of a multi-DC request falls back on."""

    provider: str | None
    node_size: object
    rack_allocation: object
    check: BundleCheck | None
    disk_key: str | None = None
    private_ip_only: bool = False


def cluster_defaults(first: DataCentrePlan, bundles: tuple[BundlePlan, ...]) -> DataCentreDefaults:
    """What a data centre added to a cluster falls back on: the cluster's first one."""
    racks = first.rack_allocation
    rack = {"numberOfRacks": racks[0], "nodesPerRack": racks[1]} if racks else None
    return DataCentreDefaults(
        first.provider,
        first.node_size,
        rack,
        BundleCheck(bundles),
        first.encryption_key_id,
        first.private_ip_only,
    )


def _provider(value: object, keys: Container[str], problems: Problems) -> _Provider:
    if not isinstance(value, dict):
        problems.add("provider", "is required and must be an object with a name")
        return _Provider(None)
    name = value.get("name")
    if not isinstance(name, str) or name not in catalog.PROVIDERS:
        problems.add("provider.name", f"{show(name)} is not one of {', '.join(catalog.PROVIDERS)}")
        name = None
    for key in _TEXT_FIELDS:
        if value.get(key) is not None and not isinstance(value.get(key), str):
            problems.add(f"provider.{key}", "must be a string")
    tags = value.get("tags")
    if tags is not None and not (
        isinstance(tags, dict) and all(isinstance(v, str) for v in tags.values())
    ):
        problems.add("provider.tags", "must be an object of string values")
    disk_key = check_disk_key(
        value.get("diskEncryptionKey"), name, keys, "provider.diskEncryptionKey", problems
    )
    echo = {k: value.get(k) for k in ("name", *_TEXT_FIELDS, "tags", "diskEncryptionKey")}
    return _Provider(name, echo, disk_key)


def _size_and_count(
    check: BundleCheck, node_size: object, rack: object, problems: Problems
) -> tuple[str, tuple[int, int] | None]:
    """The rack-allocated node size and the rack allocation, checked for this bundle."""
    main = catalog.BUNDLES[check.main.name]
    size = check.data_node_size or ""
    if not main.sizes_in_options:
        size = node_size if isinstance(node_size, str) else ""
    if not main.supports_rack_allocation:
        if rack is not None:
            problems.add("rackAllocation", f"'rackAllocation' is not supported in {main.name}")
        return size, None
    if rack is None:
        # Reference §2.2: "needed by most bundles"; the client requires it too.
        problems.add("rackAllocation", "is required: give numberOfRacks and nodesPerRack")
        return size, None
    return size, check_rack_allocation(rack, "rackAllocation", problems)


def data_centre_plan(
    check: BundleCheck,
    provider: str,
    region: str,
    network: str,
    size: str,
    rack: tuple[int, int] | None,
    *,
    name: str | None = None,
    disk_key: str | None = None,
    private_ip_only: bool = False,
) -> DataCentrePlan:
    """A valid data centre: racks laid out, security flags taken from the bundle options."""
    if rack is None:
        racks = rack_names(provider, region, len(catalog.racks(provider, region)))
        count = check.node_count or len(racks)
    else:
        racks = rack_names(provider, region, rack[0])
        count = rack[0] * rack[1]
    auth = check.option("authnAuthz")
    return DataCentrePlan(
        region=region,
        provider=provider,
        network=network,
        node_size=size,
        nodes=layout(racks, count, size, check.extra_node_sizes),
        rack_allocation=rack,
        name=name,
        client_encryption=check.option("clientEncryption"),
        password_authentication=auth or check.option("passwordAuth"),
        user_authorization=auth,
        use_private_broadcast_rpc_address=check.option("usePrivateBroadcastRPCAddress"),
        private_ip_only=private_ip_only,
        encryption_key_id=disk_key,
    )


def _dc_request(
    item: object, defaults: DataCentreDefaults, keys: Container[str], problems: Problems
) -> DataCentrePlan | None:
    """One DataCentreRequest (multi-DC create entry or add-DC body); problems unprefixed."""
    if not isinstance(item, dict):
        problems.add("dataCentre", "a data centre must be an object")
        return None
    provider, disk_key = defaults.provider, defaults.disk_key
    if item.get("provider") is not None:
        sub = _provider(item.get("provider"), keys, problems)
        provider, disk_key = sub.name, sub.disk_key or disk_key
    check = defaults.check
    if item.get("bundles") is not None:
        check = check_bundles(item.get("bundles"), provider, problems)
        base = defaults.check.main.name if defaults.check else None
        if check is not None and base is not None and check.main.name != base:
            problems.add("bundles", f"a data centre must run the cluster's {base}")
    region = check_region(item.get("dataCentre"), provider, "dataCentre", problems)
    network = check_network(item.get("network"), "network", problems)
    # Free text (reference §2.4 gives no limit); empty means "the region", like absent.
    name = item.get("name") or None
    if name is not None and not isinstance(name, str):
        problems.add("name", "must be a string")
    node_size = item.get("nodeSize", defaults.node_size)
    rack = item.get("rackAllocation", defaults.rack_allocation)
    if check is None:
        # The bundles are unusable, but the other fields can still be judged on their own.
        if rack is not None:
            check_rack_allocation(rack, "rackAllocation", problems)
        if node_size is not None and not isinstance(node_size, str):
            problems.add("nodeSize", "must be a node size, e.g. t3.small-v2")
        return None
    blank = node_size is None or (isinstance(node_size, str) and not node_size.strip())
    if not catalog.BUNDLES[check.main.name].sizes_in_options or not blank:
        # Bundles sized in options (OpenSearch) ignore nodeSize, but one that is given
        # must still be a size of the bundle, as the client checks it.
        check_node_size(node_size, check.main.name, provider, "nodeSize", problems)
    size, allocation = _size_and_count(check, node_size, rack, problems)
    if problems or provider is None:
        return None
    return data_centre_plan(
        check,
        provider,
        region,
        network,
        size,
        allocation,
        name=name if isinstance(name, str) else None,
        disk_key=disk_key,
        private_ip_only=defaults.private_ip_only,
    )


def _overlaps(networks: list[str]) -> bool:
    nets = [IPv4Network(n) for n in networks]
    return any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])


def _multi_dc(
    value: object, defaults: DataCentreDefaults, keys: Container[str], problems: Problems
) -> tuple[DataCentrePlan, ...]:
    if not isinstance(value, list):
        problems.add("dataCentres", "must be a list of data centres")
        return ()
    main = defaults.check.main.name if defaults.check else None
    if main is not None and main != "APACHE_CASSANDRA" and len(value) > 1:
        text = (
            "Redis does not support multi-dc"
            if main == "REDIS"
            else f"{main} supports one data centre"
        )
        problems.add("dataCentres", text)
    plans: list[DataCentrePlan] = []
    for i, item in enumerate(value):
        sub = Problems()
        plan = _dc_request(item, defaults, keys, sub)
        for key, message in sub.fields.items():
            problems.add("dataCentres", f"dataCentres[{i}].{key}: {message}")
        if plan is not None:
            plans.append(plan)
    if len(plans) == len(value) and _overlaps([p.network for p in plans]):
        problems.add("dataCentres", "data centre networks must not overlap")
    names = [p.name for p in plans if p.name]
    if len(names) != len(set(names)):
        problems.add("dataCentres", "data centre names must be unique")
    return tuple(plans)


def _sla_tier(value: object, sizes: list[str], problems: Problems) -> str:
    if value is None:
        return "NON_PRODUCTION"
    if not isinstance(value, str) or value not in catalog.SLA_TIERS:
        problems.add("slaTier", f"{show(value)} is not one of {', '.join(catalog.SLA_TIERS)}")
        return "NON_PRODUCTION"
    if value == "PRODUCTION" and any("-DEV-" in s for s in sizes):
        problems.add("slaTier", "PRODUCTION is not available with developer node sizes")
    return value


def _pci_rules(pci: bool, provider: str | None, bundles: object, problems: Problems) -> None:
    """PCI rules, judged on the raw bundles so that they hold even when those are invalid."""
    if not pci:
        return
    field_ = "pciCompliantCluster"
    if provider is not None and provider != "AWS_VPC":
        problems.add(field_, "PCI compliance is only available on AWS_VPC")
    entries = [b for b in bundles if isinstance(b, dict)] if isinstance(bundles, list) else []
    names = {b.get("bundle") for b in entries}
    if names & set(catalog.NO_PCI_WITH):
        refused = " or ".join(catalog.NO_PCI_WITH)
        problems.add(field_, f"PCI compliance is not compatible with {refused}")
    options = entries[0].get("options") if entries else None
    options = options if isinstance(options, dict) else {}
    secure = all(as_bool(options.get(key)) is True for key in ("authnAuthz", "clientEncryption"))
    if entries and entries[0].get("bundle") == "APACHE_CASSANDRA" and not secure:
        problems.add(field_, "PCI compliance requires the authnAuthz and clientEncryption options")


def validate_create(body: object, keys: Container[str]) -> ClusterPlan | Problems:
    """Validate an extended create body (``POST /provisioning/v1/extended/``)."""
    problems = Problems()
    if not isinstance(body, dict):
        problems.add("body", "must be a JSON object")
        return problems
    name = check_cluster_name(body.get("clusterName"), problems)
    provider = _provider(body.get("provider"), keys, problems)
    check = check_bundles(body.get("bundles"), provider.name, problems)
    private = check_flag(body.get("privateNetworkCluster"), "privateNetworkCluster", problems)
    pci = check_flag(body.get("pciCompliantCluster"), "pciCompliantCluster", problems)
    custom_name = body.get("dataCentreCustomName")
    if custom_name is not None and not isinstance(custom_name, str):
        problems.add("dataCentreCustomName", "must be a string")
    defaults = DataCentreDefaults(
        provider.name,
        body.get("nodeSize"),
        body.get("rackAllocation"),
        check,
        provider.disk_key,
        private,
    )
    dcs_value = body.get("dataCentres")
    if dcs_value is None or dcs_value == []:
        # A single-DC body is a DataCentreRequest spelt with top-level names.
        single = {
            "dataCentre": body.get("dataCentre"),
            # Only an absent (or null) network means the default; "" is refused.
            "network": catalog.DEFAULT_CLUSTER_NETWORK
            if body.get("clusterNetwork") is None
            else body.get("clusterNetwork"),
            "name": custom_name if isinstance(custom_name, str) else None,
        }
        sub = Problems()
        plan = _dc_request(single, defaults, keys, sub)
        renames = {"network": "clusterNetwork", "name": "dataCentreCustomName"}
        for key, message in sub.fields.items():
            problems.add(renames.get(key, key), message)
        dcs: tuple[DataCentrePlan, ...] = (plan,) if plan is not None else ()
    else:
        dcs = _multi_dc(dcs_value, defaults, keys, problems)
    firewall = check_firewall_rules(body.get("firewallRules"), "firewallRules", problems)
    sizes = [n.size for dc in dcs for n in dc.nodes]
    if isinstance(body.get("nodeSize"), str):  # counted even where options size the nodes
        sizes.append(body["nodeSize"])
    sla = _sla_tier(body.get("slaTier"), sizes, problems)
    _pci_rules(pci, provider.name, body.get("bundles"), problems)
    two_factor = body.get("twoFactorDelete")
    if two_factor is not None and not isinstance(two_factor, dict):
        problems.add("twoFactorDelete", "must be an object")
    if problems or check is None or not dcs:
        if not problems:
            problems.add("dataCentre", "is required")
        return problems
    return ClusterPlan(
        name=name,
        bundles=check.bundles,
        data_centres=dcs,
        provider=provider.echo,
        sla_tier=sla,
        pci=pci,
        private_network=private,
        firewall_rules=firewall,
        two_factor_delete=bool(two_factor),
    )


def validate_add_data_centre(
    body: object,
    defaults: DataCentreDefaults,
    existing_networks: list[str],
    existing_names: list[str],
    keys: Container[str],
) -> DataCentrePlan | Problems:
    """Validate an add-data-centre body against the cluster it joins."""
    problems = Problems()
    main = defaults.check.main.name if defaults.check else None
    if main == "REDIS":
        problems.add("dataCentre", "Redis does not support multi-dc")
        return problems
    if main is not None and main != "APACHE_CASSANDRA":
        problems.add("dataCentre", f"{main} supports one data centre")
        return problems
    plan = _dc_request(body, defaults, keys, problems)
    if plan is None:
        return problems
    if _overlaps([*existing_networks, plan.network]):
        problems.add("network", "must not overlap the networks of the cluster's data centres")
    if plan.name and plan.name in existing_names:
        problems.add("name", f"{show(plan.name)} is already a data centre of this cluster")
    return problems if problems else plan

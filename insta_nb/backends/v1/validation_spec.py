"""Client-side checks of an extended create request (:class:`~insta_nb.models.ClusterSpec`)
against :mod:`insta_nb.catalog`: bundles and options, sizes, tiers, racks, PCI and extras.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from insta_nb import catalog
from insta_nb.backends.v1.validation_fields import (
    _blank,
    _check_bool,
    _check_disk_key,
    _check_name,
    _check_private_network,
    _check_region,
    _check_version,
    _choices,
    _is_int,
    _Report,
    _show,
    _SpecFacts,
)
from insta_nb.backends.v1.validation_firewall import validate_firewall_rule
from insta_nb.backends.v1.wire_spec_bodies import SPEC_KEYS
from insta_nb.errors import ValidationError
from insta_nb.models import ClusterSpec


def _check_bundles(report: _Report, facts: _SpecFacts, bundles: object) -> None:
    if not isinstance(bundles, tuple | list) or not bundles:
        report.add("bundles", "Choose at least one bundle.")
        return
    for index, item in enumerate(bundles):
        field = f"bundles[{index}]"
        name = getattr(item, "bundle", None)
        if not isinstance(name, str) or name not in catalog.BUNDLES:
            message = "Choose a bundle." if _blank(name) else f"Unknown bundle {_show(name)}."
            report.add(f"{field}.bundle", message)
            continue
        info = catalog.BUNDLES[name]
        if name in facts.bundles:
            report.add(f"{field}.bundle", f"{name} is listed twice.")
        elif index == 0 and info.addon_of is not None:
            report.add(
                f"{field}.bundle", f"{name} is an add-on: put {_choices(info.addon_of)} first."
            )
        elif index == 0:
            facts.base = name
        elif info.addon_of is None:
            report.add(f"{field}.bundle", f"Only one main bundle: {name} cannot be an add-on.")
        elif facts.base is not None and facts.base not in info.addon_of:
            report.add(f"{field}.bundle", f"{name} goes only with {_choices(info.addon_of)}.")
        facts.bundles.append(name)
        _check_version(report, f"{field}.version", name, getattr(item, "version", None))
        options = getattr(item, "options", None)
        if options is not None and not isinstance(options, Mapping):
            report.add(f"{field}.options", "Options must map names to values.")
        elif options:
            _check_typed_options(report, f"{field}.options", name, options)


def _check_typed_options(
    report: _Report, field: str, bundle: str, options: Mapping[Any, Any]
) -> None:
    """Options of a known type (catalog, reference §5.5); other keys pass untouched.

    Integer ranges (``catalog.INTEGER_OPTIONS``) are left to the API on purpose: the
    create form shows an API 400 next to its field with Redis ``masterNodes``.
    """
    for key in catalog.BOOLEAN_OPTIONS.get(bundle, ()):
        value = options.get(key)
        if key in options and not (
            isinstance(value, bool)
            or (isinstance(value, str) and value.strip().lower() in ("true", "false"))
        ):
            report.add(f"{field}.{key}", "Must be true or false.")
    for key, allowed in catalog.CHOICE_OPTIONS.get(bundle, {}).items():
        if key in options and options.get(key) not in allowed:
            report.add(f"{field}.{key}", f"Choose {_choices(allowed)}.")


def _option(spec: ClusterSpec, name: str) -> object:
    """An option of the main bundle, or ``None``."""
    bundles = spec.bundles
    if not isinstance(bundles, tuple | list) or not bundles:
        return None
    options = getattr(bundles[0], "options", None)
    return options.get(name) if isinstance(options, Mapping) else None


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _check_options(report: _Report, facts: _SpecFacts, spec: ClusterSpec) -> None:
    cassandra_with_spark = facts.base == "APACHE_CASSANDRA" and "SPARK" in facts.bundles
    if cassandra_with_spark and _truthy(_option(spec, "clientEncryption")):
        # Terraform's acceptance tests expect the API to refuse this combination.
        report.add(
            "bundles[0].options.clientEncryption",
            "Client encryption cannot be combined with SPARK.",
        )


def _check_node_size(report: _Report, facts: _SpecFacts, spec: ClusterSpec) -> None:
    base, provider = facts.base, facts.provider
    offered = catalog.node_sizes(base, provider) if base and provider else ()
    size = spec.node_size
    if base is not None and catalog.BUNDLES[base].sizes_in_options:
        field = "bundles[0].options.masterNodeSize"
        master = _option(spec, "masterNodeSize")
        if _blank(master):  # always required (reference §5.5), whatever nodeSize says
            report.add(field, "Choose a master node size.")
        elif not _blank(master) and offered and master not in offered:
            report.add(field, f"Not offered for {base} on {provider}.")
        if not _blank(size) and offered and size not in offered:
            report.add("nodeSize", f"Not offered for {base} on {provider}.")
        return
    if _blank(size):
        report.add("nodeSize", "Choose a node size.")
    elif not isinstance(size, str):
        report.add("nodeSize", "Choose a node size from the list.")
    elif offered and size not in offered:
        report.add("nodeSize", f"Not offered for {base} on {provider}.")


def _sizes_in_use(spec: ClusterSpec) -> list[str]:
    sizes = [spec.node_size, _option(spec, "masterNodeSize"), _option(spec, "dataNodeSize")]
    return [s for s in sizes if isinstance(s, str)]


def _check_sla_tier(report: _Report, spec: ClusterSpec) -> None:
    tier = spec.sla_tier
    if not isinstance(tier, str) or tier not in catalog.SLA_TIERS:
        report.add("slaTier", f"Choose {' or '.join(catalog.SLA_TIERS)}.")
    elif tier == "PRODUCTION" and any("-DEV-" in s.upper() for s in _sizes_in_use(spec)):
        report.add("slaTier", "PRODUCTION is not available with developer (-DEV-) node sizes.")


def _check_racks(report: _Report, facts: _SpecFacts, spec: ClusterSpec) -> None:
    racks = spec.rack_allocation
    if facts.base is not None and not catalog.BUNDLES[facts.base].supports_rack_allocation:
        if racks is not None:
            report.add("rackAllocation", f"{facts.base} takes no rack allocation: remove it.")
        return
    if racks is None:
        if facts.base is not None:
            report.add("rackAllocation", "Set the number of racks and nodes per rack.")
        return
    limits = (
        ("numberOfRacks", "number_of_racks", catalog.RACKS_MIN, catalog.RACKS_MAX, "racks"),
        (
            "nodesPerRack",
            "nodes_per_rack",
            catalog.NODES_PER_RACK_MIN,
            catalog.NODES_PER_RACK_MAX,
            "nodes per rack",
        ),
    )
    for key, attribute, low, high, noun in limits:
        value = getattr(racks, attribute, None)
        if not _is_int(value):
            report.add(f"rackAllocation.{key}", "Enter a whole number.")
        elif not low <= value <= high:
            report.add(f"rackAllocation.{key}", f"Use {low} to {high} {noun}.")


def _check_pci(report: _Report, facts: _SpecFacts, spec: ClusterSpec) -> None:
    pci = spec.pci_compliant_cluster
    if not isinstance(pci, bool):
        report.add("pciCompliantCluster", "Must be true or false.")
    elif pci and facts.provider is not None and facts.provider != "AWS_VPC":
        report.add("pciCompliantCluster", "PCI compliance is only available on AWS_VPC.")
    elif pci and any(b in facts.bundles for b in catalog.NO_PCI_WITH):
        report.add(
            "pciCompliantCluster", "PCI compliance cannot be combined with SPARK or ZEPPELIN."
        )


def _check_provider(report: _Report, facts: _SpecFacts, provider: object) -> None:
    name = getattr(provider, "name", None)
    if isinstance(name, str) and name in catalog.PROVIDERS:
        facts.provider = name
    else:
        report.add("provider.name", f"Choose {_choices(catalog.PROVIDERS)}.")


def validate_spec(
    spec: ClusterSpec, *, encryption_key_ids: Collection[str] | None = None
) -> dict[str, str]:
    """Problems with an extended create request, keyed by API field name; ``{}`` if valid.

    Args:
        spec: The request to check.
        encryption_key_ids: Ids of the account's registered keys. When given,
            ``provider.diskEncryptionKey`` must be one of them.
    """
    report = _Report()
    facts = _SpecFacts()
    with report.guard("clusterName"):
        _check_name(report, "clusterName", spec.cluster_name)
    with report.guard("provider.name"):
        _check_provider(report, facts, spec.provider)
    with report.guard("dataCentre"):
        _check_region(report, facts, "dataCentre", spec.data_centre)
    with report.guard("bundles"):
        _check_bundles(report, facts, spec.bundles)
    with report.guard("bundles[0].options"):
        _check_options(report, facts, spec)
    with report.guard("nodeSize"):
        _check_node_size(report, facts, spec)
    with report.guard("slaTier"):
        _check_sla_tier(report, spec)
    with report.guard("clusterNetwork"):
        if spec.cluster_network is not None:
            _check_private_network(report, "clusterNetwork", spec.cluster_network)
    with report.guard("rackAllocation"):
        _check_racks(report, facts, spec)
    with report.guard("privateNetworkCluster"):
        _check_bool(report, "privateNetworkCluster", spec.private_network_cluster)
    with report.guard("pciCompliantCluster"):
        _check_pci(report, facts, spec)
    with report.guard("provider.diskEncryptionKey"):
        key = getattr(spec.provider, "disk_encryption_key", None)
        _check_disk_key(report, facts, key, encryption_key_ids, "provider.diskEncryptionKey")
    with report.guard("firewallRules"):
        rules = spec.firewall_rules
        if not isinstance(rules, tuple | list):
            report.add("firewallRules", "Expected a list of firewall rules.")
            rules = ()
        for index, rule in enumerate(rules):
            report.merge(f"firewallRules[{index}]", validate_firewall_rule(rule))
    with report.guard("extra"):
        _check_free_form(report, spec)
    return report.errors


# ``extra`` may not override a key the spec maps (wire_v1.SPEC_KEYS), or validation, the
# duplicate-name check and reconciliation would look at one request while the API
# receives another.


def _check_free_form(report: _Report, spec: ClusterSpec) -> None:
    """Fields no rule inspects must at least be sendable as JSON, and not shadow others."""
    extra = spec.extra if isinstance(spec.extra, Mapping) else {}
    for key in extra:
        if key in SPEC_KEYS:
            report.add(f"extra.{key}", "Set this through the spec's own field, not extra.")
    values: list[tuple[str, object]] = [("extra", dict(extra))]
    for index, bundle in enumerate(spec.bundles if isinstance(spec.bundles, tuple | list) else ()):
        values.append((f"bundles[{index}].options", getattr(bundle, "options", {})))
    values.append(("provider.tags", getattr(spec.provider, "tags", {})))
    values.append(("dataCentreCustomName", spec.data_centre_custom_name))
    for field, value in values:
        try:
            json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError, UnicodeEncodeError) as exc:
            report.add(field, f"Cannot be sent as JSON ({type(exc).__name__}).")
        else:
            if field == "provider.tags" and not isinstance(value, Mapping):
                report.add(field, "Expected a mapping of tag names to values.")


def check_spec(spec: ClusterSpec, *, encryption_key_ids: Collection[str] | None = None) -> None:
    """Raise :class:`ValidationError` (with ``field_errors``) if the spec has problems."""
    problems = validate_spec(spec, encryption_key_ids=encryption_key_ids)
    if problems:
        raise ValidationError(problems)

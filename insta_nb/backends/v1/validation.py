"""Client-side checks of create requests and firewall rules, against :mod:`insta_nb.catalog`.

Each ``validate_*`` function returns ``{field: message}`` with fields spelled as the API
spells them (``clusterName``, ``bundles[1].version``, ``rackAllocation.nodesPerRack``,
``firewallRules[0].network``…), so a form can show each message next to its field and
API 400 bodies map onto the same names. An empty dict means valid. Messages are short
and say what to do.

These functions never raise, whatever they are given (wrong types, control characters,
huge strings): a rule that cannot run reports :data:`UNCHECKED` for its field instead.
The ``check_*`` functions raise :class:`~insta_nb.errors.ValidationError` instead.
"""

from __future__ import annotations

import ipaddress
import json
import re
import reprlib
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeGuard

from insta_nb import catalog
from insta_nb.backends.v1.wire import SPEC_KEYS
from insta_nb.errors import ValidationError
from insta_nb.models import ClusterSpec, FirewallRuleSpec, LegacyClusterSpec

__all__ = [
    "UNCHECKED",
    "check_firewall_rule",
    "check_legacy_spec",
    "check_spec",
    "validate_firewall_rule",
    "validate_legacy_spec",
    "validate_spec",
]

#: The message of a rule that could not run on a value (it never should).
UNCHECKED = "Could not check this value."

_SECURITY_GROUP = re.compile(r"sg-([0-9a-fA-F]{8}|[0-9a-fA-F]{17})")
#: Checked before ``ipaddress`` sees the text: ASCII digits only (``\d`` would take any
#: script's digits), no netmask form, nothing before or after.
_CIDR_SHAPE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}/[0-9]{1,2}")
_PRIVATE_RANGES = tuple(
    ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)
#: Longest text a rule parses; longer input is simply wrong.
_MAX_PARSED = 200
#: Legacy bodies name Azure ``AZURE``; the catalogue calls it ``AZURE_AZ``.
_LEGACY_PROVIDERS = {
    "AWS_VPC": "AWS_VPC",
    "AZURE": "AZURE_AZ",
    "AZURE_AZ": "AZURE_AZ",
    "GCP": "GCP",
}


class _Report:
    """Collects the first message per field."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def merge(self, prefix: str, errors: Mapping[str, str]) -> None:
        for field, message in errors.items():
            self.add(f"{prefix}.{field}", message)

    @contextmanager
    def guard(self, field: str) -> Iterator[None]:
        """Run one rule; if it breaks on odd input, report that instead of raising."""
        try:
            yield
        except Exception:
            self.add(field, UNCHECKED)


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 34
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 3
_REPR.maxlevel = 2


def _show(value: object) -> str:
    """A value as it may appear in a message: quoted, escaped and cut short."""
    try:
        return _REPR.repr(value)
    except Exception:  # a hostile __repr__
        return f"a {type(value).__name__}"


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _choices(values: Collection[str], limit: int = 8) -> str:
    """``a, b or c``; ``a, b, c and others`` past ``limit``."""
    items = list(values)
    if len(items) > limit:
        return ", ".join(items[:limit]) + " and others"
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- shared rules -----------------------------------------------------------------------------


def _check_name(report: _Report, field: str, name: object) -> None:
    if not isinstance(name, str) or not name.strip():
        report.add(field, "Enter a cluster name.")
    elif len(name) > catalog.CLUSTER_NAME_MAX:
        report.add(field, f"Use at most {catalog.CLUSTER_NAME_MAX} characters (now {len(name)}).")
    elif catalog.CLUSTER_NAME_PATTERN.fullmatch(name) is None:
        # fullmatch, not match: the catalogue's ``$`` would accept a trailing newline.
        report.add(field, "Use letters, digits, '_' and '-' only, starting with a letter or digit.")


def _parse_ipv4_network(value: object, example: str) -> tuple[ipaddress.IPv4Network | None, str]:
    """The network, or ``None`` and why not."""
    hint = f"Enter an IPv4 network in CIDR form, e.g. {example}."
    if not isinstance(value, str) or not value.strip():
        return None, hint
    if len(value) > _MAX_PARSED or _CIDR_SHAPE.fullmatch(value) is None:
        return None, "Use IPv4, not IPv6." if ":" in value[:_MAX_PARSED] else hint
    try:
        return ipaddress.IPv4Network(value, strict=True), ""
    except ValueError:
        pass
    try:
        loose = ipaddress.IPv4Network(value, strict=False)
    except ValueError:
        return None, f"Not a valid IPv4 network (e.g. {example})."
    return None, f"Host bits are set: use {loose}."


def _check_private_network(report: _Report, field: str, value: object) -> None:
    network, problem = _parse_ipv4_network(value, catalog.DEFAULT_CLUSTER_NETWORK)
    if network is None:
        report.add(field, problem)
    elif not catalog.NETWORK_PREFIX_MIN <= network.prefixlen <= catalog.NETWORK_PREFIX_MAX:
        report.add(
            field,
            f"Use a prefix from /{catalog.NETWORK_PREFIX_MIN} to /{catalog.NETWORK_PREFIX_MAX}.",
        )
    elif not any(network.subnet_of(r) for r in _PRIVATE_RANGES):
        report.add(field, "Use a private range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.")


def _check_bool(report: _Report, field: str, value: object) -> None:
    if not isinstance(value, bool):
        report.add(field, "Must be true or false.")


def _check_version(report: _Report, field: str, bundle: str, version: object) -> None:
    info = catalog.BUNDLES[bundle]
    if not isinstance(version, str) or not version.strip():
        report.add(field, "Choose a version.")
    elif len(version) > _MAX_PARSED or catalog.normalise_version(bundle, version) is None:
        report.add(field, f"Not a version of {bundle}; choose {_choices(info.versions)}.")


# --- firewall rules ---------------------------------------------------------------------------


def _firewall_rule(report: _Report, rule: Any) -> None:
    network = getattr(rule, "network", None)
    group = getattr(rule, "security_group_id", None)
    with report.guard("network"):
        if not _blank(network) and not _blank(group):
            report.add("network", "Give a network or a security group id, not both.")
        elif _blank(network) and _blank(group):
            report.add("network", "Give a network (CIDR) or a security group id.")
        elif not _blank(network):
            parsed, problem = _parse_ipv4_network(network, "203.0.113.7/32")
            if parsed is None:
                report.add("network", problem)
        elif not isinstance(group, str) or _SECURITY_GROUP.fullmatch(group) is None:
            report.add("securityGroupId", "Use sg- followed by 8 or 17 hex digits.")
    with report.guard("rules"):
        types = getattr(rule, "rule_types", None)
        if not isinstance(types, tuple | list) or not types:
            report.add("rules", "Choose at least one rule type.")
            return
        seen: set[str] = set()
        for index, kind in enumerate(types):
            field = f"rules[{index}].type"
            if _blank(kind):
                report.add(field, "Choose a rule type.")
            elif not isinstance(kind, str) or kind not in catalog.FIREWALL_RULE_KINDS:
                report.add(field, f"Unknown rule type {_show(kind)}.")
            elif kind in seen:
                report.add(field, f"{kind} is listed twice.")
            else:
                seen.add(kind)


def validate_firewall_rule(rule: FirewallRuleSpec) -> dict[str, str]:
    """Problems with one firewall rule, keyed ``network``, ``securityGroupId``, ``rules[i].type``.

    Exactly one of network (an IPv4 CIDR) and security group id must be given, with at
    least one known rule type.
    """
    report = _Report()
    with report.guard("network"):
        _firewall_rule(report, rule)
    return report.errors


def check_firewall_rule(rule: FirewallRuleSpec) -> None:
    """Raise :class:`ValidationError` if :func:`validate_firewall_rule` finds problems."""
    problems = validate_firewall_rule(rule)
    if problems:
        raise ValidationError(problems)


# --- extended create --------------------------------------------------------------------------


class _SpecFacts:
    """What earlier rules established, for later rules to build on."""

    def __init__(self) -> None:
        self.provider: str | None = None  # a catalogue provider, or None
        self.base: str | None = None  # the valid main bundle, or None
        self.bundles: list[str] = []  # every known bundle named


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


def _check_disk_key(
    report: _Report, facts: _SpecFacts, key: object, known: Collection[str] | None, field: str
) -> None:
    if key is None:
        return
    if not isinstance(key, str) or not key.strip():
        report.add(field, "Give the key's id, or leave it empty.")
    elif facts.provider is not None and facts.provider != "AWS_VPC":
        report.add(field, "Disk encryption keys are only available on AWS_VPC.")
    elif known is not None and key not in set(known):
        report.add(field, "No such key in this account: register it first.")


def _check_provider(report: _Report, facts: _SpecFacts, provider: object) -> None:
    name = getattr(provider, "name", None)
    if isinstance(name, str) and name in catalog.PROVIDERS:
        facts.provider = name
    else:
        report.add("provider.name", f"Choose {_choices(catalog.PROVIDERS)}.")


def _check_region(report: _Report, facts: _SpecFacts, field: str, region: object) -> None:
    if not isinstance(region, str) or not region.strip():
        report.add(field, "Choose a region.")
    elif facts.provider is not None and region not in catalog.regions(facts.provider):
        report.add(field, f"{_show(region)} is not a region of {facts.provider}.")


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


# --- legacy create ----------------------------------------------------------------------------


def _check_legacy_racks(report: _Report, facts: _SpecFacts, spec: LegacyClusterSpec) -> None:
    racks = spec.racks
    if not isinstance(racks, tuple | list) or not racks:
        report.add("region.rackAllocation", "Add at least one rack.")
        return
    if len(racks) > catalog.RACKS_MAX:
        report.add("region.rackAllocation", f"Use at most {catalog.RACKS_MAX} racks.")
    region = spec.data_centre
    known = (
        catalog.racks(facts.provider, region) if facts.provider and isinstance(region, str) else ()
    )
    seen: set[str] = set()
    for index, rack in enumerate(racks):
        field = f"region.rackAllocation[{index}]"
        name = getattr(rack, "name", None)
        if not isinstance(name, str) or not name.strip():
            report.add(f"{field}.name", "Name the rack (an availability zone).")
        elif known and name not in known:
            report.add(f"{field}.name", f"Not a rack of {region}; use {_choices(known)}.")
        elif name in seen:
            report.add(f"{field}.name", f"{name} is listed twice.")
        else:
            seen.add(name)
        count = getattr(rack, "node_count", None)
        low, high = catalog.NODES_PER_RACK_MIN, catalog.NODES_PER_RACK_MAX
        if not _is_int(count):
            report.add(f"{field}.nodeCount", "Enter a whole number.")
        elif not low <= count <= high:
            report.add(f"{field}.nodeCount", f"Use {low} to {high} nodes.")


def validate_legacy_spec(spec: LegacyClusterSpec) -> dict[str, str]:
    """Problems with a legacy create request (Cassandra only), keyed by legacy field names.

    Fields: ``clusterName``, ``provider``, ``version``, ``size``, ``region.dataCentre``,
    ``region.rackAllocation[i].name``/``.nodeCount``, ``region.defaultNetwork``,
    ``region.diskEncryptionKey`` and the ``region`` flags.
    """
    report = _Report()
    facts = _SpecFacts()
    bundle = "APACHE_CASSANDRA"
    with report.guard("clusterName"):
        _check_name(report, "clusterName", spec.cluster_name)
    with report.guard("provider"):
        provider = spec.provider
        if isinstance(provider, str) and provider in _LEGACY_PROVIDERS:
            facts.provider = _LEGACY_PROVIDERS[provider]
        else:
            report.add("provider", "Choose AWS_VPC, AZURE or GCP.")
    with report.guard("version"):
        _check_version(report, "version", bundle, spec.version)
    with report.guard("size"):
        offered = catalog.node_sizes(bundle, facts.provider) if facts.provider else ()
        if not isinstance(spec.size, str) or not spec.size.strip():
            report.add("size", "Choose a node size.")
        elif offered and spec.size not in offered:
            report.add("size", f"Not offered for {bundle} on {spec.provider}.")
    with report.guard("region.dataCentre"):
        _check_region(report, facts, "region.dataCentre", spec.data_centre)
    with report.guard("region.rackAllocation"):
        _check_legacy_racks(report, facts, spec)
    with report.guard("region.defaultNetwork"):
        if spec.default_network != "":
            _check_private_network(report, "region.defaultNetwork", spec.default_network)
    for field, attribute in (
        ("region.authnAuthz", "authn_authz"),
        ("region.clientEncryption", "client_encryption"),
        ("region.usePrivateBroadcastRPCAddress", "use_private_broadcast_rpc_address"),
    ):
        with report.guard(field):
            _check_bool(report, field, getattr(spec, attribute))
    with report.guard("region.diskEncryptionKey"):
        _check_disk_key(report, facts, spec.disk_encryption_key, None, "region.diskEncryptionKey")
    return report.errors


def check_legacy_spec(spec: LegacyClusterSpec) -> None:
    """Raise :class:`ValidationError` if :func:`validate_legacy_spec` finds problems."""
    problems = validate_legacy_spec(spec)
    if problems:
        raise ValidationError(problems)

"""A declarative environment: one cluster, its firewall rules and its VPC peerings.

An :class:`EnvironmentSpec` is what ``insta-nb env up FILE``, ``session.environment(spec)``
and the pytest plugin provision and tear down as one unit. It is usually read from TOML
(standard library ``tomllib``)::

    name = "ci"                                  # the environment's name (env down NAME)

    [cluster]                                    # the fields of insta_nb.ClusterSpec
    cluster_name = "ci_db"
    data_centre = "US_EAST_1"
    node_size = "t3.small-v2"
    cluster_network = "10.224.0.0/16"
    provider = "AWS_VPC"                         # or a table: {name = "AWS_VPC", tags = {...}}
    rack_allocation = { number_of_racks = 3, nodes_per_rack = 1 }
    bundles = [{ bundle = "APACHE_CASSANDRA", version = "4.0.1" }]

    [[firewall_rules]]                           # insta_nb.FirewallRuleSpec
    network = "203.0.113.10/32"
    rule_types = ["CASSANDRA"]

    [[peerings]]                                 # see environment_spec.peerings
    provider = "AWS"
    peer_vpc_id = "vpc-0a1b2c3d"
    peer_account_id = "123456789012"
    peer_subnets = ["10.1.0.0/16"]

    [timeouts]                                   # seconds (defaults: 2400 each)
    provisioned = 2400
    running = 2400

Keys mirror the Python dataclasses' field names. Reading checks every key's type and
shape and refuses unknown keys; whatever is wrong is reported at once in one
:class:`~insta_nb.errors.ValidationError` whose ``field_errors`` are keyed by the TOML key
(``cluster.rack_allocation.nodes_per_rack``, ``firewall_rules[1].network``). The API's own
rules (regions, sizes, versions) are checked again by the session before anything is sent,
with its messages mapped back onto the same keys (:func:`toml_key_for`).
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from insta_nb.environment_spec.peerings import PeeringReader, VpcPeeringSpec
from insta_nb.environment_spec.reader import Reader
from insta_nb.errors import ValidationError
from insta_nb.models import (
    BundleSpec,
    ClusterSpec,
    FirewallRuleSpec,
    ProviderSpec,
    RackAllocation,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "EnvironmentSpec",
    "load_environment",
    "toml_key_for",
]

#: Seconds allowed for each wait (the 40 minutes Instaclustr's Terraform provider allows).
DEFAULT_TIMEOUT = 2400.0
#: An environment's name: a file-name-safe word (it names the record ``env down`` reads).
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_TOP_KEYS = ("name", "cluster", "firewall_rules", "peerings", "timeouts")
_CLUSTER_KEYS = (
    "cluster_name",
    "bundles",
    "provider",
    "data_centre",
    "node_size",
    "sla_tier",
    "cluster_network",
    "private_network_cluster",
    "pci_compliant_cluster",
    "rack_allocation",
    "data_centre_custom_name",
    "extra",
)
_PROVIDER_KEYS = (
    "name",
    "account_name",
    "custom_virtual_network_id",
    "tags",
    "resource_group",
    "disk_encryption_key",
)
#: Longest TOML document read (a real one is a few hundred bytes).
_MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class EnvironmentSpec:
    """One cluster, the firewall rules added once it exists, and its VPC peerings.

    Provisioning runs create → rules → wait for the data centre (PROVISIONED, which is
    enough for peering) → peerings → wait RUNNING; teardown removes the peerings, then
    the cluster.
    """

    name: str
    cluster: ClusterSpec
    firewall_rules: tuple[FirewallRuleSpec, ...] = ()
    peerings: tuple[VpcPeeringSpec, ...] = ()
    #: Seconds to wait for the data centre to be PROVISIONED (peerings need it).
    provisioned_timeout: float = DEFAULT_TIMEOUT
    #: Seconds to wait for the cluster to be RUNNING once the peerings are requested.
    running_timeout: float = DEFAULT_TIMEOUT
    #: Where the spec was read from, for messages.
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            raise ValidationError(
                {
                    "name": "Use 1 to 64 letters, digits, '_', '-' or '.', starting with one "
                    "letter or digit."
                }
            )

    @classmethod
    def from_toml(cls, text: str | bytes, *, source: str = "") -> EnvironmentSpec:
        """Read a spec from TOML text; a :class:`ValidationError` names every bad key."""
        if isinstance(text, bytes):
            if len(text) > _MAX_BYTES:
                raise ValidationError({"(file)": f"Larger than {_MAX_BYTES} bytes."})
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValidationError(
                    {"(file)": f"Not UTF-8 text (byte {exc.start} is not valid)."}
                ) from None
        if len(text) > _MAX_BYTES:
            raise ValidationError({"(file)": f"Larger than {_MAX_BYTES} characters."})
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError({"(file)": f"Not valid TOML: {exc}"}) from None
        except RecursionError:
            raise ValidationError({"(file)": "Not valid TOML: nested too deeply."}) from None
        return cls.from_mapping(data, source=source)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str = "") -> EnvironmentSpec:
        """Read a spec from a mapping shaped like the TOML document."""
        top = Reader(data, "")
        if not isinstance(data, Mapping):
            raise ValidationError({"(file)": "Must be a table of keys."})
        top.refuse_unknown(_TOP_KEYS)
        name = top.string("name", required=True)
        cluster = _read_cluster(top.table("cluster", required=True))
        rules = tuple(_read_rule(r) for r in top.tables("firewall_rules"))
        peerings = tuple(PeeringReader(r).read() for r in top.tables("peerings"))
        timeouts = top.table("timeouts")
        provisioned = running = DEFAULT_TIMEOUT
        if timeouts is not None:
            timeouts.refuse_unknown(("provisioned", "running"))
            provisioned = timeouts.seconds("provisioned") or DEFAULT_TIMEOUT
            running = timeouts.seconds("running") or DEFAULT_TIMEOUT
        if cluster is None and top.ok("cluster"):
            top.fail("cluster", "Not a usable cluster.")  # never expected: named anyway
        top.raise_if_any()
        assert name is not None
        assert cluster is not None
        try:
            return cls(
                name=name,
                cluster=cluster,
                firewall_rules=tuple(r for r in rules if r is not None),
                peerings=tuple(p for p in peerings if p is not None),
                provisioned_timeout=provisioned,
                running_timeout=running,
                source=source,
            )
        except ValidationError:
            raise
        except (TypeError, ValueError) as exc:  # pragma: no cover - the reader checked types
            raise ValidationError({"(file)": str(exc)}) from None


def load_environment(path: str | Path) -> EnvironmentSpec:
    """Read an :class:`EnvironmentSpec` from a TOML file.

    Raises:
        ValidationError: the file cannot be read, is not TOML, or a key is wrong (each
            named in ``field_errors``).
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError({"(file)": f"Cannot read {path}: {exc.strerror or exc}"}) from None
    return EnvironmentSpec.from_toml(raw, source=str(path))


def toml_key_for(api_field: str, prefix: str = "cluster") -> str:
    """The TOML key of an API field name: ``rackAllocation.nodesPerRack`` →
    ``cluster.rack_allocation.nodes_per_rack``. Bundle options keep the API's spelling."""
    head, sep, options = api_field.partition(".options")
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", head).lower()
    return f"{prefix}.{snake}{sep}{options}" if prefix else f"{snake}{sep}{options}"


# --- the parts ---------------------------------------------------------------------------


def _read_cluster(table: Reader | None) -> ClusterSpec | None:
    if table is None:
        return None
    table.refuse_unknown(_CLUSTER_KEYS)
    name = table.string("cluster_name", required=True)
    data_centre = table.string("data_centre", required=True)
    provider = _read_provider(table)
    bundles = [_read_bundle(b) for b in table.tables("bundles", required=True)]
    if table.has("bundles") and not bundles and table.ok("bundles"):
        table.fail("bundles", "Give at least one bundle.")
    racks = table.table("rack_allocation")
    allocation = None
    if racks is not None:
        racks.refuse_unknown(("number_of_racks", "nodes_per_rack"))
        number = racks.integer("number_of_racks", required=True, low=1, high=100)
        per_rack = racks.integer("nodes_per_rack", required=True, low=1, high=1000)
        if number is not None and per_rack is not None:
            allocation = RackAllocation(number, per_rack)
    network = table.string("cluster_network")
    if network is not None:
        _check_cidr(table, "cluster_network", network)
    extra = table.table("extra")
    if not table.ok_all() or name is None or data_centre is None or provider is None:
        return None
    return ClusterSpec(
        cluster_name=name,
        bundles=tuple(b for b in bundles if b is not None),
        provider=provider,
        data_centre=data_centre,
        node_size=table.string("node_size"),
        sla_tier=table.string("sla_tier") or "NON_PRODUCTION",
        cluster_network=network,
        private_network_cluster=table.boolean("private_network_cluster") or False,
        pci_compliant_cluster=table.boolean("pci_compliant_cluster") or False,
        rack_allocation=allocation,
        data_centre_custom_name=table.string("data_centre_custom_name"),
        extra=dict(extra.data) if extra is not None else {},
    )


def _read_provider(table: Reader) -> ProviderSpec | None:
    if isinstance(table.data.get("provider"), str):
        name = table.string("provider", required=True)
        return ProviderSpec(name) if name else None
    provider = table.table("provider", required=True, also="or a provider name")
    if provider is None:
        return None
    provider.refuse_unknown(_PROVIDER_KEYS)
    name = provider.string("name", required=True)
    tags = provider.string_table("tags")
    if name is None or not provider.ok_all():
        return None
    return ProviderSpec(
        name=name,
        account_name=provider.string("account_name"),
        custom_virtual_network_id=provider.string("custom_virtual_network_id"),
        tags=tags or {},
        resource_group=provider.string("resource_group"),
        disk_encryption_key=provider.string("disk_encryption_key"),
    )


def _read_bundle(table: Reader) -> BundleSpec | None:
    table.refuse_unknown(("bundle", "version", "options"))
    bundle = table.string("bundle", required=True)
    version = table.string("version", required=True)
    options = table.table("options")
    if bundle is None or version is None:
        return None
    return BundleSpec(bundle, version, dict(options.data) if options is not None else {})


def _read_rule(table: Reader) -> FirewallRuleSpec | None:
    table.refuse_unknown(("network", "security_group_id", "rule_types"))
    network = table.string("network")
    group = table.string("security_group_id")
    kinds = table.strings("rule_types", required=True)
    if network is not None and group is not None:
        table.fail("network", "Give a network or a security_group_id, not both.")
    elif network is None and group is None and table.ok("network"):
        table.fail("network", "Give a network (CIDR) or a security_group_id.")
    elif network is not None:
        _check_cidr(table, "network", network)
    if kinds is not None and not kinds:
        table.fail("rule_types", 'Give at least one rule type, e.g. ["CASSANDRA"].')
    if not table.ok_all() or kinds is None:
        return None
    return FirewallRuleSpec(tuple(kinds), network=network, security_group_id=group)


def _check_cidr(table: Reader, key: str, text: str) -> None:
    try:
        ipaddress.IPv4Network(text, strict=True)
    except ValueError as exc:
        table.fail(key, f"Not an IPv4 CIDR such as 10.0.0.0/16 ({exc}).")
    else:
        if "/" not in text:
            table.fail(key, "Give the prefix length too, e.g. 10.0.0.0/16.")

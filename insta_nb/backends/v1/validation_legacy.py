"""Client-side checks of a legacy create request (:class:`~insta_nb.models.LegacyClusterSpec`,
Cassandra only), keyed by the legacy format's field names.
"""

from __future__ import annotations

from insta_nb import catalog
from insta_nb.backends.v1.validation_fields import (
    _check_bool,
    _check_disk_key,
    _check_name,
    _check_private_network,
    _check_region,
    _check_version,
    _choices,
    _is_int,
    _Report,
    _SpecFacts,
)
from insta_nb.errors import ValidationError
from insta_nb.models import LegacyClusterSpec

#: Legacy bodies name Azure ``AZURE``; the catalogue calls it ``AZURE_AZ``.
_LEGACY_PROVIDERS = {
    "AWS_VPC": "AWS_VPC",
    "AZURE": "AZURE_AZ",
    "AZURE_AZ": "AZURE_AZ",
    "GCP": "GCP",
}


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

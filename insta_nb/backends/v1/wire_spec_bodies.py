"""Request bodies written by others (e.g. for Terraform) → :mod:`insta_nb.models`: an
extended create body to a :class:`~insta_nb.models.ClusterSpec`, a firewall rule body to a
:class:`~insta_nb.models.FirewallRuleSpec`. Bad shapes raise ``ValidationError``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from insta_nb.backends.v1.wire_responses import _parse_rule_status
from insta_nb.backends.v1.wire_scalars import _bool, _int, _text
from insta_nb.errors import ValidationError
from insta_nb.models import (
    BundleSpec,
    ClusterSpec,
    FirewallRuleSpec,
    ProviderSpec,
    RackAllocation,
)


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _spec_object(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _invalid(field, "Expected a JSON object.")
    return value


def firewall_rule_from_json(body: Any) -> FirewallRuleSpec:
    """A :class:`FirewallRuleSpec` from a firewall rule request body. Unknown keys are ignored.

    Raises:
        ValidationError: The body is not shaped like a rule.
    """
    rule = _spec_object(body, "firewallRule")
    rules = rule.get("rules")
    if not isinstance(rules, list):
        raise _invalid("rules", "Expected a list of rule types.")
    types = []
    for index, item in enumerate(rules):
        status = _parse_rule_status(item)
        if status is None:
            raise _invalid(f"rules[{index}].type", "Expected a rule type.")
        types.append(status.type)
    return FirewallRuleSpec(
        rule_types=tuple(types),
        network=_text(rule.get("network")),
        security_group_id=_text(rule.get("securityGroupId")),
    )


def _nested_rule(index: int, body: Any) -> FirewallRuleSpec:
    try:
        return firewall_rule_from_json(body)
    except ValidationError as exc:
        raise ValidationError(
            {f"firewallRules[{index}].{k}": v for k, v in exc.field_errors.items()}
        ) from exc


#: Body keys a :class:`ClusterSpec` maps through its own fields (everything else is ``extra``).
SPEC_KEYS = frozenset(
    {
        "clusterName",
        "bundles",
        "provider",
        "slaTier",
        "nodeSize",
        "dataCentre",
        "dataCentreCustomName",
        "clusterNetwork",
        "privateNetworkCluster",
        "pciCompliantCluster",
        "rackAllocation",
        "firewallRules",
    }
)


def _rack_allocation_from_json(value: Any) -> RackAllocation | None:
    if value is None:
        return None
    racks = _spec_object(value, "rackAllocation")
    numbers = {}
    for key in ("numberOfRacks", "nodesPerRack"):
        number = _int(racks.get(key))
        if number is None:
            raise _invalid(f"rackAllocation.{key}", "Expected a whole number.")
        numbers[key] = number
    return RackAllocation(numbers["numberOfRacks"], numbers["nodesPerRack"])


def _spec_flag(spec: Mapping[str, Any], key: str) -> bool:
    """A flag of a create body: absent or null is false; "maybe" is refused, not false."""
    value = spec.get(key)
    flag = False if value is None else _bool(value)
    if flag is None:
        raise _invalid(key, 'Expected true or false (or "true"/"false").')
    return flag


def spec_from_json(body: Any) -> ClusterSpec:
    """A :class:`ClusterSpec` from an extended create body, e.g. one written for Terraform.

    String booleans and numbers are converted; top-level keys this toolkit does not model
    go to ``extra`` so that :func:`spec_to_json` sends them again. Keys inside ``provider``
    that :class:`~insta_nb.models.ProviderSpec` does not model are dropped.

    Raises:
        ValidationError: The body is not shaped like a create request.
    """
    spec = _spec_object(body, "body")
    bundles = spec.get("bundles")
    if not isinstance(bundles, list):
        raise _invalid("bundles", "Expected a list of bundles.")
    bundle_specs = []
    for index, item in enumerate(bundles):
        bundle = _spec_object(item, f"bundles[{index}]")
        options = bundle.get("options")
        options = {} if options is None else options
        if not isinstance(options, Mapping):
            raise _invalid(f"bundles[{index}].options", "Expected a JSON object.")
        bundle_specs.append(
            BundleSpec(
                bundle=_text(bundle.get("bundle")) or "",
                version=_text(bundle.get("version")) or "",
                options=dict(options),
            )
        )
    provider = _spec_object(spec.get("provider"), "provider")
    tags = provider.get("tags")
    tags = {} if tags is None else tags
    if not isinstance(tags, Mapping):
        raise _invalid("provider.tags", "Expected a JSON object.")
    rules = spec.get("firewallRules")
    rules = [] if rules is None else rules
    if not isinstance(rules, list):
        raise _invalid("firewallRules", "Expected a list of rules.")
    return ClusterSpec(
        cluster_name=_text(spec.get("clusterName")) or "",
        bundles=tuple(bundle_specs),
        provider=ProviderSpec(
            name=_text(provider.get("name")) or "",
            account_name=_text(provider.get("accountName")),
            custom_virtual_network_id=_text(provider.get("customVirtualNetworkId")),
            tags={str(k): str(v) for k, v in tags.items()},
            resource_group=_text(provider.get("resourceGroup")),
            disk_encryption_key=_text(provider.get("diskEncryptionKey")),
        ),
        data_centre=_text(spec.get("dataCentre")) or "",
        node_size=_text(spec.get("nodeSize")),
        sla_tier=_text(spec.get("slaTier")) or "NON_PRODUCTION",
        cluster_network=_text(spec.get("clusterNetwork")),
        private_network_cluster=_spec_flag(spec, "privateNetworkCluster"),
        pci_compliant_cluster=_spec_flag(spec, "pciCompliantCluster"),
        rack_allocation=_rack_allocation_from_json(spec.get("rackAllocation")),
        data_centre_custom_name=_text(spec.get("dataCentreCustomName")),
        firewall_rules=tuple(_nested_rule(i, r) for i, r in enumerate(rules)),
        extra={k: copy.deepcopy(v) for k, v in spec.items() if k not in SPEC_KEYS},
    )

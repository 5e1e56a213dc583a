"""The Provisioning API v1 wire format: paths, and JSON ↔ :mod:`insta_nb.models`.

This is the only module that knows v1 field names, so a v2 backend can sit beside it
without touching the engine, service or widgets.

Parsing is tolerant, as real v1 servers and their fakes are loose: unknown fields are
ignored (and kept in each model's ``raw``), ``null`` means absent, numbers and booleans
may arrive as strings, and ``cdcNetwork`` comes either as ``"10.224.0.0/16"`` or as
``{"network": "10.224.0.0", "prefixLength": 16}`` (normalised to the string form).
A body of the wrong *shape* (an object where a list belongs, an item without an id)
raises :class:`~insta_nb.errors.UnexpectedResponseError`, never ``KeyError`` or
``TypeError``. The client fills in the status, method and path of that error.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from insta_nb.errors import UnexpectedResponseError, ValidationError
from insta_nb.models import (
    BundleSpec,
    ClusterDetails,
    ClusterSpec,
    ClusterStatus,
    ClusterSummary,
    DataCentre,
    EncryptionKey,
    FirewallRule,
    FirewallRuleSpec,
    LegacyClusterSpec,
    Node,
    ProviderSpec,
    RackAllocation,
    RuleStatus,
)

__all__ = [
    "CREATE_EXTENDED_PATH",
    "CREATE_LEGACY_PATH",
    "ENCRYPTION_KEYS_PATH",
    "LIST_CLUSTERS_PATH",
    "check_path_id",
    "cluster_path",
    "encryption_key_path",
    "encryption_key_to_json",
    "firewall_rule_from_json",
    "firewall_rule_to_json",
    "firewall_rules_path",
    "legacy_spec_to_json",
    "parse_cluster_details",
    "parse_cluster_list",
    "parse_created_id",
    "parse_encryption_keys",
    "parse_firewall_rules",
    "parse_message",
    "spec_from_json",
    "spec_to_json",
]

# --- paths ------------------------------------------------------------------------------------

_ROOT = "/provisioning/v1"
#: Terraform and the exporter list without the trailing slash.
LIST_CLUSTERS_PATH = _ROOT
#: Every Instaclustr client writes the extended create with the trailing slash.
CREATE_EXTENDED_PATH = f"{_ROOT}/extended/"
CREATE_LEGACY_PATH = f"{_ROOT}/"
ENCRYPTION_KEYS_PATH = f"{_ROOT}/encryption-keys"

#: What an id may look like before it goes into a path: UUIDs, and the simple ids of
#: fakes ("cluster-uuid-1"). Nothing that could change the path (``/``, ``..``, ``?``,
#: ``%``, whitespace), so the client only ever acts on the resource it was given.
_PATH_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def check_path_id(value: object, field: str = "clusterId") -> str:
    """``value`` if it is safe as one path segment.

    Raises:
        ValidationError: Naming ``field``, when the id is empty or could alter the path.
    """
    if not isinstance(value, str) or not value:
        raise ValidationError({field: "Give an id (a non-empty string)."})
    if _PATH_ID.fullmatch(value) is None or ".." in value:
        raise ValidationError(
            {field: "Not a valid id: use letters, digits, '-', '_', '.' or ':' only, no '..'."}
        )
    return value


def cluster_path(cluster_id: str) -> str:
    """``/provisioning/v1/{clusterId}`` after checking the id."""
    return f"{_ROOT}/{check_path_id(cluster_id)}"


def firewall_rules_path(cluster_id: str) -> str:
    """``/provisioning/v1/{clusterId}/firewallRules/`` (Terraform uses the slash everywhere)."""
    return f"{cluster_path(cluster_id)}/firewallRules/"


def encryption_key_path(key_id: str) -> str:
    """``/provisioning/v1/encryption-keys/{keyId}`` after checking the id."""
    return f"{ENCRYPTION_KEYS_PATH}/{check_path_id(key_id, 'keyId')}"


# --- requests: models → JSON ------------------------------------------------------------------


def _drop_none(items: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in items.items() if v is not None}


def _bundle_to_json(bundle: BundleSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"bundle": bundle.bundle, "version": bundle.version}
    if bundle.options:
        out["options"] = dict(bundle.options)
    return out


def _provider_to_json(provider: ProviderSpec) -> dict[str, Any]:
    out = _drop_none(
        {
            "name": provider.name,
            "accountName": provider.account_name,
            "customVirtualNetworkId": provider.custom_virtual_network_id,
            "resourceGroup": provider.resource_group,
            "diskEncryptionKey": provider.disk_encryption_key,
        }
    )
    if provider.tags:
        out["tags"] = dict(provider.tags)
    return out


def firewall_rule_to_json(rule: FirewallRuleSpec) -> dict[str, Any]:
    """The body of a firewall rule POST/DELETE: ``{network|securityGroupId, rules}``."""
    out = _drop_none({"network": rule.network, "securityGroupId": rule.security_group_id})
    out["rules"] = [{"type": t} for t in rule.rule_types]
    return out


def spec_to_json(spec: ClusterSpec) -> dict[str, Any]:
    """The extended create body (``POST /provisioning/v1/extended/``).

    Booleans are JSON booleans and rack numbers JSON ints (Terraform sent strings; the
    API accepts both). Fields left at ``None`` are omitted. ``spec.extra`` is merged
    last, so it can also override a mapped field when the API needs something unusual.
    """
    body: dict[str, Any] = {
        "clusterName": spec.cluster_name,
        "bundles": [_bundle_to_json(b) for b in spec.bundles],
        "provider": _provider_to_json(spec.provider),
        "slaTier": spec.sla_tier,
    }
    body.update(
        _drop_none(
            {
                "nodeSize": spec.node_size,
                "dataCentre": spec.data_centre,
                "dataCentreCustomName": spec.data_centre_custom_name,
                "clusterNetwork": spec.cluster_network,
            }
        )
    )
    body["privateNetworkCluster"] = bool(spec.private_network_cluster)
    body["pciCompliantCluster"] = bool(spec.pci_compliant_cluster)
    if spec.rack_allocation is not None:
        body["rackAllocation"] = {
            "numberOfRacks": int(spec.rack_allocation.number_of_racks),
            "nodesPerRack": int(spec.rack_allocation.nodes_per_rack),
        }
    if spec.firewall_rules:
        body["firewallRules"] = [firewall_rule_to_json(r) for r in spec.firewall_rules]
    body.update(copy.deepcopy(dict(spec.extra)))
    return body


def _flag_text(value: bool) -> str:
    return "true" if value else "false"


def legacy_spec_to_json(spec: LegacyClusterSpec) -> dict[str, Any]:
    """The legacy create body (``POST /provisioning/v1/``).

    The legacy format's known clients send ``region`` booleans and rack node counts as
    strings (``"true"``, ``"2"``), so this does too.
    """
    region: dict[str, Any] = {
        "dataCentre": spec.data_centre,
        "authnAuthz": _flag_text(spec.authn_authz),
        "clientEncryption": _flag_text(spec.client_encryption),
        "usePrivateBroadcastRPCAddress": _flag_text(spec.use_private_broadcast_rpc_address),
        "defaultNetwork": spec.default_network,
        "firewallRules": [],
        "rackAllocation": [{"name": r.name, "nodeCount": str(r.node_count)} for r in spec.racks],
    }
    if spec.disk_encryption_key is not None:
        region["diskEncryptionKey"] = spec.disk_encryption_key
    body: dict[str, Any] = {
        "clusterName": spec.cluster_name,
        "provider": spec.provider,
        "version": spec.version,
        "size": spec.size,
        "region": region,
    }
    if spec.account is not None:
        body["account"] = spec.account
    if spec.tags:
        body["tags"] = dict(spec.tags)
    return body


def encryption_key_to_json(alias: str, arn: str, provider_account: str | None) -> dict[str, Any]:
    """The body of ``POST /provisioning/v1/encryption-keys``."""
    return _drop_none({"alias": alias, "arn": arn, "providerAccount": provider_account})


# --- scalar coercion (shared by request and response parsing) ---------------------------------


def _text(value: Any) -> str | None:
    """A string from a string or number; ``None`` for null and anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return None


def _first_text(value: Any) -> str | None:
    """Like :func:`_text`, also taking the first item of a list (early servers sent lists)."""
    if isinstance(value, list):
        return next((t for t in map(_text, value) if t), None)
    return _text(value)


_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")


def _int(value: Any) -> int | None:
    """An int from an int, an integral float or a numeric string; ``None`` otherwise."""
    if isinstance(value, bool):  # a flag is not a count
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        # One optional sign, then ASCII digits: "--5" or "+-3" passed a lstrip("+-") test
        # and made int() raise ValueError out of the HTTP boundary.
        if _INTEGER.fullmatch(text):
            return int(text)
    return None


def _bool(value: Any) -> bool | None:
    """A bool from a bool, ``"true"``/``"false"`` (any case) or 0/1; ``None`` otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"true", "1", "yes"}:
            return True
        if text in {"false", "0", "no"}:
            return False
    return None


def _network(value: Any) -> str | None:
    """``"10.224.0.0/16"`` from either v1 form of a network (string or object)."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, Mapping):
        network = _text(value.get("network"))
        prefix = _int(value.get("prefixLength"))
        if network and prefix is not None:
            return f"{network}/{prefix}"
        return network or None
    return None


# --- responses: JSON → models -----------------------------------------------------------------


def _unexpected(what: str, body: Any) -> UnexpectedResponseError:
    return UnexpectedResponseError(f"unexpected response: {what}", status=0, body=body)


def _object(value: Any, what: str, body: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _unexpected(f"{what} is not a JSON object", body)
    return value


def _array(value: Any, what: str, body: Any, *, null_ok: bool = True) -> list[Any]:
    if value is None and null_ok:
        return []
    if not isinstance(value, list):
        raise _unexpected(f"{what} is not a JSON array", body)
    return value


def _required_id(item: Mapping[str, Any], what: str, body: Any) -> str:
    value = _text(item.get("id"))
    if not value:
        raise _unexpected(f"{what} has no id", body)
    return value


def _raw(item: Mapping[str, Any]) -> dict[str, Any]:
    # A private copy: the model is frozen and must not change when the caller's dict does.
    return copy.deepcopy(dict(item))


def parse_cluster_list(body: Any) -> list[ClusterSummary]:
    """Items of ``GET /provisioning/v1`` (a JSON array)."""
    out = []
    for index, item in enumerate(_array(body, "the cluster list", body, null_ok=False)):
        entry = _object(item, f"cluster list item {index}", body)
        out.append(
            ClusterSummary(
                id=_required_id(entry, f"cluster list item {index}", body),
                name=_text(entry.get("name")) or _text(entry.get("clusterName")) or "",
                status=ClusterStatus.parse(
                    entry.get("derivedStatus") or entry.get("clusterStatus")
                ),
                node_count=_int(entry.get("nodeCount")) or 0,
                running_node_count=_int(entry.get("runningNodeCount")) or 0,
                version=_text(entry.get("cassandraVersion")) or _text(entry.get("bundleVersion")),
                sla_tier=_text(entry.get("slaTier")),
                pci_compliance=_text(entry.get("pciCompliance")),
                raw=_raw(entry),
            )
        )
    return out


def _parse_node(item: Any, where: str, body: Any) -> Node:
    node = _object(item, where, body)
    return Node(
        id=_text(node.get("id")) or "",
        size=_text(node.get("size")),
        rack=_text(node.get("rack")),
        status=ClusterStatus.parse(node.get("nodeStatus") or node.get("status")),
        public_address=_first_text(node.get("publicAddress")),
        private_address=_first_text(node.get("privateAddress")),
        spark_master=bool(_bool(node.get("sparkMaster"))),
        spark_jobserver=bool(_bool(node.get("sparkJobserver"))),
        zeppelin=bool(_bool(node.get("zeppelin"))),
        raw=_raw(node),
    )


def _bundle_names(value: Any) -> tuple[str, ...]:
    names = []
    for item in value if isinstance(value, list) else []:
        name = _text(item.get("bundle")) if isinstance(item, Mapping) else _text(item)
        if name:
            names.append(name)
    return tuple(names)


def _parse_data_centre(item: Any, where: str, body: Any) -> DataCentre:
    dc = _object(item, where, body)
    nodes = tuple(
        _parse_node(n, f"{where} node {i}", body)
        for i, n in enumerate(_array(dc.get("nodes"), f"{where} nodes", body))
    )
    provider = dc.get("provider")
    if isinstance(provider, Mapping):
        provider = provider.get("name")
    node_count = _int(dc.get("nodeCount"))
    return DataCentre(
        id=_text(dc.get("id")) or "",
        # v1 status calls the region "name"; terraform-description calls it "dataCentre".
        region=_text(dc.get("dataCentre")) or _text(dc.get("name")),
        provider=_text(provider),
        status=ClusterStatus.parse(dc.get("cdcStatus") or dc.get("status")),
        name=_text(dc.get("cdcName")),
        network=_network(dc.get("cdcNetwork") or dc.get("network")),
        node_count=node_count if node_count is not None else len(nodes),
        nodes=nodes,
        bundles=_bundle_names(dc.get("bundles")),
        encryption_key_id=_first_text(dc.get("encryptionKeyId")),
        resize_target_node_size=_text(dc.get("resizeTargetNodeSize")),
        private_ip_only=_bool(dc.get("privateIPOnly")),
        raw=_raw(dc),
    )


def parse_cluster_details(body: Any, *, cluster_id: str | None = None) -> ClusterDetails:
    """A cluster status (``GET /provisioning/v1/{id}``, or its terraform-description).

    Args:
        body: The decoded JSON body.
        cluster_id: The id that was asked for, used when the body has none (some fakes
            return only ``dataCentres``).
    """
    cluster = _object(body, "the cluster status", body)
    data_centres = tuple(
        _parse_data_centre(dc, f"data centre {i}", body)
        for i, dc in enumerate(_array(cluster.get("dataCentres"), "dataCentres", body))
    )
    return ClusterDetails(
        id=_text(cluster.get("id")) or cluster_id or "",
        name=_text(cluster.get("clusterName")) or _text(cluster.get("name")),
        status=ClusterStatus.parse(cluster.get("clusterStatus") or cluster.get("derivedStatus")),
        version=_text(cluster.get("cassandraVersion")) or _text(cluster.get("bundleVersion")),
        sla_tier=_text(cluster.get("slaTier")),
        pci_compliance=_text(cluster.get("pciCompliance")),
        data_centres=data_centres,
        raw=_raw(cluster),
    )


def _parse_rule_status(item: Any) -> RuleStatus | None:
    if isinstance(item, str):
        return RuleStatus(type=item)
    if isinstance(item, Mapping):
        kind = _text(item.get("type"))
        if kind:
            return RuleStatus(
                type=kind,
                status=ClusterStatus.parse(item.get("status")),
                deferred_reason=_text(item.get("deferredReason")),
            )
    return None


def parse_firewall_rules(body: Any) -> list[FirewallRule]:
    """Items of ``GET /provisioning/v1/{id}/firewallRules``."""
    out = []
    for index, item in enumerate(_array(body, "the firewall rule list", body, null_ok=False)):
        rule = _object(item, f"firewall rule {index}", body)
        statuses = (
            _parse_rule_status(r)
            for r in _array(rule.get("rules"), f"firewall rule {index} rules", body)
        )
        out.append(
            FirewallRule(
                rules=tuple(s for s in statuses if s is not None),
                network=_text(rule.get("network")),
                security_group_id=_text(rule.get("securityGroupId")),
                raw=_raw(rule),
            )
        )
    return out


def parse_encryption_keys(body: Any) -> list[EncryptionKey]:
    """Items of ``GET /provisioning/v1/encryption-keys``."""
    out = []
    for index, item in enumerate(_array(body, "the encryption key list", body, null_ok=False)):
        key = _object(item, f"encryption key {index}", body)
        out.append(
            EncryptionKey(
                id=_required_id(key, f"encryption key {index}", body),
                alias=_text(key.get("alias")) or "",
                arn=_text(key.get("arn")),
                provider=_text(key.get("provider")),
                raw=_raw(key),
            )
        )
    return out


def parse_created_id(body: Any) -> str:
    """The new resource's id from ``{"id": "..."}``.

    Like the Terraform provider, a body with one key gives that key's value whatever the
    key is called; with several keys, ``id`` is used.
    """
    created = _object(body, "the create response", body)
    if "id" in created:
        value = created["id"]
    elif len(created) == 1:
        (value,) = created.values()
    else:
        raise _unexpected("the create response has no id", body)
    text = _text(value)
    if not text or isinstance(value, bool):
        raise _unexpected("the create response's id is not a string", body)
    return text


def parse_message(body: Any) -> str:
    """The ``message`` of a ``{"message": ...}`` body; ``""`` when there is none."""
    if isinstance(body, Mapping):
        return _text(body.get("message")) or ""
    return ""


# --- request bodies written by others: JSON → models ------------------------------------------


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

"""Request bodies the toolkit sends to v1: create (extended and legacy), firewall rule and
encryption key bodies built from :mod:`insta_nb.models`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from insta_nb.models import (
    BundleSpec,
    ClusterSpec,
    FirewallRuleSpec,
    LegacyClusterSpec,
    ProviderSpec,
)


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

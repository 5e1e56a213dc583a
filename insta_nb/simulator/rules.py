"""Validation of firewall rule bodies and encryption key bodies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from insta_nb import catalog
from insta_nb.simulator.networks import SECURITY_GROUP_PATTERN, firewall_network_error
from insta_nb.simulator.plan import FirewallPlan
from insta_nb.simulator.problems import Problems, show

__all__ = ["KeyPlan", "check_firewall_rule", "check_firewall_rules", "check_key"]

#: Every rule type of the API's ``FirewallRuleKind`` (the catalogue's form list is shorter).
RULE_TYPES: frozenset[str] = frozenset(catalog.FIREWALL_RULE_KINDS)

# ``\A``/``\Z``, not ``^``/``$``: ``$`` also matches before a final newline. ASCII
# digits only, as ``\d`` takes any script's digits.
_ALIAS = re.compile(r"\A[a-zA-Z0-9_-][a-zA-Z0-9 _-]*\Z")
_ALIAS_MAX = 30
_ARN = re.compile(r"\Aarn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+\Z")


def _rule_types(value: object, required: bool, problems: Problems) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or (required and not value):
        problems.add("rules", 'must be a non-empty list of {"type": ...} objects')
        return ()
    types: list[str] = []
    for i, item in enumerate(value):
        kind = item.get("type") if isinstance(item, dict) else None
        if not isinstance(kind, str) or kind not in RULE_TYPES:
            problems.add("rules", f"rules[{i}].type {show(kind)} is not a firewall rule type")
        elif kind in types:
            problems.add("rules", f"rules[{i}].type {kind} is given twice")
        else:
            types.append(kind)
    return tuple(types)


def check_firewall_rule(body: object, *, rules_required: bool = True) -> FirewallPlan | Problems:
    """A firewall rule body (POST, PUT, DELETE, or an item of a create's ``firewallRules``)."""
    problems = Problems()
    if not isinstance(body, dict):
        problems.add("body", "must be a JSON object")
        return problems
    network = body.get("network")
    group = body.get("securityGroupId")
    if network is not None and group is not None:
        both = "give either network or securityGroupId, not both"
        problems.add("network", both)
        problems.add("securityGroupId", both)
    elif network is None and group is None:
        problems.add("network", "network or securityGroupId is required")
    elif network is not None:
        error = firewall_network_error(network)
        if error:
            problems.add("network", error)
    elif not isinstance(group, str) or not SECURITY_GROUP_PATTERN.fullmatch(group):
        problems.add("securityGroupId", f"{show(group)} is not a security group id (sg-…)")
    types = _rule_types(body.get("rules"), rules_required, problems)
    if problems:
        return problems
    if isinstance(network, str):
        return FirewallPlan("network", network, types)
    return FirewallPlan("securityGroupId", str(group), types)


def check_firewall_rules(value: object, field: str, problems: Problems) -> tuple[FirewallPlan, ...]:
    """The firewall rules a create request opens, reported under ``field``."""
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.add(field, "must be a list of firewall rules")
        return ()
    rules: list[FirewallPlan] = []
    for i, item in enumerate(value):
        result = check_firewall_rule(item)
        if isinstance(result, Problems):
            for key, message in result.fields.items():
                problems.add(field, f"{field}[{i}].{key}: {message}")
        else:
            rules.append(result)
    return tuple(rules)


@dataclass(frozen=True)
class KeyPlan:
    """An encryption key to register."""

    alias: str
    arn: str
    provider_account: str


def check_key(body: object) -> KeyPlan | Problems:
    """An encryption key body (``POST /encryption-keys``)."""
    problems = Problems()
    if not isinstance(body, dict):
        problems.add("body", "must be a JSON object")
        return problems
    alias, arn = body.get("alias"), body.get("arn")
    account = body.get("providerAccount", None)
    if (
        not isinstance(alias, str)
        or not 1 <= len(alias) <= _ALIAS_MAX
        or not _ALIAS.fullmatch(alias)
    ):
        problems.add("alias", f"must be 1–{_ALIAS_MAX} letters, digits, spaces, '_' or '-'")
    if not isinstance(arn, str) or not _ARN.fullmatch(arn):
        problems.add("arn", "must be an AWS KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)")
    if account is not None and (not isinstance(account, str) or not account):
        problems.add("providerAccount", "must be a non-empty string")
    if problems:
        return problems
    return KeyPlan(str(alias), str(arn), account if isinstance(account, str) else "INSTACLUSTR")

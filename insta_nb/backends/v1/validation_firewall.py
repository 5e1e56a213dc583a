"""Client-side checks of one firewall rule: a network or a security group, and known types."""

from __future__ import annotations

import re
from typing import Any

from insta_nb import catalog
from insta_nb.backends.v1.validation_fields import _blank, _parse_ipv4_network, _Report, _show
from insta_nb.errors import ValidationError
from insta_nb.models import FirewallRuleSpec

_SECURITY_GROUP = re.compile(r"sg-([0-9a-fA-F]{8}|[0-9a-fA-F]{17})")


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

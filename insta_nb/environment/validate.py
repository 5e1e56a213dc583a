"""Everything in an environment checked before its first request, named by TOML key.

The file reader (:mod:`insta_nb.environment_spec`) checked types and shapes; here the
API's own rules run (regions, sizes, versions, CIDRs, peering ids) through the session's
validators, and each message is filed under the key the user wrote. A bad peering is
refused now, not after a cluster was created for nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from insta_nb import errors
from insta_nb.environment_spec import EnvironmentSpec, toml_key_for
from insta_nb.peering import peering_provider

if TYPE_CHECKING:
    from insta_nb.session import Session

__all__ = ["check_environment"]

#: A data centre's provider (as the create names it) → the peering provider it accepts.
_PEERING_PROVIDER = {"AWS_VPC": "AWS_VPC", "GCP": "GCP", "AZURE": "AZURE", "AZURE_AZ": "AZURE"}
#: The firewall rule's API names that differ from our field names.
_RULE_FIELDS = {"rules": "rule_types"}


def check_environment(session: Session, spec: EnvironmentSpec) -> None:
    """Raise :class:`~insta_nb.errors.ValidationError` for whatever the API would refuse.

    Also refuses a read-only key (:class:`~insta_nb.errors.ReadOnlyKeyError`).
    """
    if session.read_only:
        raise errors.ReadOnlyKeyError(
            f"cannot provision environment {spec.name!r}: the configured API key is "
            "read-only (nothing was sent)"
        )
    problems: dict[str, str] = {}
    for api_field, message in session.validate_spec(spec.cluster).items():
        problems[toml_key_for(api_field)] = message
    for i, rule in enumerate(spec.firewall_rules):
        for api_field, message in session.validate_firewall_rule(rule).items():
            head, dot, rest = api_field.partition(".")
            name = _RULE_FIELDS.get(head.split("[")[0], "")
            if name:
                api_field = name + head[len(head.split("[")[0]) :] + dot + rest
            problems[toml_key_for(api_field, f"firewall_rules[{i}]")] = message
    accepted = _PEERING_PROVIDER.get(spec.cluster.provider.name)
    for i, peering in enumerate(spec.peerings):
        prefix = f"peerings[{i}]"
        if accepted is not None and peering_provider(peering) != accepted:
            problems[f"{prefix}.provider"] = (
                f"A {spec.cluster.provider.name} data centre takes only "
                f"{_cloud(accepted)} peerings."
            )
        checked = session.validate_vpc_peering(
            peering, data_centre_network=spec.cluster.cluster_network
        )
        for api_field, message in checked.items():
            problems[toml_key_for(api_field, prefix)] = message
    if problems:
        raise errors.ValidationError(problems)


def _cloud(provider: str) -> str:
    return {"AWS_VPC": "AWS", "GCP": "GCP", "AZURE": "AZURE"}[provider]

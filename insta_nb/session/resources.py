"""A session's calls on a cluster's other resources: firewall rules and encryption keys."""

from __future__ import annotations

from insta_nb.models import EncryptionKey, FirewallRule, FirewallRuleSpec
from insta_nb.session.core import SessionCore

__all__ = ["ResourceCalls"]


class ResourceCalls(SessionCore):
    """Firewall rules of the account's clusters, and its registered encryption keys."""

    async def list_firewall_rules(self, cluster_id: str) -> list[FirewallRule]:
        """The cluster's firewall rules, each with its status."""
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.list_firewall_rules(cluster_id, owner=owner)
        )

    async def add_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None:
        """Allow ``rule`` on the cluster."""
        owner = self.owner()
        await self._on_engine(lambda: self.service.add_firewall_rule(cluster_id, rule, owner=owner))

    async def delete_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None:
        """Remove ``rule`` from the cluster."""
        owner = self.owner()
        await self._on_engine(
            lambda: self.service.delete_firewall_rule(cluster_id, rule, owner=owner)
        )

    def validate_firewall_rule(self, rule: FirewallRuleSpec) -> dict[str, str]:
        """What the API would refuse in ``rule``, by its field names (empty: valid)."""
        return self.backend.validate_firewall_rule(rule)

    async def list_encryption_keys(self) -> list[EncryptionKey]:
        """The encryption keys registered with the account."""
        owner = self.owner()
        return await self._on_engine(lambda: self.service.list_encryption_keys(owner=owner))

    async def add_encryption_key(self, alias: str, arn: str) -> str:
        """Register an AWS KMS key; returns its id."""
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.add_encryption_key(alias, arn, owner=owner)
        )

    async def delete_encryption_key(self, key_id: str) -> None:
        """Remove a registered key."""
        owner = self.owner()
        await self._on_engine(lambda: self.service.delete_encryption_key(key_id, owner=owner))

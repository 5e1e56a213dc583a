"""User actions on a cluster's other resources: firewall rules and encryption keys.

Each action is checked (id, read-only key, the backend's validation) before it is
queued, so a refused argument never spends a slot, and is recorded as an operation.
Retried removals that meet "not found" have succeeded: their first attempt went through.
An add that meets 409 is *checked*, never assumed: 409 also means "the cluster is being
deleted", so the add counts as done only when a fresh list shows the rule.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from insta_nb import errors
from insta_nb.backend import Op
from insta_nb.engine import JobKind
from insta_nb.models import ClusterStatus, EncryptionKey, FirewallRule, FirewallRuleSpec
from insta_nb.service.context import ServiceContext
from insta_nb.service.operations import OperationState

__all__ = ["EncryptionKeys", "FirewallRules"]


class FirewallRules:
    """Firewall rules of the account's clusters."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    async def list(
        self, cluster_id: str, *, kind: JobKind = JobKind.READ, owner: str | None = None
    ) -> list[FirewallRule]:
        ctx = self._ctx
        ctx.backend.check_id(cluster_id)  # refused before it takes a slot
        rules = await ctx.run(
            lambda: ctx.backend.list_firewall_rules(cluster_id),
            kind,
            Op.LIST_FIREWALL_RULES,
            ctx.name_of(cluster_id),
            owner=owner,
            key=("rules", cluster_id),
        )
        if ctx.inventory.update(cluster_id, firewall_rules=tuple(rules)):
            ctx.bus.rows_changed({cluster_id})
        return rules

    async def add(self, cluster_id: str, rule: FirewallRuleSpec, *, owner: str | None) -> None:
        backend = self._ctx.backend
        await self._change(
            "add firewall rule",
            "rule added",
            Op.ADD_FIREWALL_RULE,
            cluster_id,
            rule,
            lambda: backend.add_firewall_rule(cluster_id, rule),
            owner,
            present=lambda: self._present(cluster_id, rule, owner),
        )

    async def _present(self, cluster_id: str, rule: FirewallRuleSpec, owner: str | None) -> bool:
        """Whether a fresh list shows ``rule`` on the cluster, every rule type of it."""
        rules = await self._ctx.run(
            lambda: self._ctx.backend.list_firewall_rules(cluster_id),
            JobKind.READ,
            Op.LIST_FIREWALL_RULES,
            self._ctx.name_of(cluster_id),
            owner=owner,  # no key: an older list in flight must not answer this question
        )
        target = rule.network or rule.security_group_id
        for listed in rules:
            if listed.target == target:
                have = {r.type for r in listed.rules if r.status is not ClusterStatus.DELETED}
                return set(rule.rule_types) <= have
        return False

    async def remove(self, cluster_id: str, rule: FirewallRuleSpec, *, owner: str | None) -> None:
        backend = self._ctx.backend
        await self._change(
            "remove firewall rule",
            "rule removed",
            Op.DELETE_FIREWALL_RULE,
            cluster_id,
            rule,
            lambda: backend.delete_firewall_rule(cluster_id, rule),
            owner,
            not_found_after_retry_ok=True,
        )

    async def _change(
        self,
        action: str,
        done: str,
        op_kind: Op,
        cluster_id: str,
        rule: FirewallRuleSpec,
        call: Callable[[], Awaitable[None]],
        owner: str | None,
        *,
        present: Callable[[], Awaitable[bool]] | None = None,
        **retry_flags: bool,
    ) -> None:
        ctx = self._ctx
        ctx.backend.check_id(cluster_id)  # refused before it takes a slot
        ctx.refuse_if_read_only("change firewall rules")
        ctx.refuse_invalid(ctx.backend.validate_firewall_rule(rule))
        op = ctx.start(action, rule.network or rule.security_group_id or "", owner)
        op.cluster_id = cluster_id
        try:
            await ctx.run(
                call,
                JobKind.MUTATION,
                op_kind,
                ctx.name_of(cluster_id),
                owner=owner,
                idempotent=True,
                **retry_flags,
            )
        except errors.ConflictError as exc:
            if present is None or not await self._checked(present):
                ctx.finish(op, OperationState.FAILED, exc.message, exc)
                raise
            ctx.finish(op, OperationState.DONE, "rule already present")
            return
        except errors.InstaError as exc:
            ctx.finish(op, OperationState.FAILED, exc.message, exc)
            raise
        ctx.finish(op, OperationState.DONE, done)

    async def _checked(self, present: Callable[[], Awaitable[bool]]) -> bool:
        """``present()``, with a failed check counting as "not shown" (the 409 stands)."""
        try:
            return await present()
        except errors.InstaError:
            return False


class EncryptionKeys:
    """The account's registered encryption keys; remembers their ids for spec validation."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        #: Ids seen in the last list (``None``: never listed, so not checked).
        self.known_ids: set[str] | None = None

    async def list(self, *, owner: str | None) -> list[EncryptionKey]:
        ctx = self._ctx
        keys = await ctx.run(
            ctx.backend.list_encryption_keys,
            JobKind.READ,
            Op.LIST_ENCRYPTION_KEYS,
            owner=owner,
            key=("keys",),
        )
        self.known_ids = {k.id for k in keys}
        return keys

    async def add(self, alias: str, arn: str, *, owner: str | None) -> str:
        ctx = self._ctx
        ctx.refuse_if_read_only("register an encryption key")
        ctx.refuse_invalid(ctx.backend.validate_encryption_key(alias, arn))
        key_id = await ctx.run(
            lambda: ctx.backend.add_encryption_key(alias, arn),
            JobKind.MUTATION,
            Op.ADD_ENCRYPTION_KEY,
            alias,
            owner=owner,
            idempotent=False,
        )
        if self.known_ids is not None:
            self.known_ids.add(key_id)
        return key_id

    async def delete(self, key_id: str, *, owner: str | None) -> None:
        ctx = self._ctx
        ctx.backend.check_id(key_id, "keyId")  # refused before it takes a slot
        ctx.refuse_if_read_only("delete an encryption key")
        await ctx.run(
            lambda: ctx.backend.delete_encryption_key(key_id),
            JobKind.MUTATION,
            Op.DELETE_ENCRYPTION_KEY,
            key_id,
            owner=owner,
            idempotent=True,
            not_found_after_retry_ok=True,
        )
        if self.known_ids is not None:
            self.known_ids.discard(key_id)

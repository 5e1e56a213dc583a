"""What a v2 backend has learned about the account, so that one call stays one request.

v2 paths need facts its ids do not carry: a cluster's product (``/applications/{app}/``)
and a firewall rule's own id (v2 deletes rules by id, the toolkit names them by network
and type). The cluster list gives ids and products but no names or statuses, so the
names and statuses of clusters seen in detail (a GET, a create's 202) are kept here and
fill the list's entries; a cluster never seen in detail is listed without a name until
its first GET (the service's poller fetches details of every new row).
"""

from __future__ import annotations

from insta_nb.backends.v2.parse import ListedCluster, rule_id, summary_of
from insta_nb.models import ClusterDetails, ClusterStatus, ClusterSummary, FirewallRule

__all__ = ["Directory"]


class Directory:
    """Products, last-seen summaries and firewall rule ids, by id. Engine loop only."""

    def __init__(self) -> None:
        self._apps: dict[str, str] = {}
        self._seen: dict[str, ClusterSummary] = {}
        self._details: dict[str, ClusterDetails] = {}
        #: (cluster id, network, type) → rule id.
        self._rules: dict[tuple[str, str, str], str] = {}
        self._deleted_rules: set[str] = set()

    # --- clusters -----------------------------------------------------------------------

    def app_of(self, cluster_id: str) -> str | None:
        """The ``{app}`` path segment of ``cluster_id``, if known."""
        return self._apps.get(cluster_id.lower())

    def learn_listed(self, listed: list[ListedCluster], *, complete: bool) -> None:
        """Record products from a list; a ``complete`` list also forgets what is gone."""
        if complete:
            present = {c.id.lower() for c in listed}
            for gone in [i for i in self._apps if i not in present]:
                del self._apps[gone]
                self._seen.pop(gone, None)
                self._details.pop(gone, None)
        for cluster in listed:
            if cluster.app_path is not None:
                self._apps[cluster.id.lower()] = cluster.app_path

    def learn_details(self, app_path: str, details: ClusterDetails) -> None:
        self._apps[details.id.lower()] = app_path
        self._seen[details.id.lower()] = summary_of(details)
        self._details[details.id.lower()] = details

    def details_of(self, cluster_id: str) -> ClusterDetails | None:
        """The cluster as last read (a resize rebuilds its data centres from it)."""
        return self._details.get(cluster_id.lower())

    def summary(self, cluster: ListedCluster) -> ClusterSummary:
        """The list entry for ``cluster``: what a GET showed, else its id and product only."""
        seen = self._seen.get(cluster.id.lower())
        if seen is not None:
            return seen
        return ClusterSummary(
            id=cluster.id,
            name="",
            status=ClusterStatus.UNKNOWN,
            raw={"id": cluster.id, "application": cluster.application},
        )

    def named(self, cluster: ListedCluster, name: str) -> ClusterSummary | None:
        """The entry of a cluster a name search returned, unless a GET showed another name."""
        seen = self._seen.get(cluster.id.lower())
        if seen is not None:
            return seen if seen.name == name else None
        # Remembered, so the next list names it too (a cluster adopted by reconciliation).
        found = ClusterSummary(
            id=cluster.id,
            name=name,
            status=ClusterStatus.UNKNOWN,
            raw={"id": cluster.id, "application": cluster.application},
        )
        self._seen[cluster.id.lower()] = found
        return found

    # --- firewall rules ---------------------------------------------------------------------

    def learn_rules(self, cluster_id: str, rules: list[FirewallRule]) -> None:
        for rule in rules:
            self.learn_rule(cluster_id, rule)

    def learn_rule(self, cluster_id: str, rule: FirewallRule) -> None:
        found = rule_id(rule)
        if found is None or not rule.rules:
            return
        self._rules[(cluster_id.lower(), rule.network or "", rule.rules[0].type)] = found
        if rule.rules[0].status is ClusterStatus.DELETED:
            self._deleted_rules.add(found)
        else:
            self._deleted_rules.discard(found)

    def rule_id(self, cluster_id: str, network: str, rule_type: str) -> str | None:
        return self._rules.get((cluster_id.lower(), network, rule_type))

    def rule_deleted(self, rule_id: str) -> bool:
        """The API already reported the rule DELETED (the operator skips its DELETE then)."""
        return rule_id in self._deleted_rules

"""The cluster spec the v1 create form describes, read off its controls.

:class:`FormSpec` (a mixin of :class:`~insta_nb.widgets.CreateForm`) turns the current
values into a :class:`~insta_nb.models.ClusterSpec`, and summarises the request body
one field slot at a time, so an API message can be kept until its field changes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from insta_nb import catalog
from insta_nb.models import BundleSpec, ClusterSpec, FirewallRuleSpec, ProviderSpec, RackAllocation
from insta_nb.widgets._form_controls import Addon, FormControls
from insta_nb.widgets._form_fields import RULE_TYPE, flatten, slot_of

if TYPE_CHECKING:
    import ipywidgets as w

__all__ = ["FormSpec"]


class FormSpec(FormControls):
    """``spec()`` and what it is made of (mixed into :class:`CreateForm`)."""

    _addons: dict[str, Addon]
    _option_boxes: dict[str, w.Checkbox]
    _cidrs: list[str]

    def spec(self) -> ClusterSpec:
        """The :class:`~insta_nb.models.ClusterSpec` the form describes now (maybe invalid)."""
        base = self.bundle.value
        info = catalog.BUNDLES[base]
        options: dict[str, Any] = {key: box.value for key, box in self._option_boxes.items()}
        if base == "REDIS":
            options["masterNodes"] = self.redis_masters.value
            options["replicaNodes"] = self.redis_replicas.value
        node_size = self.size.value or None
        if info.sizes_in_options:
            options["masterNodeSize"] = node_size
            node_size = None
        addons = tuple(
            BundleSpec(a.name, a.version.value or "")
            for a in self._addons.values()
            if a.enabled.value
        )
        bundles = (BundleSpec(base, self.version.value or "", options), *addons)
        provider = self.provider.value
        key = self.key.value if provider == "AWS_VPC" and self.key.value else None
        types = self._rule_types()
        return ClusterSpec(
            cluster_name=self.name.value,
            bundles=bundles,
            provider=ProviderSpec(provider, disk_encryption_key=key),
            data_centre=self.region.value or "",
            node_size=node_size,
            sla_tier=self.sla.value,
            cluster_network=self.network.value,
            private_network_cluster=bool(self.private.value),
            pci_compliant_cluster=bool(self.pci.value) and not self.pci.disabled,
            rack_allocation=(
                RackAllocation(self.racks.value, self.nodes_per_rack.value)
                if info.supports_rack_allocation
                else None
            ),
            firewall_rules=tuple(FirewallRuleSpec(types, network=c) for c in self._cidrs),
        )

    def _bundle_names(self) -> list[str]:
        return [self.bundle.value] + [a.name for a in self._addons.values() if a.enabled.value]

    def _rule_types(self) -> tuple[str, ...]:
        return tuple(RULE_TYPE[n] for n in self._bundle_names() if n in RULE_TYPE)

    def _signature(self, slot: str) -> tuple[Any, ...]:
        spec_json = _safe_json(self)
        return tuple(
            sorted(
                (k, json.dumps(v, sort_keys=True, default=str))
                for k, v in spec_json.items()
                if slot_of(k) == slot
            )
        )


def _safe_json(form: FormSpec) -> dict[str, Any]:
    try:
        return flatten(form.session.preview_create(form.spec()))
    except Exception:
        return {}

"""The v1 create form's dependent choices and its list of encryption keys.

:class:`FormChoices` (a mixin of :class:`~insta_nb.widgets.CreateForm`) follows
:mod:`insta_nb.catalog`: a bundle offers its versions, add-ons and options, a provider
its regions, both together their node sizes; PCI is offered only where the API allows
it. Changes made by a cascade are validated once, after it, not once per control.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w

from insta_nb import catalog
from insta_nb.models import EncryptionKey
from insta_nb.widgets._form_controls import Addon, set_options
from insta_nb.widgets._form_fields import BOOL_OPTIONS, NO_PCI_WITH
from insta_nb.widgets._form_messages import FormMessages
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.snapshot import toned

if TYPE_CHECKING:
    from insta_nb.widgets._bridge import Bridge

__all__ = ["FormChoices"]


class FormChoices(FormMessages):
    """Bundle, provider and key choices (mixed into :class:`CreateForm`)."""

    bridge: Bridge
    owner: str
    #: Above zero while a cascade or a reload sets controls: no check per change.
    _quiet: int

    def _cascade(self, step: Any) -> None:
        self._quiet += 1
        try:
            step()
        finally:
            self._quiet -= 1
        self.revalidate()

    def _on_any(self, _: object = None) -> None:
        if not self._quiet:
            self.revalidate()

    def _on_bundle(self) -> None:
        base = self.bundle.value
        info = catalog.BUNDLES[base]
        set_options(self.version, list(info.versions), prefer=info.versions[-1])
        self._addons = {name: Addon(name) for name in catalog.addons_for(base)}
        for addon in self._addons.values():
            addon.enabled.observe(self._on_addon, names="value")
            addon.version.observe(self._on_any, names="value")
        old = list(self.addon_box.children)
        self.addon_box.children = tuple(a.box for a in self._addons.values())
        for box in old:
            close_tree(box)
        self._option_boxes = {}
        boxes: list[w.Widget] = []
        for key, label in BOOL_OPTIONS.get(base, ()):
            box = w.Checkbox(
                value=False,
                description=label,
                tooltip=f"{base} option {key}",
                indent=False,
                layout=w.Layout(width="auto"),
            )
            box.observe(self._on_any, names="value")
            self._option_boxes[key] = box
            boxes.append(box)
        if base == "REDIS":
            boxes += [self.redis_masters, self.redis_replicas]
        old = [b for b in self.options_box.children if b not in boxes]
        self.options_box.children = tuple(boxes)
        for box in old:
            if box not in (self.redis_masters, self.redis_replicas):
                close_tree(box)
        self.racks_box.layout.display = None if info.supports_rack_allocation else "none"
        self.size.description = "Master node size" if info.sizes_in_options else "Node size"
        self._on_sizes()
        self._on_addon()

    def _on_provider(self) -> None:
        provider = self.provider.value
        set_options(self.region, list(catalog.regions(provider)))
        self.key_box.layout.display = None if provider == "AWS_VPC" else "none"
        self._on_sizes()
        self._on_addon()

    def _on_sizes(self) -> None:
        set_options(self.size, list(catalog.node_sizes(self.bundle.value, self.provider.value)))

    def _on_addon(self, _: object = None) -> None:
        names = self._bundle_names()
        pci_ok = self.provider.value == "AWS_VPC" and not any(n in names for n in NO_PCI_WITH)
        if not pci_ok:
            self.pci.value = False
        self.pci.disabled = not pci_ok
        self.pci.tooltip = (
            "PCI compliance for this cluster"
            if pci_ok
            else "Not offered here: PCI needs AWS_VPC and no SPARK or ZEPPELIN"
        )
        types = self._rule_types()
        self.rule_types.value = toned(
            "Rules open: " + (", ".join(types) if types else "nothing for these bundles"),
            "muted",
        )
        self._on_any()

    # --- encryption keys ----------------------------------------------------------------

    def reload_keys(self) -> None:
        """List the account's encryption keys (one request) and offer them."""
        session, owner = self.session, self.owner

        async def keys() -> list[EncryptionKey]:
            with session.owned_by(owner):
                return await session.list_encryption_keys()

        self.key_reload.disabled = True

        def loaded(found: list[EncryptionKey]) -> None:
            self.key_reload.disabled = False
            self._key_ids = {k.id for k in found}
            current = self.key.value
            choices = [("(none: provider-managed keys)", "")] + [
                (f"{k.alias} ({k.id[:8]})", k.id) for k in found
            ]
            self._quiet += 1
            self.key.options = choices
            self.key.value = current if current in self._key_ids else ""
            self._quiet -= 1
            self.revalidate()

        def failed(_: BaseException) -> None:
            self.key_reload.disabled = False

        self.bridge.run(
            keys, on_result=loaded, on_error=failed, sink=self._key_sink(), what="list keys"
        )

    def _key_sink(self) -> Any:
        form = self

        class _Sink:
            def show_error(self, message: str) -> None:
                form._set_message("key", f"Could not list keys: {message}", "warn")

        return _Sink()

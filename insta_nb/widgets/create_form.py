"""The create-cluster form: dependent choices, messages as you type, a live JSON preview.

Choices come from :mod:`insta_nb.catalog` (bundle → version and add-ons; provider →
region → node size). Every change re-runs :meth:`Session.validate_spec` (the backend's validation)
and shows each message next to its field; Submit stays disabled while anything is
invalid or while a create is in flight, so a double click sends one request. The
preview shows the exact body :meth:`Session.preview_create` says will be sent. The
outcome — the new id, the API's message next to the field it names, or
"reconciling…" while an ambiguous create is being looked for — appears in the form.

The form is put together from mixins, one concern each: the controls and their layout
(``_form_controls``), the spec read off them (``_form_spec``), validation messages and
the Submit button (``_form_messages``), dependent choices and encryption keys
(``_form_choices``), firewall rules (``_form_rules``), sending the create and its
outcome (``_form_submit``) and the static snapshot (``_form_snapshot``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from insta_nb.widgets._bridge import Bridge
from insta_nb.widgets._form_choices import FormChoices
from insta_nb.widgets._form_controls import Addon
from insta_nb.widgets._form_fields import SLOT_NAMES, slot_of
from insta_nb.widgets._form_rules import FormRules
from insta_nb.widgets._form_snapshot import FormSnapshot
from insta_nb.widgets._form_submit import FormSubmit
from insta_nb.widgets._form_submit import errors_message as errors_message
from insta_nb.widgets._myaddress import MyAddress
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.snapshot import SnapshotDisplay

if TYPE_CHECKING:
    from insta_nb.session import Operation, Session

__all__ = ["CreateForm", "slot_of"]

_ids = itertools.count(1)


class CreateForm(FormSnapshot, SnapshotDisplay, FormSubmit, FormChoices, FormRules, w.VBox):
    """A form that creates one cluster through ``session.create_cluster``.

    Args:
        session: Where to create it.
        bridge: Share one with sibling views (the dashboard does); default: a new one.
        load_keys: List the account's encryption keys at once (one request).
    """

    def __init__(
        self, session: Session, *, bridge: Bridge | None = None, load_keys: bool = True
    ) -> None:
        self.session = session
        self.bridge = bridge or Bridge(session)
        self._own_bridge = bridge is None
        self.owner = f"widget:create-form:{next(_ids)}"
        self._quiet = 0
        self._closed = False
        self._unsubscribe: Callable[[], None] = _nothing
        self._in_flight = False
        self._problems: dict[str, str] = {}
        #: Slots whose first problems are not shown yet: nobody has touched them (an empty
        #: name is not an error before anyone typed). Create, or a change there, shows them.
        self._pristine: set[str] | None = None
        self._api_errors: dict[str, str] = {}
        self._submitted: dict[str, tuple[Any, ...]] = {}
        self._key_ids: set[str] | None = None
        #: Names in the inventory, copied on the engine thread (never iterated from here).
        self._names: frozenset[str] = frozenset(r.name for r in session.rows())
        self._cidrs: list[str] = []
        self._addons: dict[str, Addon] = {}
        self._option_boxes: dict[str, w.Checkbox] = {}
        self.outcome_text = ""
        self.last_operation: Operation | None = None
        self.created_id: str | None = None
        self._build_controls()
        self._message_state: dict[str, tuple[str, str]] = dict.fromkeys(SLOT_NAMES, ("", ""))
        super().__init__(self._layout())
        self.add_class("insta-nb-create-form")
        self._wire()
        self._quiet += 1
        self._on_bundle()
        self._on_provider()
        self._quiet -= 1
        self._push_names = self.bridge.latest(self._names_changed)
        self._unsubscribe = self.bridge.subscribe(self._on_service_event)
        if load_keys:
            self.reload_keys()
        self.revalidate()
        self._pristine = {slot_of(field) for field in self._problems}
        self._draw_messages()

    # --- building ---------------------------------------------------------------------

    def _wire(self) -> None:
        touched = {
            self.name: "name", self.network: "network", self.racks: "racks",
            self.nodes_per_rack: "racks", self.redis_masters: "options",
            self.redis_replicas: "options", self.size: "size", self.sla: "sla",
        }  # fmt: skip
        for control, slot in touched.items():  # before _on_any: the redraw shows it
            control.observe(lambda _, s=slot: self._touch(s), names="value")
        for control in (
            self.name, self.version, self.region, self.size, self.racks, self.nodes_per_rack,
            self.network, self.sla, self.private, self.pci, self.key, self.force,
            self.redis_masters, self.redis_replicas,
        ):  # fmt: skip
            control.observe(self._on_any, names="value")
        self.bundle.observe(lambda _: self._cascade(self._on_bundle), names="value")
        self.provider.observe(lambda _: self._cascade(self._on_provider), names="value")
        self.rule_cidr.observe(lambda _: self._check_cidr(), names="value")
        self.rule_add.on_click(self._on_add_rule)
        self.my_address = MyAddress(self.rule_mine, self.bridge, self._show_my_address)
        self.key_reload.on_click(lambda _: self.reload_keys())
        self.submit.on_click(self._on_submit)

    def __repr__(self) -> str:
        return f"<CreateForm owner={self.owner} problems={len(self.problems)}>"

    def close(self) -> None:
        """Stop listening, cancel this form's queued requests, close every widget."""
        if self._closed:
            return
        self._closed = True
        self._unsubscribe()
        self.session.cancel_queued(self.owner)
        for child in self.children:
            close_tree(child)
        if self._own_bridge:
            self.bridge.close()
        super().close()


def _nothing() -> None:
    return None

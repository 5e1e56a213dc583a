"""The create-cluster form: dependent choices, messages as you type, a live JSON preview.

Choices come from :mod:`insta_nb.catalog` (bundle → version and add-ons; provider →
region → node size). Every change re-runs :meth:`Session.validate_spec` (the backend's validation)
and shows each message next to its field; Submit stays disabled while anything is
invalid or while a create is in flight, so a double click sends one request. The
preview shows the exact body :meth:`Session.preview_create` says will be sent. The
outcome — the new id, the API's message next to the field it names, or
"reconciling…" while an ambiguous create is being looked for — appears in the form.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from insta_nb import catalog, errors
from insta_nb.models import (
    BundleSpec,
    ClusterSpec,
    EncryptionKey,
    FirewallRuleSpec,
    ProviderSpec,
    RackAllocation,
)
from insta_nb.session import Operation, OperationState, ServiceEvent
from insta_nb.widgets._bridge import Bridge
from insta_nb.widgets._form_controls import Addon, FormControls, set_options
from insta_nb.widgets._form_fields import (
    BOOL_OPTIONS,
    NO_PCI_WITH,
    RULE_TYPE,
    SLOT_NAMES,
    flatten,
    precise_field,
    slot_of,
)
from insta_nb.widgets._myaddress import MyAddress
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.snapshot import TONES, SnapshotDisplay, box_html, esc, table_html, toned

if TYPE_CHECKING:
    from insta_nb.session import Session

__all__ = ["CreateForm", "slot_of"]

_ids = itertools.count(1)


class CreateForm(SnapshotDisplay, FormControls, w.VBox):
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

    # --- dependent choices ------------------------------------------------------------

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

    def _bundle_names(self) -> list[str]:
        return [self.bundle.value] + [a.name for a in self._addons.values() if a.enabled.value]

    def _rule_types(self) -> tuple[str, ...]:
        return tuple(RULE_TYPE[n] for n in self._bundle_names() if n in RULE_TYPE)

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

    # --- firewall rules -----------------------------------------------------------------

    def _cidr_problem(self, text: str) -> str | None:
        if not text.strip():
            return None
        problems = self.session.validate_firewall_rule(
            FirewallRuleSpec(self._rule_types() or ("CASSANDRA",), network=text.strip())
        )
        if problems:
            return next(iter(problems.values()))
        if text.strip() in self._cidrs:
            return "Already in the list."
        return None

    def _check_cidr(self) -> None:
        text = self.rule_cidr.value
        problem = self._cidr_problem(text)
        self.rule_add.disabled = not text.strip() or problem is not None
        self._draw_messages()

    def _on_add_rule(self, _: object = None) -> None:
        text = self.rule_cidr.value.strip()
        if not text or self._cidr_problem(text) is not None:
            return
        self._cidrs.append(text)
        self.rule_cidr.value = ""
        self._draw_rules()
        self.revalidate()

    def _remove_rule(self, cidr: str) -> None:
        if cidr in self._cidrs:
            self._cidrs.remove(cidr)
            self._draw_rules()
            self.revalidate()

    def _draw_rules(self) -> None:
        old = list(self.rules_box.children)
        rows = []
        for cidr in self._cidrs:
            remove = w.Button(
                description="",
                icon="times",
                tooltip=f"Remove the rule for {cidr}",
                layout=w.Layout(width="32px"),
            )
            remove.on_click(lambda _, c=cidr: self._remove_rule(c))
            rows.append(w.HBox([w.Label(cidr, layout=w.Layout(width="180px")), remove]))
        self.rules_box.children = tuple(rows)
        for box in old:
            close_tree(box)

    def _show_my_address(self, cidr: str | None, note: str, tone: str) -> None:
        if cidr is not None:
            self.rule_cidr.value = cidr  # validated as typed text would be
        self._set_message("rules", note, tone)

    # --- the spec -----------------------------------------------------------------------

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

    @property
    def problems(self) -> dict[str, str]:
        """Current messages by API field name (local validation and the API's last answer)."""
        return {**self._problems, **self._live_api_errors()}

    def slot_messages(self) -> dict[str, str]:
        """The message shown next to each field slot (``""`` when none)."""
        return {slot: text for slot, (text, _) in self._message_state.items()}

    def revalidate(self) -> None:
        """Re-check the spec, redraw every message, the preview and the Submit button."""
        if self._closed:
            return
        try:
            spec = self.spec()
            self._problems = self.session.validate_spec(spec, encryption_key_ids=self._key_ids)
            self._problems.update(self._name_taken(spec.cluster_name))
            body = json.dumps(self.session.preview_create(spec), indent=2, ensure_ascii=False)
        except Exception as exc:  # bad input must never break the form
            self._problems = {"general": f"Cannot build the request: {type(exc).__name__}"}
            body = ""
        self.preview.value = (
            f'<pre style="margin:0;font-size:12px;color:{TONES["text"]};'
            f'white-space:pre-wrap;">{esc(body)}</pre>'
        )
        self._draw_messages()
        self._draw_submit()

    def _name_taken(self, name: str) -> dict[str, str]:
        taken = bool(name) and name in self._names
        self.force.layout.display = None if taken or self.force.value else "none"
        if taken and not self.force.value:
            return {"clusterName": f"A cluster named {name!r} already exists."}
        return {}

    def _signature(self, slot: str) -> tuple[Any, ...]:
        spec_json = _safe_json(self)
        return tuple(
            sorted(
                (k, json.dumps(v, sort_keys=True, default=str))
                for k, v in spec_json.items()
                if slot_of(k) == slot
            )
        )

    def _live_api_errors(self) -> dict[str, str]:
        # The API's message about a field stays until that field's part of the body changes.
        live = {}
        for field, message in self._api_errors.items():
            slot = slot_of(field)
            if self._submitted.get(slot) == self._signature(slot):
                live[field] = message
        return live

    def _touch(self, slot: str) -> None:
        if self._pristine:
            self._pristine.discard(slot)

    def _draw_messages(self) -> None:
        by_slot: dict[str, list[tuple[str, str]]] = {s: [] for s in SLOT_NAMES}
        for field, message in self._problems.items():
            slot = slot_of(field)
            if self._pristine is None or slot not in self._pristine:
                by_slot[slot].append((message, "warn"))
        for field, message in self._live_api_errors().items():
            by_slot[slot_of(field)].append((f"API: {message}", "error"))
        cidr_problem = self._cidr_problem(self.rule_cidr.value)
        if cidr_problem:
            by_slot["rules"].append((cidr_problem, "warn"))
        for slot, items in by_slot.items():
            if items:
                tone = "error" if any(t == "error" for _, t in items) else "warn"
                self._set_message(slot, " · ".join(dict.fromkeys(m for m, _ in items)), tone)
            elif self._message_state[slot][1] != "muted":
                self._set_message(slot, "", "")

    def _set_message(self, slot: str, text: str, tone: str) -> None:
        widget = self.messages[slot]
        self._message_state[slot] = (text, tone)
        if not text:
            widget.value = ""
            return
        icon = {"warn": "⚠", "error": "✖", "muted": "ℹ"}.get(tone, "")
        widget.value = (
            f'<span role="{"alert" if tone == "error" else "status"}" '
            f'style="color:{TONES["text"]};font-size:90%;">'
            f'<span style="color:{TONES.get(tone, TONES["text"])};">{icon}</span> '
            f"{esc(text)}</span>"
        )

    def _draw_submit(self) -> None:
        read_only = self.session.read_only
        blocked = bool(self._problems) or self._in_flight or read_only
        self.submit.disabled = blocked
        if read_only:
            self.submit.tooltip = "The API key is read-only: creating is not possible"
        elif self._in_flight:
            self.submit.tooltip = "A create request is in flight"
        elif self._problems:
            self.submit.tooltip = f"Fix {len(self._problems)} problem(s) first"
        else:
            self.submit.tooltip = "Send the create request"

    # --- submitting -----------------------------------------------------------------------

    @property
    def in_flight(self) -> bool:
        """Whether a create sent from this form has not answered yet."""
        return self._in_flight

    def _on_submit(self, _: object = None) -> None:
        if self._in_flight or self._closed:
            return  # a second click while the first is on its way does nothing
        self._pristine = set()  # Create pressed: every problem is shown
        self.revalidate()
        if self._problems or self.session.read_only:
            return
        spec = self.spec()
        force = bool(self.force.value)
        self._in_flight = True
        self._api_errors = {}
        self._submitted = {slot: self._signature(slot) for slot in SLOT_NAMES}
        self.created_id = None
        self._draw_submit()
        self._show_outcome("busy", f"◔ Sending the create request for {spec.cluster_name}…")
        session, owner = self.session, self.owner

        async def create() -> str:
            # Closed while this was on its way to the engine thread: it must not be
            # queued after close() cancelled the form's jobs.
            if self._closed:
                raise errors.JobCancelledError("the form was closed before the create was sent")
            with session.owned_by(owner):
                return await session.create_cluster(spec, force=force)

        self.bridge.run(
            create,
            on_result=self._created,
            on_error=self._failed,
            what=f"create cluster {spec.cluster_name}",
        )

    def _created(self, cluster_id: str) -> None:
        self._in_flight = False
        self.created_id = cluster_id
        self.force.value = False
        self._show_outcome(
            "ok",
            f"✓ Created {self.last_operation.target if self.last_operation else ''}: "
            f"id {cluster_id}. It is provisioning now; the cluster table follows it.",
        )
        self.revalidate()

    def _failed(self, exc: BaseException) -> None:
        self._in_flight = False
        fields: Mapping[str, str] = getattr(exc, "field_errors", None) or {}
        self._api_errors = dict(precise_field(f, m) for f, m in fields.items())
        message = errors_message(exc)
        if isinstance(exc, errors.CreateNotConfirmedError):
            self._show_outcome("error", f"✖ Not created: {message}")
        elif isinstance(exc, errors.ValidationError):
            self._show_outcome("error", f"✖ Not sent: {message}")
        else:
            self._show_outcome("error", f"✖ Not created: {message}")
        self.revalidate()

    def show_error(self, message: str) -> None:
        """Errors of the form's own work that have no better place."""
        self._show_outcome("error", f"✖ {message}")

    def _show_outcome(self, tone: str, text: str) -> None:
        self.outcome_text = text
        icon, _, rest = text.partition(" ")
        self.outcome.value = (
            f'<span role="status" style="color:{TONES["text"]};">'
            f'<span style="color:{TONES.get(tone, TONES["text"])};font-weight:600;">'
            f"{esc(icon)}</span> {esc(rest)}</span>"
        )

    def _on_service_event(self, event: ServiceEvent) -> None:
        # Engine thread: copy what we need, hand the copies over.
        if event.rows:
            self._push_names(frozenset(r.name for r in self.session.rows()))
        op = event.operation
        if op is not None and op.owner == self.owner and op.action == "create":
            snapshot = replace(op, field_errors=dict(op.field_errors))
            self.bridge.deliver(lambda: self._show_operation(snapshot))

    def _names_changed(self, names: frozenset[str]) -> None:
        if names != self._names:
            self._names = names
            self.revalidate()

    def _show_operation(self, op: Operation) -> None:
        self.last_operation = op
        if not self._in_flight:
            return
        if op.state is OperationState.SENT:
            self._show_outcome("busy", f"◑ Sent: waiting for the API to answer about {op.target}…")
        elif op.state is OperationState.RECONCILING:
            self._show_outcome(
                "warn",
                f"⟳ Reconciling… The API's answer was lost; looking for a cluster named "
                f"{op.target} before deciding (nothing is sent twice).",
            )

    # --- snapshots ------------------------------------------------------------------------

    def _summary(self) -> list[tuple[str, str]]:
        try:
            spec = self.spec()
        except Exception:
            return []
        racks = spec.rack_allocation
        return [
            ("Cluster name", spec.cluster_name or "—"),
            ("Bundles", ", ".join(f"{b.bundle} {b.version}" for b in spec.bundles)),
            ("Provider / region", f"{spec.provider.name} / {spec.data_centre or '—'}"),
            ("Node size", spec.node_size or str(spec.bundles[0].options.get("masterNodeSize"))),
            ("Racks", f"{racks.number_of_racks} × {racks.nodes_per_rack}" if racks else "—"),
            ("SLA tier", spec.sla_tier),
            ("Firewall rules", ", ".join(self._cidrs) or "—"),
        ]

    def snapshot_text(self) -> str:
        """The form as plain text: the chosen values, problems and outcome."""
        lines = [self._title()]
        lines += [f"  {k}: {v}" for k, v in self._summary()]
        lines += [f"  ⚠ {field}: {message}" for field, message in self.problems.items()]
        if self.outcome_text:
            lines.append(f"  {self.outcome_text}")
        return "\n".join(lines)

    def snapshot_html(self) -> str:
        """The form as static HTML (escaped, themed), with the request body."""
        rows = [[esc(k), esc(v)] for k, v in self._summary()]
        rows += [[toned("⚠ " + f, "warn"), esc(m)] for f, m in self.problems.items()]
        body = table_html(("Field", "Value"), rows)
        if self.outcome_text:
            body += f"<div>{esc(self.outcome_text)}</div>"
        body += (
            f"<details><summary>Request body</summary>{self.preview.value}</details>"
            if self.preview.value
            else ""
        )
        return box_html(self._title(), body, note="Static snapshot of the form")

    def _title(self) -> str:
        return "Create a cluster" + (" (embedded simulator)" if self.session.is_simulated else "")

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


def errors_message(exc: BaseException) -> str:
    """A person-readable message for any exception of a create."""
    if isinstance(exc, errors.InstaError):
        return str(exc.message)
    return f"unexpected error ({type(exc).__name__})"


def _safe_json(form: CreateForm) -> dict[str, Any]:
    try:
        return flatten(form.session.preview_create(form.spec()))
    except Exception:
        return {}

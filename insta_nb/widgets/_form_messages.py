"""Where the v1 create form's validation messages go, and whether Submit is allowed.

:class:`FormMessages` (a mixin of :class:`~insta_nb.widgets.CreateForm`) re-runs
:meth:`Session.validate_spec` on every change, adds a taken name and the API's last
refusals (kept until their field changes), and draws each message next to its field
slot; a slot nobody has touched yet stays quiet until Create is pressed. Submit stays
disabled while anything is invalid, while a create is in flight, or for a read-only key.
"""

from __future__ import annotations

import json
from typing import Any

from insta_nb.models import FirewallRuleSpec
from insta_nb.widgets._form_fields import SLOT_NAMES, slot_of
from insta_nb.widgets._form_html import draw_submit, preview_html
from insta_nb.widgets._form_spec import FormSpec
from insta_nb.widgets.snapshot import TONES, esc

__all__ = ["FormMessages"]


class FormMessages(FormSpec):
    """Validation, message routing and the Submit button (mixed into :class:`CreateForm`)."""

    _closed: bool
    _in_flight: bool
    _problems: dict[str, str]
    #: Slots whose first problems are not shown yet (``None``: before the first check).
    _pristine: set[str] | None
    _api_errors: dict[str, str]
    _submitted: dict[str, tuple[Any, ...]]
    _key_ids: set[str] | None
    _names: frozenset[str]
    _message_state: dict[str, tuple[str, str]]

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
        self.preview.value = preview_html(body)
        self._draw_messages()
        self._draw_submit()

    def _name_taken(self, name: str) -> dict[str, str]:
        taken = bool(name) and name in self._names
        self.force.layout.display = None if taken or self.force.value else "none"
        if taken and not self.force.value:
            return {"clusterName": f"A cluster named {name!r} already exists."}
        return {}

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
        draw_submit(
            self.submit,
            read_only=self.session.read_only,
            in_flight=self._in_flight,
            problems=len(self._problems),
            doing="creating",
            what="create",
        )

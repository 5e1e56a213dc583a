"""The controls of a v2 product form, one per spec field, each with its message area.

:class:`ProductControls` turns a :class:`~._product_fields.SpecLayout` into widgets (a
text box, a whole-number box, a checkbox or a list of choices by the field's type), reads
their values back, and knows which control fills which API field, so a message about
``dataCentres[0].numberOfNodes`` is drawn next to "Number of nodes".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w

from insta_nb import catalog
from insta_nb.widgets._form_controls import message_widget
from insta_nb.widgets._product_fields import SpecField, SpecGroup, SpecLayout
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.snapshot import TONES, esc

__all__ = ["ProductControls"]

#: Keys naming the cluster's name whatever the API calls it (the service's own refusals
#: of a duplicate say ``clusterName``, v2 says ``name``).
_NAME_KEYS = ("clusterName", "name")

_DESC = {"description_width": "140px"}
#: Text fields whose values are a fixed list, by attribute name.
_CHOICES: dict[str, tuple[str, ...]] = {
    "sla_tier": catalog.SLA_TIERS,
    "cloud_provider": catalog.PROVIDERS,
    "replication_mode": ("SYNCHRONOUS", "ASYNCHRONOUS"),
}


def _control(field: SpecField, api: tuple[str, ...]) -> w.ValueWidget:
    tip = f"Sent as {', '.join(api)}" if api else "Not sent"
    attr = field.path[-1]
    if field.kind is bool:
        return w.Checkbox(
            value=bool(field.start), description=field.label, tooltip=tip, indent=False
        )
    if field.kind is int and not field.optional:
        return w.IntText(value=field.start, description=field.label, tooltip=tip, style=_DESC)
    if attr in _CHOICES:
        options = list(dict.fromkeys((*_CHOICES[attr], str(field.start))))
        return w.Dropdown(
            options=options, value=str(field.start), description=field.label, tooltip=tip,
            style=_DESC, layout=w.Layout(width="400px"),
        )  # fmt: skip
    return w.Text(
        value="" if field.start is None else str(field.start),
        description=field.label,
        placeholder="(left to the API)" if field.optional else "",
        tooltip=tip,
        continuous_update=True,
        style=_DESC,
        layout=w.Layout(width="400px"),
    )


class ProductControls(w.VBox):
    """The controls of one product's fields; ``on_change(field key)`` after a user edit."""

    def __init__(self, on_change: Callable[[str], None]) -> None:
        self.rows = w.VBox([])
        super().__init__([self.rows])
        self._on_change = on_change
        self._controls: dict[str, w.ValueWidget] = {}
        self._fields: dict[str, SpecField] = {}
        self._messages: dict[str, w.HTML] = {}
        self._toggles: dict[str, w.Checkbox] = {}
        self._api: dict[str, tuple[str, ...]] = {}
        self._texts: dict[str, str] = {}
        self._quiet = False
        self.layout_now: SpecLayout
        #: Fields a user has changed: their problems show (an empty name is not an error
        #: before anyone typed; Create shows every problem anyway).
        self.touched: set[str] = set()

    @property
    def has_fields(self) -> bool:
        return bool(self._controls)

    def show(self, layout: SpecLayout, api: Mapping[str, tuple[str, ...]]) -> None:
        """Replace the controls with ``layout``'s; ``api``: each field's API fields."""
        old = list(self.rows.children)
        self.layout_now, self._api = layout, dict(api)
        self._controls, self._fields, self._messages, self._toggles = {}, {}, {}, {}
        self._texts = {}
        self.touched = set()
        rows: list[w.Widget] = []
        for item in layout.items:
            if isinstance(item, SpecField):
                rows.append(self._row(item))
            else:
                rows.append(self._group(item, layout))
        self.rows.children = tuple(rows)
        for box in old:
            close_tree(box)

    def _row(self, field: SpecField) -> w.HBox:
        control = _control(field, self._api.get(field.key, ()))
        control.observe(lambda _, k=field.key: self._changed(k), names="value")
        self._controls[field.key], self._fields[field.key] = control, field
        self._messages[field.key] = message_widget()
        return w.HBox([control, self._messages[field.key]], layout=w.Layout(align_items="center"))

    def _group(self, group: SpecGroup, layout: SpecLayout) -> w.VBox:
        body = w.VBox(
            [self._row(f) for f in layout.fields_of(group.attr)],
            layout=w.Layout(margin="0 0 0 24px", display=None if group.start_on else "none"),
        )
        if not group.optional:
            head: w.Widget = w.HTML(f"<b>{esc(group.label)}</b>")
        else:
            toggle = w.Checkbox(value=group.start_on, description=group.label, indent=False)

            def flip(change: Any, attr: str = group.attr) -> None:
                body.layout.display = None if change["new"] else "none"
                self._changed(attr)

            toggle.observe(flip, names="value")
            self._toggles[group.attr] = toggle
            head = toggle
        return w.VBox([head, body])

    def _changed(self, key: str) -> None:
        if self._quiet:
            return
        self.touched.add(key)
        self._on_change(key)

    # --- values -------------------------------------------------------------------------

    def value(self, key: str) -> Any:
        """The value of field ``key`` as the spec takes it."""
        raw = self._controls[key].value
        field = self._fields[key]
        if field.kind is int and field.optional:
            text = str(raw).strip()
            if not text:
                return None
            try:
                return int(text)
            except ValueError:
                return text  # the backend names it: "Give a whole number."
        return raw

    def set_value(self, key: str, value: Any) -> None:
        """Set a control without counting it as a user's edit."""
        if key in self._controls:
            self._quiet = True
            try:
                self._controls[key].value = value
            finally:
                self._quiet = False

    def values(self) -> dict[str, Any]:
        return {key: self.value(key) for key in self._controls}

    def enabled(self) -> dict[str, bool]:
        """Optional groups turned on (the others are always sent)."""
        return {attr: bool(t.value) for attr, t in self._toggles.items()}

    def control(self, key: str) -> w.ValueWidget:
        """The control of field ``key`` (``"data_centres.number_of_nodes"``)."""
        return self._controls[key]

    def toggle(self, attr: str) -> w.Checkbox:
        """The checkbox that adds an optional group (``"dedicated_zookeeper"``)."""
        return self._toggles[attr]

    # --- messages -----------------------------------------------------------------------

    def field_of(self, api: str) -> str | None:
        """The field whose control fills API field ``api`` (or a part of it)."""
        if api in _NAME_KEYS:
            return "name"
        best: tuple[int, str] | None = None
        for key, names in self._api.items():
            for name in names:
                if api == name:
                    return key
                related = name.startswith((api + ".", api + "[")) or api.startswith(name + ".")
                if related and (best is None or len(name) > best[0]):
                    best = (len(name), key)
        return best[1] if best else None

    def draw_problems(
        self, problems: Mapping[str, str], api_errors: Mapping[str, str], *, show_all: bool
    ) -> list[str]:
        """Draw each message next to its field; returns those that belong to no field.

        A field's local problems show once it was touched (or ``show_all``: Create was
        pressed); the API's refusals always show, marked "API:".
        """
        by_field: dict[str, list[tuple[str, str]]] = {}
        general: list[str] = []
        for api, message in problems.items():
            key = self.field_of(api)
            if key is None:
                general.append(message)
            elif show_all or key in self.touched:
                by_field.setdefault(key, []).append((message, "warn"))
        for api, message in api_errors.items():
            key = self.field_of(api)
            if key is None:
                general.append(f"API: {message}")
            else:
                by_field.setdefault(key, []).append((f"API: {message}", "error"))
        self._draw(by_field)
        return general

    def _draw(self, by_field: Mapping[str, list[tuple[str, str]]]) -> None:
        for key, widget in self._messages.items():
            items = by_field.get(key, [])
            text = " · ".join(dict.fromkeys(m for m, _ in items))
            self._texts[key] = text
            if not items:
                widget.value = ""
                continue
            tone = "error" if any(t == "error" for _, t in items) else "warn"
            icon = "✖" if tone == "error" else "⚠"
            widget.value = (
                f'<span role="{"alert" if tone == "error" else "status"}" '
                f'style="color:{TONES["text"]};font-size:90%;">'
                f'<span style="color:{TONES[tone]};">{icon}</span> {esc(text)}</span>'
            )

    def message_of(self, key: str) -> str:
        """The text next to field ``key``'s control, without markup."""
        return self._texts.get(key, "")

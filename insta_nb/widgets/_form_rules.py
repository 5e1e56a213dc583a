"""The v1 create form's firewall rules: the addresses the new cluster lets in.

:class:`FormRules` (a mixin of :class:`~insta_nb.widgets.CreateForm`) adds a typed
CIDR once it is valid and not yet listed (or "my address", found for you), lists the
rules with a remove button each, and re-checks the form after every change.
"""

from __future__ import annotations

import ipywidgets as w

from insta_nb.widgets._form_messages import FormMessages
from insta_nb.widgets._tree import close_tree

__all__ = ["FormRules"]


class FormRules(FormMessages):
    """Adding and removing firewall rules (mixed into :class:`CreateForm`)."""

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

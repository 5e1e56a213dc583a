"""Static renderings of the v2 create form (a mixin of :class:`ProductForm`).

What GitHub, nbviewer or a notebook reopened without a kernel shows: the chosen
product and values, the problems, and the outcome of the last create.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from insta_nb.widgets._product_fields import LABELS
from insta_nb.widgets.snapshot import box_html, esc, table_html

if TYPE_CHECKING:
    import ipywidgets as w

    from insta_nb.session import Session
    from insta_nb.widgets._product_controls import ProductControls

__all__ = ["ProductSnapshot"]


class ProductSnapshot:
    """``snapshot_text`` and ``snapshot_html`` of the v2 create form."""

    session: Session
    product: w.Dropdown
    controls: ProductControls
    outcome_text: str

    @property
    def problems(self) -> dict[str, str]:
        raise NotImplementedError

    def _summary(self) -> list[tuple[str, str]]:
        rows = [("Product", LABELS.get(self.product.value, str(self.product.value)))]
        rows += [
            (f.label, str(self.controls.value(f.key))) for f in self.controls.layout_now.fields
        ]
        return rows

    def snapshot_text(self) -> str:
        """The form as plain text: the chosen values, problems and outcome."""
        lines = [self._title()] + [f"  {k}: {v}" for k, v in self._summary()]
        lines += [f"  ⚠ {field}: {message}" for field, message in self.problems.items()]
        return "\n".join(lines + ([f"  {self.outcome_text}"] if self.outcome_text else []))

    def snapshot_html(self) -> str:
        """The form as static HTML (escaped, themed)."""
        rows = [[esc(k), esc(v)] for k, v in self._summary()]
        rows += [[esc("⚠ " + f), esc(m)] for f, m in self.problems.items()]
        body = table_html(("Field", "Value"), rows)
        if self.outcome_text:
            body += f"<div>{esc(self.outcome_text)}</div>"
        return box_html(self._title(), body, note="Static snapshot of the form")

    def _title(self) -> str:
        return "Create a cluster (v2)" + (
            " (embedded simulator)" if self.session.is_simulated else ""
        )

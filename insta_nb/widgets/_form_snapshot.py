"""Static renderings of the v1 create form (a mixin of :class:`CreateForm`).

What GitHub, nbviewer or a notebook reopened without a kernel shows: the chosen
values, the problems, the outcome of the last create and the request body.
"""

from __future__ import annotations

from insta_nb.widgets._form_messages import FormMessages
from insta_nb.widgets.snapshot import box_html, esc, table_html, toned

__all__ = ["FormSnapshot"]


class FormSnapshot(FormMessages):
    """``snapshot_text`` and ``snapshot_html`` of the v1 create form."""

    outcome_text: str

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

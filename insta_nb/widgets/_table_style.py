"""The cluster table's own CSS, shipped inside the widget (an HTML widget holding a <style>).

Why CSS and not per-widget layouts: a row's cells are one HTML widget (one model instead
of a dozen), and the table must fit the output area whatever its width. The table is a
CSS container; the layout is narrow-first (name, status and nodes on the first line,
provider · region · node size · SLA tier wrapped under them) and becomes one line per
cluster with a column each once the table is at least :data:`WIDE_AT` pixels wide.
Frontends without container queries keep the narrow layout, which always fits.

The rules are scoped under ``.insta-nb-cluster-table``, ``.insta-nb-create-form`` and
``.insta-nb-dashboard`` so nothing leaks into the rest of the notebook. The last rules
lift text that ipywidgets draws in its secondary colour (inactive tab titles, a closed
accordion's title) to the primary one: in the dark theme it reads as disabled (4.2:1).
Colours are JupyterLab variables with fallbacks for other frontends.
"""

from __future__ import annotations

import ipywidgets as w

__all__ = ["TABLE_CSS", "WIDE_AT", "style_widget"]

#: Container width (px) from which secondary columns get columns of their own: the wide
#: grid's minimum (~915 px) plus the tick box and the two action buttons (~230 px). At 1060
#: Notebook 7's ~1100 px table put the SLA tier under the Details button.
WIDE_AT = 1180

_T = ".insta-nb-cluster-table"
_MUTED = "var(--jp-ui-font-color2, #616161)"

TABLE_CSS = f"""
{_T} {{ container-type: inline-size; container-name: inbtable; }}
{_T} .inb-cells {{
  display: grid; align-items: center; column-gap: 12px; row-gap: 0;
  grid-template-columns: minmax(80px, 240px) 160px 92px;
  min-width: 0; line-height: 1.35;
}}
{_T} .inb-cells > span {{ min-width: 0; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; }}
{_T} .inb-name {{ grid-row: span 2; }}
{_T} .inb-name b {{ display: block; overflow: hidden; text-overflow: ellipsis; }}
{_T} .inb-name small {{ color: {_MUTED}; }}
{_T} .inb-cells > .inb-more {{ grid-column: 2 / -1; color: {_MUTED}; font-size: 90%;
  white-space: normal; }}
{_T} .inb-more > span {{ white-space: nowrap; }}
{_T} .inb-more > span + span::before {{ content: "· "; }}
{_T} .inb-more:empty {{ display: none; }}
{_T} .inb-head {{ color: {_MUTED}; font-weight: 600; }}
{_T} .inb-head .inb-name {{ grid-row: auto; }}
{_T} .inb-sorted {{ color: var(--jp-ui-font-color1, inherit); }}
{_T} .inb-head, {_T} .inb-head .inb-more, {_T} .inb-head-row > .inb-cellbox {{
  overflow: visible; margin: 0; }}
{_T} .inb-head .inb-more {{ flex-wrap: wrap; column-gap: 8px; }}
{_T} .inb-head .inb-title {{
  width: auto; min-width: 0; height: auto; margin: 0; padding: 0 2px; border: 0;
  background: transparent; box-shadow: none; text-align: left; font: inherit;
  font-weight: 600; line-height: 1.35; color: {_MUTED}; cursor: pointer;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }}
{_T} .inb-head .inb-title.inb-sorted {{ color: var(--jp-ui-font-color1, inherit); }}
{_T} .inb-head .inb-title:hover {{ color: var(--jp-ui-font-color1, inherit);
  text-decoration: underline; box-shadow: none; }}
{_T} .inb-head .inb-title:focus-visible {{
  outline: 2px solid var(--jp-brand-color1, #1976d2); outline-offset: 1px; }}
{_T} .inb-status .inb-resizing {{ display: block; font-size: 85%; font-weight: 400; }}
{_T} .inb-bar {{ display: inline-block; width: 40px; height: 8px; margin-right: 6px;
  vertical-align: middle; border-radius: 4px;
  background: var(--jp-layout-color3, #bdbdbd); overflow: hidden; }}
{_T} .inb-bar > span {{ display: block; height: 100%;
  background: var(--jp-brand-color1, #1976d2); }}
{_T} .inb-bar.inb-done > span {{ background: var(--jp-success-color1, #388e3c); }}
{_T} .inb-row {{ border-bottom: 1px solid var(--jp-border-color2, #e0e0e0);
  padding: 2px 0; flex-wrap: wrap; align-items: center; overflow: visible; }}
{_T} .inb-row > .inb-second {{ flex: 1 1 100%; min-width: 0; }}
{_T} .inb-line {{ flex: 1 1 100%; min-width: 0; }}
{_T} .inb-cellbox {{ flex: 1 1 360px; min-width: 0; }}
{_T} .inb-pick {{ flex: 0 0 28px; }}
{_T} .inb-pick .widget-checkbox, {_T} .inb-pick input {{ margin: 0; }}
{_T} .inb-action {{ flex: 0 0 auto; }}
{_T} .inb-second {{ flex: 1 1 100%; margin-left: 28px; min-width: 0; }}
{_T} .insta-nb-table-count {{ font-weight: 600; margin-right: 12px; }}
{_T} .inb-ghost {{ visibility: hidden; }}
@container inbtable (min-width: {WIDE_AT}px) {{
  {_T} .inb-cells {{
    grid-template-columns: minmax(120px, 260px) 170px 92px 86px 110px 130px 134px;
  }}
  {_T} .inb-name {{ grid-row: auto; }}
  {_T} .inb-cells > .inb-more {{ display: contents; font-size: inherit; }}
  {_T} .inb-more > span {{ overflow: hidden; text-overflow: ellipsis; }}
  {_T} .inb-more > span + span::before {{ content: none; }}
  {_T} .inb-more > .inb-wait {{ grid-column: span 3; }}
}}
.insta-nb-create-form .jupyter-widget-Collapse-header {{
  color: var(--jp-ui-font-color1, inherit);
}}
.insta-nb-dashboard .jupyter-widget-tab > .lm-TabBar .lm-TabBar-tab:not(.lm-mod-current) {{
  color: var(--jp-ui-font-color1, inherit); opacity: 1;
}}
.insta-nb-dashboard .lm-TabBar-tab:not(.lm-mod-current) .lm-TabBar-tabLabel {{
  color: var(--jp-ui-font-color1, inherit); opacity: 1;
}}
"""


def style_widget() -> w.HTML:
    """A fresh invisible widget carrying :data:`TABLE_CSS` (one per view that needs it)."""
    html = w.HTML(f"<style>{TABLE_CSS}</style>", layout=w.Layout(display="none"))
    html.add_class("insta-nb-style")
    return html

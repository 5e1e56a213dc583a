"""Layout and style models that the many identical rows of a table share.

ipywidgets lets several widgets use one ``Layout`` or style model; a table's rows then
open a few models each instead of a dozen, which is most of a first draw's cost.
"""

from __future__ import annotations

import ipywidgets as w
from ipywidgets.widgets.widget_bool import CheckboxStyle, ToggleButtonStyle
from ipywidgets.widgets.widget_string import HTMLStyle

__all__ = ["SharedModels"]


class SharedModels:
    """Layout and style models that many identical rows can share (read-only use).

    ipywidgets lets several widgets use one ``Layout``/style model; a table of 50 rows
    then opens 6 models a row instead of 16. Nobody may change these models' traits
    (that would change every row): per-row layout changes need a model of their own.
    """

    def __init__(self) -> None:
        self.plain = w.Layout()
        self.pick = w.Layout(width="28px")
        self.toggle = w.Layout(width="96px")
        self.button = w.Layout(width="100px")
        self.button_style = w.ButtonStyle()
        self.toggle_style = ToggleButtonStyle()
        self.checkbox_style = CheckboxStyle()
        self.html_style = HTMLStyle()

    def models(self) -> list[w.Widget]:
        """Every shared model (closed by their owner, last)."""
        return [
            self.plain, self.pick, self.toggle, self.button,
            self.button_style, self.toggle_style, self.checkbox_style, self.html_style,
        ]  # fmt: skip

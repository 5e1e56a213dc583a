"""Every control says what it does (description or tooltip); status is never colour alone."""

from __future__ import annotations

import ipywidgets as w

from insta_nb.widgets import Dashboard
from insta_nb.widgets._tree import walk

from .conftest import World

CONTROLS = (w.Button, w.ToggleButton, w.Dropdown, w.Text, w.IntText, w.Checkbox, w.IntProgress)


def test_every_control_has_a_description_or_a_tooltip(world: World) -> None:
    world.create("labelled")
    world.list()
    board = Dashboard(world.session, bridge=world.bridge(), watch=False)
    board.bridge.drain()
    row = next(iter(board.table.row_views.values()))
    row.delete.delete_button.click()  # the confirmation's controls too
    row.details_toggle.value = True
    board.form.rule_cidr.value = "198.51.100.7/32"
    board.form.rule_add.click()  # and a rule's remove button
    board.bridge.drain()
    controls = [x for x in walk(board) if isinstance(x, CONTROLS)]
    assert len(controls) > 30
    silent = [x for x in controls if not (x.description or "").strip() and not x.tooltip]
    assert silent == []
    board.close()


def test_status_is_spelled_out_next_to_its_icon(world: World) -> None:
    world.create("spelled")
    world.list()
    board = Dashboard(world.session, bridge=world.bridge(), watch=False)
    board.bridge.drain()
    row = next(iter(board.table.row_views.values()))
    assert "GENESIS" in row.cells.value
    assert "○" in row.cells.value
    board.close()

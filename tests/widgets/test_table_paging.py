"""The table at scale: a count at once, one page of reused rows, filter, sort, selection
across pages, rows known only from the list, and the plug-in point of a row's details."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import ipywidgets as w
import pytest

from insta_nb.models import ClusterStatus
from insta_nb.service import ClusterRow
from insta_nb.widgets import ClusterTable
from insta_nb.widgets.row_extensions import RowAction, RowContext, RowPanel
from insta_nb.widgets.table_controls import COUNT_CLASS

from .conftest import World
from .messages import Messages, model_ids


@pytest.fixture
def table(world: World) -> Iterator[ClusterTable]:
    bridge = world.bridge()
    t = ClusterTable(world.session, bridge=bridge, watch=False)
    bridge.drain()
    yield t
    t.close()


def fake_rows(n: int, **overrides: object) -> list[ClusterRow]:
    return [
        ClusterRow(
            id=f"00000000-0000-4000-8000-{i:012d}",
            name=f"cluster_{i:03d}",
            status=ClusterStatus.RUNNING,
            node_count=3,
            running_node_count=3,
            provider="AWS_VPC",
            region="US_WEST_2",
            node_size="t3.small-v2",
            sla_tier="NON_PRODUCTION",
            since=1_700_000_000.0 + i,
            version=1,
            **overrides,  # type: ignore[arg-type]
        )
        for i in range(n)
    ]


def names(table: ClusterTable) -> list[str]:
    return [v.row.name for v in table.rows_box.children]  # type: ignore[attr-defined]


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_the_count_and_the_first_page_appear_with_the_list(table: ClusterTable) -> None:
    assert table.controls.count.layout.display == "none"  # no number before the list
    assert table.updated_label.value == "Not refreshed yet"
    table.show_rows(fake_rows(120))
    count = table.controls.count
    assert COUNT_CLASS in count._dom_classes
    assert count.value == "120 clusters"
    assert count.layout.display is None
    assert table.controls.pager_label.value == "1–50 of 120"
    assert len(table.rows_box.children) == 50  # widgets for one page only
    assert names(table)[:2] == ["cluster_000", "cluster_001"]
    assert table.updated_label.value.startswith("Cluster list received")
    assert table.controls.prev_button.disabled
    assert not table.controls.next_button.disabled


def test_paging_reuses_the_same_row_widgets(table: ClusterTable) -> None:
    table.show_rows(fake_rows(120))
    first_page = list(table.rows_box.children)
    counter = Messages(table)
    table.controls.next_button.click()
    assert table.controls.pager_label.value == "51–100 of 120"
    assert list(table.rows_box.children) == first_page  # the same widgets, other clusters
    assert names(table)[0] == "cluster_050"
    # One message a row (its cells, which name the cluster), a few for the pager: the
    # buttons' tooltips speak of "this cluster" and stay as they are.
    assert counter.total <= 50 + 5
    row = table.rows_box.children[0]
    assert "cluster_050" in row.cells.value
    for control in (row.pick, row.details_toggle, row.delete.delete_button):
        assert "this cluster" in control.tooltip
        assert "cluster_0" not in control.tooltip
    table.controls.next_button.click()
    assert table.controls.pager_label.value == "101–120 of 120"
    assert len(table.rows_box.children) == 20
    assert table.controls.next_button.disabled
    table.controls.page_size.value = 100
    assert table.controls.pager_label.value == "101–120 of 120"  # the first row stays in view


def test_a_refresh_sends_only_the_changed_rows_messages_and_none_for_other_pages(
    table: ClusterTable,
) -> None:
    rows = fake_rows(120)
    table.show_rows(rows)
    on_page = table.row_views[rows[3].id]
    counter = Messages(table)
    table.show_rows(rows)
    assert counter.total == 0
    rows[110] = replace(rows[110], status=ClusterStatus.DEGRADED, version=2)
    table.show_rows(rows)
    assert counter.total == 0  # not in view: nothing to send
    rows[3] = replace(rows[3], running_node_count=2, version=2)
    table.show_rows(rows)
    assert counter.total == 1
    assert set(counter.by_model) <= model_ids(on_page)


def test_filter_by_name_and_status_and_sort_by_any_column(table: ClusterTable) -> None:
    rows = fake_rows(60)
    rows[7] = replace(rows[7], status=ClusterStatus.FAILED, region="EU_WEST_1")
    rows[42] = replace(rows[42], status=ClusterStatus.PROVISIONING, running_node_count=1)
    table.show_rows(rows)
    controls = table.controls
    controls.filter_text.value = "cluster_04"
    assert names(table) == [f"cluster_04{i}" for i in range(10)]
    assert controls.pager_label.value == "1–10 of 10"
    assert controls.count.value == "60 clusters"  # the count is of every cluster
    controls.filter_text.value = "no such"
    assert "No cluster matches the filter." in table.empty_html.value
    controls.filter_text.value = ""
    controls.status_choice.value = "Needs attention"
    assert names(table) == ["cluster_007"]
    controls.status_choice.value = "In progress"
    assert names(table) == ["cluster_042"]
    controls.status_choice.value = "All statuses"
    controls.sort_choice.value = "Region"
    assert names(table)[0] == "cluster_007"  # EU_WEST_1 before US_WEST_2
    controls.order_toggle.value = True
    assert controls.order_toggle.description == "Descending"
    header = table.head_row.text
    assert "Region ▼" in header
    controls.sort_choice.value = "Nodes"
    controls.order_toggle.value = False
    assert names(table)[0] == "cluster_042"  # 1/3 before 3/3
    assert "Nodes ▲" in table.head_row.text


def test_sorting_by_region_puts_eu_before_us(table: ClusterTable) -> None:
    rows = fake_rows(5)
    rows[3] = replace(rows[3], region="EU_WEST_1")
    table.show_rows(rows)
    table.controls.sort_choice.value = "Region"
    assert names(table)[0] == "cluster_003"
    table.controls.order_toggle.value = True
    assert names(table)[-1] == "cluster_003"


def test_selection_survives_paging_and_select_all_takes_the_page(table: ClusterTable) -> None:
    rows = fake_rows(70)
    table.show_rows(rows)
    table.row_views[rows[1].id].pick.value = True
    table.controls.next_button.click()
    assert not any(v.pick.value for v in table.row_views.values())
    table.select_all.value = True  # the 20 clusters of page 2
    assert table.delete_selected.description == "Delete selected (21)"
    table.controls.prev_button.click()
    assert table.row_views[rows[1].id].pick.value
    assert not table.row_views[rows[2].id].pick.value
    assert not table.select_all.value  # not every row of this page is selected


def test_rows_known_only_from_the_list_say_their_details_are_loading(
    table: ClusterTable,
) -> None:
    listed_only = ClusterRow(
        id="11111111-0000-4000-8000-000000000001",
        name="listed_only",
        status=ClusterStatus.RUNNING,
        node_count=3,
        running_node_count=3,
        sla_tier="PRODUCTION",
        version=1,
    )
    table.show_rows([listed_only, *fake_rows(1)])
    bare = plain(table.row_views[listed_only.id].cells.value)
    assert "details loading…" in bare
    assert "—" not in bare  # no column of dashes next to full rows
    assert "PRODUCTION" in bare  # what the list does say is shown
    full = plain(table.row_views[fake_rows(1)[0].id].cells.value)
    assert "AWS_VPC" in full
    assert "US_WEST_2" in full
    assert "loading" not in full


def test_row_actions_and_panels_plug_into_the_details(world: World, table: ClusterTable) -> None:
    seen: list[RowContext] = []
    built: list[w.Widget] = []

    def build(ctx: RowContext) -> w.Widget:
        panel = w.HTML(f"peering of {ctx.row.name}")
        built.append(panel)
        return panel

    table.add_row_action(
        RowAction(
            "Resize",
            run=seen.append,
            tooltip="Change the node size",
            available=lambda r: r.status is ClusterStatus.RUNNING,
        )
    )
    table.add_row_panel(RowPanel("VPC peering", build=build))
    rows = fake_rows(2)
    table.show_rows(rows)
    view = table.row_views[rows[0].id]
    assert built == []  # nothing is built for closed details
    view.details_toggle.value = True
    details = view.details
    assert details is not None
    assert built
    assert built[0].value == "peering of cluster_000"
    resize = details.action_bar.children[0]
    assert resize.description == "Resize"
    resize.click()
    assert [c.cluster_id for c in seen] == [rows[0].id]
    seen[0].report_error("resize refused: quota")
    assert "resize refused: quota" in view.error_html.value
    table.show_rows([replace(rows[0], status=ClusterStatus.DEGRADED, version=2), rows[1]])
    assert resize.disabled  # not available on a DEGRADED cluster
    view.details_toggle.value = False
    assert built[0].comm is None  # the panel closes with the details


def test_a_row_back_in_view_shows_the_selection_as_it_is_now(table: ClusterTable) -> None:
    rows = fake_rows(3)
    table.show_rows(rows)
    table.row_views[rows[2].id].pick.value = True
    table.controls.filter_text.value = "cluster_000"  # rows 1 and 2 leave the page
    table.select(rows[2].id, False)  # e.g. deleted with "Delete selected" meanwhile
    table.controls.filter_text.value = ""
    assert not table.row_views[rows[2].id].pick.value
    assert table.delete_selected.description == "Delete selected (0)"


def test_clicking_a_column_title_sorts_by_it_and_the_sort_control_follows(
    table: ClusterTable,
) -> None:
    rows = fake_rows(5)
    rows[3] = replace(rows[3], region="EU_WEST_1")
    table.show_rows(rows)
    titles = table.head_row.titles
    assert all(isinstance(b, w.Button) for b in titles.values())  # Tab, Enter, Space
    assert titles["Cluster"].description == "Cluster ▲"
    assert titles["Region"].tooltip == "Sort by Region"
    titles["Region"].click()
    assert table.controls.sort_choice.value == "Region"
    assert names(table)[0] == "cluster_003"  # EU_WEST_1 first
    assert titles["Region"].description == "Region ▲"
    assert titles["Region"].tooltip == "Sorted by Region, ascending: click for descending"
    assert titles["Cluster"].description == "Cluster"
    assert "inb-sorted" in titles["Region"]._dom_classes  # drawn in the text colour
    assert "inb-sorted" not in titles["Cluster"]._dom_classes
    titles["Region"].click()  # the sorted column again: the other order
    assert table.controls.order_toggle.value is True
    assert table.controls.order_toggle.description == "Descending"
    assert names(table)[-1] == "cluster_003"
    assert titles["Region"].description == "Region ▼"
    table.controls.sort_choice.value = "Nodes"  # and the Sort control moves the arrow
    assert titles["Nodes"].description == "Nodes ▼"
    assert titles["Region"].description == "Region"
    titles["Status"].click()  # another column: ascending
    assert table.controls.order_toggle.value is False
    assert table.controls.sort_choice.value == "Status"
    assert "Status ▲" in table.head_row.text


def test_the_static_snapshot_shows_the_first_50_in_the_tables_order_then_a_count(
    table: ClusterTable,
) -> None:
    table.show_rows(fake_rows(500))
    table.controls.order_toggle.value = True  # by name, descending
    text = table.snapshot_text()
    assert "cluster_499" in text
    assert "cluster_450" in text
    assert "cluster_449" not in text
    assert text.endswith("… and 450 more clusters")
    html = table.snapshot_html()
    assert html.count("<tr>") == 51  # the titles and 50 clusters
    assert "… and 450 more clusters" in plain(html)
    assert "450 more" in table._repr_mimebundle_()["text/plain"]
    table.controls.filter_text.value = "cluster_00"  # ten match: all listed, no count
    assert "more cluster" not in table.snapshot_text()
    assert table.snapshot_text().count("cluster_00") == 10


def test_the_page_in_view_is_what_the_service_reads_first(table: ClusterTable) -> None:
    """With hundreds of clusters the service reads a few unread ones per refresh; the
    table tells it which ones the user is looking at (its page, in its order)."""
    rows = fake_rows(120)
    table.show_rows(rows)
    assert table._focus == tuple(r.id for r in rows[:50])
    table.controls.next_button.click()
    assert table._focus == tuple(r.id for r in rows[50:100])
    table.controls.filter_text.value = "cluster_11"
    assert table._focus == tuple(r.id for r in rows[110:120])

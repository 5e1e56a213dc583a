"""The live table: rows by id, updated in place, only when their version changed."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd
import pytest

from insta_nb.engine import BreakerState, EngineSnapshot
from insta_nb.frame import COLUMNS
from insta_nb.models import ClusterStatus
from insta_nb.widgets import ClusterTable
from insta_nb.widgets.cluster_table import REFRESH_CHOICES

from .conftest import World
from .messages import Messages, model_ids


@pytest.fixture
def table(world: World) -> Iterator[ClusterTable]:
    bridge = world.bridge()
    t = ClusterTable(world.session, bridge=bridge, watch=False)
    bridge.drain()
    yield t
    t.close()


def refresh(world: World, table: ClusterTable) -> None:
    """One list request, as the poller makes it; its row events reach the table."""
    table.bridge.run(world.session.service.list_clusters)
    table.bridge.drain()


def test_rows_appear_in_name_order_with_status_text_and_icon(
    world: World, table: ClusterTable
) -> None:
    assert "Loading" in table.empty_html.value
    world.on_engine(world.session.service.refresh_once)  # one poll: an empty account
    table.bridge.drain()
    assert "No clusters" in table.empty_html.value
    assert table.updated_label.value.startswith("Last updated")
    beta = world.create("beta")
    alpha = world.create("alpha")
    refresh(world, table)
    assert set(table.row_views) == {alpha, beta}
    assert [v.cluster_id for v in table.rows_box.children] == [alpha, beta]
    view = table.row_views[alpha]
    assert "○ GENESIS" in re.sub(
        r"<[^>]+>", "", view.cells.value
    )  # icon and word, never colour alone
    assert "0/3" in view.cells.value
    assert 'aria-valuemax="3"' in view.cells.value  # the progress bar, in the same cell HTML
    assert "NON_PRODUCTION" in view.cells.value
    assert table.empty_html.layout.display == "none"


def test_an_unchanged_refresh_sends_no_row_message(world: World, table: ClusterTable) -> None:
    for name in ("a1", "a2", "a3"):
        world.create(name)
    refresh(world, table)
    counter = Messages(table)
    refresh(world, table)  # nothing changed: the service reports no changed row at all
    table.show_rows(world.session.rows())  # and redrawing the same versions sends nothing
    assert counter.total == 0


def test_one_changed_row_sends_only_that_rows_messages(world: World, table: ClusterTable) -> None:
    first = world.create("first")
    world.advance(20)
    world.create("second")
    world.create("third")
    refresh(world, table)
    views = table.row_views
    counter = Messages(table)
    world.advance(15)  # "first" is 35 s old: PROVISIONING; the others are still GENESIS
    refresh(world, table)
    assert table.row_views == views  # the same widgets, updated in place
    assert "PROVISIONING" in views[first].cells.value
    assert counter.total > 0
    assert set(counter.by_model) <= model_ids(views[first])
    assert max(counter.by_model.values()) == 1  # hold_sync: one message per widget


def test_removed_clusters_leave_and_their_widgets_are_reused(
    world: World, table: ClusterTable
) -> None:
    gone = world.create("gone")
    world.create("stays")
    refresh(world, table)
    view = table.row_views[gone]
    world.on_engine(lambda: world.session.service.delete_cluster(gone))
    world.advance(60 * 20)
    refresh(world, table)
    assert gone not in table.row_views
    assert len(table.rows_box.children) == 1
    assert view.cluster_id != gone  # its widgets now show the cluster that stays
    assert table.controls.count.value == "1 cluster"


def test_dataframe_is_a_copy_with_the_fixed_columns(world: World, table: ClusterTable) -> None:
    world.create("framed")
    refresh(world, table)
    frame = table.dataframe
    assert list(frame.columns) == list(COLUMNS)
    assert frame["name"].tolist() == ["framed"]
    frame.loc[0, "name"] = "changed"
    frame["status"] = "EDITED"
    again = table.dataframe
    assert again["name"].tolist() == ["framed"]
    assert isinstance(again, pd.DataFrame)


def test_details_open_watch_and_close_stops_watching(world: World, table: ClusterTable) -> None:
    cluster = world.create("detailed")
    refresh(world, table)
    view = table.row_views[cluster]
    service = world.session.service
    view.details_toggle.value = True
    table.bridge.drain()
    assert cluster in table._detail_watches
    assert any(cluster in w.detail_ids for w in service.watches)
    world.on_engine(lambda: service.get_cluster(cluster))
    table.bridge.drain()
    assert view.details is not None
    html = view.details.body.value
    assert "Data centre" in html
    assert "us-west-2a" in html
    assert "Firewall rules" in html
    view.details_toggle.value = False
    world.on_engine(_noop)  # the stop() call went to the engine loop before this
    assert not service.watches
    assert view.details is None


def test_the_table_watches_while_alive_and_stops_when_closed(world: World) -> None:
    bridge = world.bridge()
    table = ClusterTable(world.session, bridge=bridge)
    bridge.drain()
    service = world.session.service
    assert len(service.watches) == 1
    table.close()
    world.on_engine(_noop)
    assert not service.watches
    assert table.comm is None


def test_refresh_controls_act_on_this_tables_watch_only(world: World) -> None:
    mine = ClusterTable(world.session, bridge=world.bridge())
    other = ClusterTable(world.session, bridge=world.bridge())
    for t in (mine, other):
        t.bridge.drain()
    world.on_engine(_noop)
    assert mine.interval_choice.description
    assert mine.pause_toggle.tooltip
    assert mine.refresh_button.tooltip
    watch, others = mine._watch, other._watch
    assert watch is not None
    assert others is not None
    assert watch is not others

    mine.interval_choice.value = 60.0
    world.on_engine(_noop)  # the change went to the engine loop before this
    assert watch.period == 60.0
    assert others.period is None  # the other table keeps its own period
    assert dict(REFRESH_CHOICES)[mine.interval_choice.label] == 60.0
    mine.interval_choice.value = 0.0  # "auto": the service's own policy
    world.on_engine(_noop)
    assert watch.period is None

    mine.pause_toggle.value = True
    world.on_engine(_noop)
    assert watch.paused is True
    assert others.paused is False  # pausing one table leaves the other refreshing
    assert mine.pause_toggle.description == "Resume"
    assert "paused" in mine.updated_label.value
    assert "paused" not in other.updated_label.value
    mine.pause_toggle.value = False
    world.on_engine(_noop)
    assert watch.paused is False
    mine.refresh_button.click()
    mine.refresh_button.click()
    world.on_engine(_noop)
    mine.close()
    other.close()
    world.on_engine(_noop)
    assert not world.session.service.watches


def test_banner_counts_down_a_rate_limit_pause_then_disappears(
    world: World, table: ClusterTable
) -> None:
    timers = world.timers
    table._show_engine(_snapshot(paused_for=2.5))
    assert "Rate limited" in table.banner.text
    assert "resumes in 3 s" in table.banner.text
    timers.advance(1)
    assert "resumes in 2 s" in table.banner.text
    timers.advance(2)
    assert "Retrying now" in table.banner.text
    assert timers.pending == 0  # the countdown stopped by itself
    table._show_engine(_snapshot())
    assert table.banner.text == ""
    assert table.banner.layout.display == "none"


def test_banner_says_when_the_api_is_unreachable(world: World, table: ClusterTable) -> None:
    table._show_engine(_snapshot(breaker=BreakerState.OPEN, next_probe_in=4.0, failures=3))
    assert "API unreachable" in table.banner.text
    assert "next check in 4 s" in table.banner.text
    table.close()
    before = world.timers.pending
    world.timers.advance(5)  # a closed banner never ticks again
    assert world.timers.pending <= before


def test_last_updated_follows_the_poller(world: World, table: ClusterTable) -> None:
    table._show_poll((1_700_000_000.0, None))
    assert table.updated_label.value.startswith("Last updated ")
    table._show_poll((1_700_000_005.0, "503 the API is down"))
    assert "Last refresh failed" in table.banner.text


def test_no_fake_age_only_when_this_view_first_saw_the_cluster(
    world: World, table: ClusterTable
) -> None:
    cluster = world.create("aging")
    refresh(world, table)
    view = table.row_views[cluster]
    assert "Age" not in table.head_row.text
    assert not re.search(r"\b\d+ (s|min|h|d)\b", view.cells.value)  # no "0 s" age
    view.details_toggle.value = True
    table.bridge.drain()
    assert view.details is not None
    assert "first seen" in view.details.body.value
    assert "First seen" in table.snapshot_text()


def _noop() -> object:
    async def nothing() -> None:
        return None

    return nothing()


def _snapshot(
    *,
    paused_for: float = 0.0,
    breaker: BreakerState = BreakerState.CLOSED,
    next_probe_in: float | None = None,
    failures: int = 0,
) -> EngineSnapshot:
    return EngineSnapshot(
        queued=(),
        in_flight=None,
        interval=2.5,
        base_interval=2.5,
        next_slot_in=0.0,
        paused_for=paused_for,
        last_429_ago=0.5 if paused_for else None,
        recent_429=1 if paused_for else 0,
        breaker=breaker,
        next_probe_in=next_probe_in,
        consecutive_failures=failures,
        sent=3,
        succeeded=2,
        rejected_429=1 if paused_for else 0,
        failed=0,
        retried=0,
    )


def test_status_words_cover_every_status() -> None:
    from insta_nb.widgets.snapshot import status_label

    for status in ClusterStatus:
        label = status_label(status)
        assert status.value in label
        assert label.split(" ")[0]  # an icon before the word

"""The request queue: what waits for a slot, in which order, and why.

Shows queued requests by class (your changes, your reads, background refreshes) with
their position and estimated time to send, a Cancel button for each (only queued
requests can be cancelled: a sent one is left to finish), the next free slot, recent
429s, the outage state and the sent / ok / 429 counters. Redraws follow engine events
but at most :data:`MIN_REDRAW_GAP` apart.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from insta_nb.session import EngineSnapshot, JobInfo, JobKind, ServiceEvent
from insta_nb.widgets._bridge import Bridge, TimerHandle
from insta_nb.widgets._tree import close_tree
from insta_nb.widgets.banner import Banner
from insta_nb.widgets.snapshot import (
    TONES,
    SnapshotDisplay,
    box_html,
    esc,
    table_html,
    text_table,
    toned,
)

if TYPE_CHECKING:
    from insta_nb.session import Session

__all__ = ["KIND_TITLES", "MAX_ROWS_PER_CLASS", "MIN_REDRAW_GAP", "QueueView"]

#: Seconds between two redraws at most (a few per second).
MIN_REDRAW_GAP = 0.25
#: Rows drawn per class at most; the rest are counted ("… and 12 more").
MAX_ROWS_PER_CLASS = 20
KIND_TITLES: dict[JobKind, str] = {
    JobKind.MUTATION: "Your changes",
    JobKind.READ: "Your reads",
    JobKind.POLL: "Background refreshes",
}
_ids = itertools.count(1)


def _column(width: str) -> w.Layout:
    return w.Layout(width=width, min_width=width, overflow="hidden", flex="0 0 auto")


class _JobRow(w.HBox):
    """One line of the queue; reused for whichever job sits at its place."""

    def __init__(self, on_cancel: Any) -> None:
        self.job: JobInfo | None = None
        self.position = w.Label(layout=_column("40px"))
        # The request label gives way on narrow outputs; the Cancel button never does.
        self.what = w.Label(layout=w.Layout(flex="1 1 440px", min_width="160px", overflow="hidden"))
        self.eta = w.Label(layout=_column("100px"))
        self.owner = w.Label(layout=_column("190px"))
        self.cancel = w.Button(
            description="Cancel",
            icon="times",
            tooltip="Cancel this request before it is sent",
            layout=w.Layout(width="auto", flex="0 0 auto"),
        )
        self.cancel.on_click(lambda _: on_cancel(self))
        super().__init__(
            [self.position, self.what, self.eta, self.owner, self.cancel],
            layout=w.Layout(align_items="center"),
        )

    @property
    def job_id(self) -> int | None:
        return None if self.job is None else self.job.id

    def show(self, job: JobInfo) -> None:
        if self.job is None or self.job.id != job.id:
            self.cancel.disabled = False
            self.cancel.description = "Cancel"
            self.cancel.tooltip = f"Cancel '{job.label}' before it is sent"
        self.job = job
        self.position.value = f"#{job.position + 1}"
        retry = f" (retry {job.attempts})" if job.is_retry else ""
        self.what.value = f"{job.label}{retry}"
        self.eta.value = "sends next" if job.eta < 0.05 else f"in ≈ {job.eta:.1f} s"
        self.owner.value = job.owner or "(background)"

    def cells(self) -> list[str]:
        kind = KIND_TITLES[self.job.kind] if self.job is not None else ""
        return [self.position.value, kind, self.what.value, self.eta.value, self.owner.value]


class QueueView(SnapshotDisplay, w.VBox):
    """The shared engine's queue, pacing and health, live.

    Args:
        session: Whose engine (the process's one engine).
        bridge: Share one with sibling views (the dashboard does); default: a new one.
    """

    def __init__(self, session: Session, *, bridge: Bridge | None = None) -> None:
        self.session = session
        self.bridge = bridge or Bridge(session)
        self._own_bridge = bridge is None
        self.owner = f"widget:queue-view:{next(_ids)}"
        self._closed = False
        self._unsubscribe: Callable[[], None] = lambda: None
        #: Row widgets per class, reused by place so a busy queue creates no new models.
        self._pool: dict[JobKind, list[_JobRow]] = {kind: [] for kind in JobKind}
        self._shown: dict[JobKind, int] = dict.fromkeys(JobKind, 0)
        self._more: dict[JobKind, w.HTML] = {
            kind: w.HTML(layout=w.Layout(margin="0 0 0 40px")) for kind in JobKind
        }
        self._sections: dict[JobKind, w.HTML] = {
            kind: w.HTML(layout=w.Layout(display="none")) for kind in JobKind
        }
        self.snapshot: EngineSnapshot | None = None
        self._last_draw = float("-inf")
        self._timer: TimerHandle | None = None
        self._wanted = False
        self.redraws = 0
        title = "Request queue" + (" — embedded simulator" if session.is_simulated else "")
        self.title = w.HTML(f"<b>{esc(title)}</b>")
        self.banner = Banner(self.bridge.timers)
        self.stats = w.HTML()
        self.empty_html = w.HTML(toned("Nothing queued.", "muted"))
        self.jobs_box = w.VBox([])
        self.refresh_button = w.Button(
            description="Refresh",
            icon="refresh",
            tooltip="Redraw the queue now (sends no request)",
            layout=w.Layout(width="auto"),
        )
        self.refresh_button.on_click(lambda _: self.refresh())
        super().__init__(
            [
                w.HBox([self.title, self.refresh_button], layout=w.Layout(align_items="center")),
                self.banner,
                self.stats,
                self.empty_html,
                self.jobs_box,
            ]
        )
        self.add_class("insta-nb-queue-view")
        self._unsubscribe = self.bridge.subscribe(self._on_service_event)
        self.refresh()

    # --- events, throttled ---------------------------------------------------------------

    def _on_service_event(self, event: ServiceEvent) -> None:
        # Engine thread: only note that a redraw is wanted.
        if event.engine and not self._wanted:
            self._wanted = True
            self.bridge.deliver(self._request_redraw)

    def _request_redraw(self) -> None:
        if self._closed or self._timer is not None:
            return
        wait = self._last_draw + MIN_REDRAW_GAP - self.bridge.timers.now()
        if wait <= 0:
            self.refresh()
        else:
            self._timer = self.bridge.timers.call_later(wait, self._timer_fired)

    def _timer_fired(self) -> None:
        self._timer = None
        self.refresh()

    def refresh(self) -> None:
        """Take a snapshot on the engine thread and draw it (no API request)."""
        if self._closed:
            return
        self._wanted = False
        self._last_draw = self.bridge.timers.now()
        session = self.session

        async def take() -> EngineSnapshot:
            return session.engine_snapshot()

        self.bridge.run(take, on_result=self.show_snapshot, what="read the queue")

    # --- drawing ---------------------------------------------------------------------------

    def show_snapshot(self, snap: EngineSnapshot) -> None:
        """Draw ``snap``: rows are kept per job id and updated in place."""
        if self._closed:
            return
        self.snapshot = snap
        self.redraws += 1
        self.banner.update(snap)
        self.stats.value = _stats_html(snap)
        children: list[w.Widget] = []
        for kind, jobs in snap.queued_by_kind().items():
            section = self._sections[kind]
            section.value = (
                f'<b style="color:{TONES["muted"]};">{esc(KIND_TITLES[kind])}</b> '
                f"{toned(f'({len(jobs)} queued)', 'muted')}"
            )
            section.layout.display = None if jobs else "none"
            if not jobs:
                self._shown[kind] = 0
                continue
            children.append(section)
            pool = self._pool[kind]
            visible = jobs[:MAX_ROWS_PER_CLASS]
            while len(pool) < len(visible):
                pool.append(_JobRow(self._cancel))
            for row, job in zip(pool, visible, strict=False):
                row.show(job)
            self._shown[kind] = len(visible)
            children += pool[: len(visible)]
            if len(jobs) > len(visible):
                self._more[kind].value = toned(f"… and {len(jobs) - len(visible)} more", "muted")
                children.append(self._more[kind])
        if tuple(children) != tuple(self.jobs_box.children):
            self.jobs_box.children = tuple(children)
        self.empty_html.layout.display = "none" if snap.queued else None

    def _cancel(self, row: _JobRow) -> None:
        job_id = row.job_id
        if job_id is None or row.cancel.disabled:
            return
        row.cancel.disabled = True
        row.cancel.description = "Cancelling…"
        self.session.cancel_job(job_id)

    @property
    def job_rows(self) -> dict[int, _JobRow]:
        """The rows shown now, by the id of the job each one shows."""
        return {
            row.job.id: row
            for kind, pool in self._pool.items()
            for row in pool[: self._shown[kind]]
            if row.job is not None
        }

    # --- snapshots --------------------------------------------------------------------------

    def _job_cells(self) -> list[list[str]]:
        snap = self.snapshot
        if snap is None:
            return []
        rows = self.job_rows
        return [rows[j.id].cells() for j in snap.queued if j.id in rows]

    def snapshot_text(self) -> str:
        """The queue as plain text."""
        lines = [self._title()]
        if self.snapshot is not None:
            lines.append(_stats_text(self.snapshot))
        if self.banner.text:
            lines.append(self.banner.text)
        cells = self._job_cells()
        headers = ("#", "Class", "Request", "When", "Asked by")
        lines.append(text_table(headers, cells) if cells else "Nothing queued.")
        return "\n".join(lines)

    def snapshot_html(self) -> str:
        """The queue as static HTML."""
        cells = [[esc(c) for c in row] for row in self._job_cells()]
        headers = ("#", "Class", "Request", "When", "Asked by")
        body = _stats_html(self.snapshot) if self.snapshot is not None else ""
        if self.banner.text:
            body += f"<div>{esc(self.banner.text)}</div>"
        body += table_html(headers, cells) if cells else toned("Nothing queued.", "muted")
        return box_html(self._title(), body)

    def _title(self) -> str:
        return "Request queue" + (" (embedded simulator)" if self.session.is_simulated else "")

    def __repr__(self) -> str:
        queued = len(self.snapshot.queued) if self.snapshot else 0
        return f"<QueueView {queued} queued>"

    def close(self) -> None:
        """Stop listening and close every widget."""
        if self._closed:
            return
        self._closed = True
        self._unsubscribe()
        if self._timer is not None:
            self._timer.cancel()
        self.banner.close()
        for pool in self._pool.values():
            for row in pool:
                close_tree(row)
        for extra in (*self._sections.values(), *self._more.values()):
            close_tree(extra)
        for child in self.children:
            close_tree(child)
        if self._own_bridge:
            self.bridge.close()
        super().close()


def _stats_text(s: EngineSnapshot) -> str:
    health = "API reachable" if not s.outage else f"API unreachable ({s.breaker.value})"
    last = "none" if s.last_429_ago is None else f"{s.last_429_ago:.0f} s ago"
    return (
        f"{health} · sent {s.sent} · ok {s.succeeded} · 429 {s.rejected_429} · failed {s.failed}"
        f" · retried {s.retried} · one request per {s.interval:.1f} s"
        f" · next slot in {s.next_slot_in:.1f} s · recent 429s {s.recent_429} (last {last})"
        + (f" · in flight: {s.in_flight}" if s.in_flight else "")
    )


def _stats_html(s: EngineSnapshot) -> str:
    health = (
        toned("✓ API reachable", "ok")
        if not s.outage
        else toned(f"⚠ API unreachable ({s.breaker.value})", "error", bold=True)
    )
    last = "none" if s.last_429_ago is None else f"last {s.last_429_ago:.0f} s ago"
    cells = [
        health,
        f"sent <b>{s.sent}</b>",
        f"ok <b>{s.succeeded}</b>",
        f"429 <b>{s.rejected_429}</b>",
        f"failed <b>{s.failed}</b>",
        f"retried <b>{s.retried}</b>",
        f"one request per <b>{s.interval:.1f} s</b>",
        f"next slot in <b>{s.next_slot_in:.1f} s</b>",
        f"recent 429s <b>{s.recent_429}</b> ({esc(last)})",
    ]
    if s.in_flight:
        cells.append(f"in flight: <code>{esc(s.in_flight)}</code>")
    return f'<div style="color:{TONES["text"]};">' + " · ".join(cells) + "</div>"

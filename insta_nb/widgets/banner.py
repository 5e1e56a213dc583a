"""The banner that says why requests are waiting: rate limited, API unreachable, refresh failed.

A countdown ("retrying in 12 s") ticks once a second on the widgets' timers and stops by
itself when it reaches zero or when the banner is closed. Hidden when all is well.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ipywidgets as w

from insta_nb.session import EngineSnapshot
from insta_nb.widgets._bridge import TimerHandle, Timers
from insta_nb.widgets.snapshot import TONES, esc

__all__ = ["Banner", "BannerState", "banner_state"]


@dataclass(frozen=True)
class BannerState:
    """What the banner says; ``countdown_to`` is a time on the banner's timers' clock."""

    icon: str
    tone: str
    text: str
    countdown_to: float | None = None
    countdown_label: str = ""


def banner_state(
    snapshot: EngineSnapshot | None, poll_error: str | None, now: float
) -> BannerState | None:
    """The most important thing to tell, or ``None`` when requests flow normally."""
    if snapshot is not None and snapshot.outage:
        wait = snapshot.next_probe_in
        return BannerState(
            "⚠",
            "error",
            f"API unreachable ({snapshot.consecutive_failures} failures in a row). "
            "Your requests stay queued and are sent when it answers again.",
            None if wait is None else now + wait,
            "next check in",
        )
    if snapshot is not None and snapshot.paused_for > 0:
        return BannerState(
            "⏸",
            "warn",
            "Rate limited by the API (429): every request of this machine waits.",
            now + snapshot.paused_for,
            "sending resumes in",
        )
    if poll_error:
        return BannerState("⚠", "warn", f"Last refresh failed: {poll_error}")
    if (
        snapshot is not None
        and snapshot.last_429_ago is not None
        and snapshot.interval > snapshot.base_interval * 1.01
    ):
        return BannerState(
            "⏸",
            "warn",
            f"Slowed down after a 429 {snapshot.last_429_ago:.0f} s ago: one request every "
            f"{snapshot.interval:.1f} s (normally {snapshot.base_interval:.1f} s).",
        )
    return None


class Banner(w.HTML):
    """One line of status above a view; hidden when there is nothing to say."""

    def __init__(self, timers: Timers) -> None:
        super().__init__(value="", layout=w.Layout(display="none", margin="2px 0"))
        self.add_class("insta-nb-banner")
        self._timers = timers
        self._state: BannerState | None = None
        self._tick: TimerHandle | None = None

    @property
    def state(self) -> BannerState | None:
        """What the banner shows now (``None``: hidden)."""
        return self._state

    @property
    def text(self) -> str:
        """The banner as plain text (``""`` when hidden)."""
        return "" if self._state is None else self._plain(self._state)

    def update(self, snapshot: EngineSnapshot | None, poll_error: str | None = None) -> None:
        """Show what ``snapshot`` and the last refresh error call for."""
        self.set_state(banner_state(snapshot, poll_error, self._timers.now()))

    def set_state(self, state: BannerState | None) -> None:
        """Show ``state`` (``None`` hides the banner); restarts the countdown."""
        self._state = state
        self._render()

    def _seconds_left(self, state: BannerState) -> int | None:
        if state.countdown_to is None:
            return None
        return max(0, math.ceil(state.countdown_to - self._timers.now() - 1e-9))

    def _plain(self, state: BannerState) -> str:
        text = f"{state.icon} {state.text}"
        left = self._seconds_left(state)
        if left is not None:
            text += f" {state.countdown_label} {left} s." if left else " Retrying now…"
        return text

    def _render(self) -> None:
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None
        state = self._state
        if state is None:
            self.value = ""
            self.layout.display = "none"
            return
        colour = TONES.get(state.tone, TONES["text"])
        self.value = (
            f'<div role="status" style="border-left:4px solid {colour};padding:3px 8px;'
            f'background:var(--jp-layout-color2, transparent);color:{TONES["text"]};">'
            f'<span style="color:{colour};font-weight:600;">{esc(state.icon)}</span> '
            f"{esc(self._plain(state)[len(state.icon) + 1 :])}</div>"
        )
        self.layout.display = None
        left = self._seconds_left(state)
        if left:
            self._tick = self._timers.call_later(1.0, self._render)

    def close(self) -> None:
        """Stop the countdown and close the widget."""
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None
        super().close()

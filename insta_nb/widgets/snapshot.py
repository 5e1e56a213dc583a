"""Static renderings of the views: status icons, text tables and themed HTML snapshots.

Everything a view shows when no widget manager is there to draw it (GitHub, nbviewer,
a notebook reopened without its kernel) is built here, from plain values. Colours are
JupyterLab CSS variables with fallbacks, so the HTML reads well in light and dark
themes; every state is spelled out in words next to its icon, never by colour alone.
Text that came from the API is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from insta_nb.models import ClusterStatus

__all__ = [
    "TONES",
    "SnapshotDisplay",
    "age_text",
    "box_html",
    "esc",
    "status_icon",
    "status_label",
    "status_tone",
    "table_html",
    "text_table",
    "toned",
]

#: Semantic tone → CSS colour (a JupyterLab variable, with a fallback for other frontends).
TONES: dict[str, str] = {
    "ok": "var(--jp-success-color1, #388e3c)",
    "busy": "var(--jp-brand-color1, #1976d2)",
    "warn": "var(--jp-warn-color1, #f57c00)",
    "error": "var(--jp-error-color1, #d32f2f)",
    "muted": "var(--jp-ui-font-color2, #757575)",
    "text": "var(--jp-ui-font-color1, inherit)",
}

#: One icon per status; the word always goes next to it.
_ICONS: dict[ClusterStatus, tuple[str, str]] = {
    ClusterStatus.GENESIS: ("○", "busy"),
    ClusterStatus.PROVISIONING: ("◔", "busy"),
    ClusterStatus.PROVISIONED: ("◑", "busy"),
    ClusterStatus.JOINING: ("◕", "busy"),
    ClusterStatus.RESTORING: ("⟲", "busy"),
    ClusterStatus.RUNNING: ("✓", "ok"),
    ClusterStatus.DEFERRED: ("⏸", "warn"),
    ClusterStatus.DEGRADED: ("⚠", "warn"),
    ClusterStatus.DELETING: ("⊘", "muted"),
    ClusterStatus.DELETED: ("✕", "muted"),
    ClusterStatus.FAILED: ("✖", "error"),
    ClusterStatus.UNKNOWN: ("?", "warn"),
}


def esc(value: object) -> str:
    """``html.escape`` of ``str(value)`` (``""`` for ``None``)."""
    return "" if value is None else html.escape(str(value), quote=True)


def status_icon(status: ClusterStatus) -> str:
    """The icon of ``status`` (always shown with the word)."""
    return _ICONS.get(status, ("?", "warn"))[0]


def status_tone(status: ClusterStatus, pending: str | None = None) -> str:
    """The tone (a key of :data:`TONES`) of ``status``."""
    if pending == "deleting":
        return "muted"
    return _ICONS.get(status, ("?", "warn"))[1]


def status_label(status: ClusterStatus, pending: str | None = None) -> str:
    """Icon and words, e.g. ``"✓ RUNNING"`` or ``"⊘ DELETING (requested)"``."""
    if pending == "deleting" and status is not ClusterStatus.DELETING:
        return f"{_ICONS[ClusterStatus.DELETING][0]} DELETING (requested)"
    text = f"{status_icon(status)} {status.value}"
    if pending and pending != "deleting":
        text += f" ({pending}…)"
    return text


def toned(text: str, tone: str, *, bold: bool = False, title: str | None = None) -> str:
    """``text`` (escaped) in a span coloured by ``tone``."""
    weight = "font-weight:600;" if bold else ""
    tip = f' title="{esc(title)}"' if title else ""
    colour = TONES.get(tone, TONES["text"])
    icon, _, words = text.partition(" ")
    if words and len(icon) == 1 and not icon.isalnum():
        # Only the icon takes the tone's colour: warning orange or success green words
        # on a light background fall below a readable contrast (measured 2.3:1, 4.1:1).
        return (
            f'<span style="{weight}"{tip}><span style="color:{colour};">{esc(icon)}</span> '
            f'<span style="color:{TONES["text"]};">{esc(words)}</span></span>'
        )
    return f'<span style="color:{colour};{weight}"{tip}>{esc(text)}</span>'


def age_text(seconds: float | None) -> str:
    """``"42 s"``, ``"5 min"``, ``"3 h"``, ``"2 d"``; ``"—"`` when unknown."""
    if seconds is None:
        return "—"
    s = max(0, int(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        return f"{s // 3600} h"
    return f"{s // 86400} d"


def box_html(title: str, body: str, *, note: str = "") -> str:
    """A titled panel that follows the theme: ``body`` is HTML, the rest is escaped."""
    extra = f'<div style="color:{TONES["muted"]};font-size:90%;">{esc(note)}</div>' if note else ""
    return (
        '<div class="insta-nb-snapshot" style="font-family:var(--jp-ui-font-family, sans-serif);'
        f"color:{TONES['text']};background:var(--jp-layout-color1, transparent);"
        "border:1px solid var(--jp-border-color1, #bdbdbd);border-radius:4px;"
        'padding:6px 10px;margin:2px 0;">'
        f'<div style="font-weight:600;margin-bottom:4px;">{esc(title)}</div>{body}{extra}</div>'
    )


_RULE = "var(--jp-border-color2, #e0e0e0);"


def table_html(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An HTML table; ``headers`` are escaped here, cells must already be HTML."""
    cell = "padding:2px 8px;text-align:left;border-bottom:1px solid " + _RULE
    head = "".join(f'<th style="{cell}">{esc(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td style="{cell}">{c}</td>' for c in row) + "</tr>" for row in rows
    )
    return (
        f'<table style="border-collapse:collapse;color:{TONES["text"]};">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A fixed-width text table for ``text/plain``."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)


class SnapshotDisplay:
    """Mixin for views: the widget's mimebundle plus ``text/plain`` and a static
    ``text/html`` snapshot, so GitHub, nbviewer and a notebook reopened without a kernel
    still show the view's state. Subclasses provide ``snapshot_text``/``snapshot_html``."""

    def snapshot_text(self) -> str:
        raise NotImplementedError

    def snapshot_html(self) -> str:
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        widget_bundle = getattr(super(), "_repr_mimebundle_", None)
        data: dict[str, Any] = dict((widget_bundle(**kwargs) if widget_bundle else None) or {})
        data["text/plain"] = self.snapshot_text()
        data["text/html"] = self.snapshot_html()
        return data

"""What every form (create v1, create v2, VPC peering) draws the same way: the request
body preview, the outcome line and the Submit button's state."""

from __future__ import annotations

import ipywidgets as w

from insta_nb.widgets.snapshot import TONES, esc

__all__ = ["draw_submit", "outcome_html", "preview_html"]


def preview_html(body: str) -> str:
    """The request body as the preview shows it (``body``: JSON text, or ``""``)."""
    return (
        f'<pre style="margin:0;font-size:12px;color:{TONES["text"]};'
        f'white-space:pre-wrap;">{esc(body)}</pre>'
    )


def outcome_html(tone: str, text: str) -> str:
    """``"✓ Created: …"`` as a status line, its leading icon in the tone's colour."""
    icon, _, rest = text.partition(" ")
    return (
        f'<span role="status" style="color:{TONES["text"]};">'
        f'<span style="color:{TONES.get(tone, TONES["text"])};font-weight:600;">'
        f"{esc(icon)}</span> {esc(rest)}</span>"
    )


def draw_submit(
    button: w.Button, *, read_only: bool, in_flight: bool, problems: int, doing: str, what: str
) -> None:
    """Enable ``button`` only when sending is possible; its tooltip says why not.

    ``doing`` and ``what`` word it: ``"creating"`` / ``"create"`` gives "The API key is
    read-only: creating is not possible" and "Send the create request".
    """
    button.disabled = bool(problems) or in_flight or read_only
    if read_only:
        button.tooltip = f"The API key is read-only: {doing} is not possible"
    elif in_flight:
        button.tooltip = f"A {what} request is in flight"
    elif problems:
        button.tooltip = f"Fix {problems} problem(s) first"
    else:
        button.tooltip = f"Send the {what} request"

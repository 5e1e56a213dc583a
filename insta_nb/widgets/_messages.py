"""Small message areas next to a control: one line, an icon in its tone, escaped text.

The peering form and the resize dialog share these; the create form keeps its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import ipywidgets as w

from insta_nb import errors
from insta_nb.widgets.snapshot import TONES, esc

if TYPE_CHECKING:
    from insta_nb.session import Session

__all__ = ["MessageArea", "error_text", "owned_call"]

T = TypeVar("T")
_ICON = {"warn": "⚠", "error": "✖", "muted": "ℹ", "ok": "✓", "busy": "◔"}


class MessageArea(w.HTML):
    """A message next to a field; :attr:`text` is what it says now (``""``: nothing)."""

    def __init__(self) -> None:
        super().__init__(value="", layout=w.Layout(margin="0 0 0 8px", max_width="420px"))
        self.text = ""
        self.tone = ""

    def say(self, text: str, tone: str = "warn") -> None:
        """Show ``text`` in ``tone`` (``warn``, ``error``, ``ok``, ``busy``, ``muted``)."""
        if (text, tone) == (self.text, self.tone):
            return
        self.text, self.tone = text, tone
        if not text:
            self.value = ""
            return
        role = "alert" if tone == "error" else "status"
        self.value = (
            f'<span role="{role}" style="color:{TONES["text"]};font-size:90%;">'
            f'<span style="color:{TONES.get(tone, TONES["text"])};">{_ICON.get(tone, "")}</span> '
            f"{esc(text)}</span>"
        )


def error_text(exc: BaseException) -> str:
    """The API's (or the toolkit's) own message; a bug is named without its details."""
    if isinstance(exc, errors.InstaError):
        return str(exc.message)
    return f"unexpected error ({type(exc).__name__}): see the log of 'insta_nb.widgets'"


def owned_call(
    session: Session, owner: str, call: Callable[[], Awaitable[T]]
) -> Callable[[], Awaitable[T]]:
    """``call`` made on behalf of ``owner`` (cancelled with it), for ``Bridge.run``."""

    async def run() -> T:
        with session.owned_by(owner):
            return await call()

    return run

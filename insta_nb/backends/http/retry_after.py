"""``Retry-After`` read as a wait in seconds, bounded, measured against the server's clock."""

from __future__ import annotations

import email.utils
import re
import time
from datetime import UTC, datetime
from typing import Final

__all__ = ["RETRY_AFTER_CAP", "parse_retry_after"]

#: Longest wait taken from a ``Retry-After`` header; a larger value is capped to this.
RETRY_AFTER_CAP: Final = 600.0
_DELTA_SECONDS = re.compile(r"[0-9]{1,12}(\.[0-9]{1,9})?")


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def parse_retry_after(
    value: str | None, *, date: str | None = None, now: float | None = None
) -> float | None:
    """Seconds to wait from a ``Retry-After`` header, between 0 and :data:`RETRY_AFTER_CAP`.

    Args:
        value: The header: delta-seconds (``"120"``) or an HTTP-date.
        date: The response's ``Date`` header. An HTTP-date is measured against it, not
            against our clock, so client/server clock skew does not matter.
        now: Epoch seconds to use when there is no usable ``Date`` (default: the clock).

    Returns:
        The wait in seconds, or ``None`` when the header is absent or unreadable.
    """
    if value is None:
        return None
    text = value.strip()
    if _DELTA_SECONDS.fullmatch(text):
        seconds = float(text)
    else:
        when = _http_date(text)
        if when is None:
            return None
        server_now = _http_date(date)
        if server_now is not None:
            base = server_now.timestamp()
        else:
            base = time.time() if now is None else now
        seconds = when.timestamp() - base
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)

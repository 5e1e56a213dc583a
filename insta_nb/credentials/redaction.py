"""Redaction, the last line of defence: every live key is removed from log records and errors.

:func:`redact` replaces every live key, escaped, in base64 and in the base64 ``user:key``
form a Basic header carries. Importing this module attaches :class:`RedactingFilter` to
the ``insta_nb``, ``httpx`` and ``httpcore`` loggers and installs :func:`redact` into
:mod:`insta_nb.errors` (a server may echo the request's headers in an error body).
"""

from __future__ import annotations

import base64
import json
import logging
import re
import urllib.parse
from collections.abc import Iterator

from insta_nb.credentials.registry import REGISTRY
from insta_nb.errors import set_redactor

__all__ = ["RedactingFilter", "install_log_redaction", "redact"]

_REDACTED = "[redacted]"
#: Loggers whose records may carry request details. A logger's filters only see records
#: created on that very logger (not those propagated from children), so
#: :func:`install_log_redaction` also covers every existing descendant.
_REDACTED_LOGGERS = ("insta_nb", "httpx", "httpcore")
#: httpcore creates these when its modules are imported, which httpx may do lazily;
#: creating them first means httpcore later receives the logger that has our filter.
_KNOWN_CHILD_LOGGERS = (
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


def _encodings(data: bytes) -> Iterator[str]:
    """``data`` in base64 as a header, a URL or a JWT-style token would carry it."""
    for encoded in (base64.b64encode(data), base64.urlsafe_b64encode(data)):
        text = encoded.decode("ascii")
        yield text
        yield text.rstrip("=")


def _needles() -> Iterator[str]:
    """Every form of every live key that must not be shown.

    The raw key, JSON-escaped and percent-encoded; the key and every ``user:key`` pair
    it was used with in base64 (standard and URL-safe, with and without padding), which
    is what a server echoing the ``Authorization`` header shows.
    """
    for secret, users in REGISTRY.live():
        raw = secret._raw()
        if not raw:
            continue
        text = raw.decode("utf-8", "surrogatepass")
        yield text
        yield json.dumps(text)[1:-1]
        yield json.dumps(text, ensure_ascii=False)[1:-1]
        yield urllib.parse.quote_from_bytes(raw, safe="")
        yield from _encodings(raw)
        for user in users:
            yield from _encodings(user.encode("utf-8") + b":" + raw)


#: Needles shorter than this are only replaced as whole tokens: a test key such as ``"k"``
#: must not blank out every ``k`` of every message (real keys are 32 characters).
_SHORT = 8


def redact(text: str) -> str:
    """``text`` with every known key (raw, escaped, base64, ``user:key`` base64) replaced."""
    for needle in sorted(set(_needles()), key=len, reverse=True):
        if needle not in text:
            continue
        if len(needle) >= _SHORT:
            text = text.replace(needle, _REDACTED)
        else:
            token = rf"(?<![A-Za-z0-9]){re.escape(needle)}(?![A-Za-z0-9])"
            text = re.sub(token, _REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that removes every live key from a record. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            cleaned = redact(text)
            # Only pre-format when needed, so custom formatters still format clean records.
            if cleaned != text:
                record.exc_text = cleaned
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def install_log_redaction() -> None:
    """Attach the redacting filter to the ``insta_nb``, ``httpx`` and ``httpcore`` loggers.

    Idempotent and cheap. Also covers every existing descendant logger (filters do not
    apply to records propagated from children), so it is called again whenever an
    :class:`~insta_nb.backends.http.HttpChannel` is built.
    """
    manager = logging.Logger.manager
    names = {*_REDACTED_LOGGERS, *_KNOWN_CHILD_LOGGERS}
    for name in list(manager.loggerDict):
        if any(name.startswith(root + ".") for root in _REDACTED_LOGGERS):
            names.add(name)
    for name in names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


install_log_redaction()
# Every error the toolkit raises passes its message and body through the same redaction.
set_redactor(redact)

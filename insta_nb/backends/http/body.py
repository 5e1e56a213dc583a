"""A response body as far as it may be read: at most ``max_response_bytes``, JSON no deeper
than :data:`MAX_JSON_DEPTH`, and an HTML error page summed up in one line.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, Final

import httpx

from insta_nb import errors

__all__ = ["MAX_JSON_DEPTH", "NOT_JSON", "decode_json", "html_summary", "read_capped"]

#: Marks a body that is not JSON (HTML error page, plain text, garbage).
NOT_JSON: Final = object()
_HTML = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<title)", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


#: Deepest nesting of arrays and objects accepted in an answer. Real answers nest about 6
#: levels; parsers copy bodies recursively, and ~900 levels made that copy raise a bare
#: RecursionError past the boundary.
MAX_JSON_DEPTH: Final = 64


def decode_json(content: bytes) -> Any:
    """The decoded JSON; ``None`` for an empty body; :data:`NOT_JSON` if unreadable or too deep."""
    if not content.strip():
        return None
    try:
        value = json.loads(content)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return NOT_JSON
    return value if _depth_within(value, MAX_JSON_DEPTH) else NOT_JSON


def _depth_within(value: Any, limit: int) -> bool:
    """Whether ``value`` nests no deeper than ``limit`` (iterative: no recursion to blow)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth >= limit:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


def html_summary(text: str) -> str | None:
    """A one-line summary of an HTML error page (a proxy's 502), or ``None`` if not HTML."""
    if not _HTML.match(text[:512]):
        return None
    match = _TITLE.search(text[:20_000])
    source = match.group(1) if match else text[:2_000]
    summary = " ".join(html.unescape(_TAG.sub(" ", source)).split())
    return summary[:200] or "an HTML page"


async def read_capped(response: httpx.Response, limit: int, method: str, path: str) -> bytes:
    """The whole body, or :class:`~insta_nb.errors.UnexpectedResponseError` past ``limit``.

    Holds at most the cap plus one chunk: the chunk that crosses it is never kept.
    """
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(
            response, limit, method, path, f"announces a body of {int(declared)} bytes, above"
        )
    body = bytearray()
    # Decoded bytes: a gzip body is counted as it will sit in memory, not as sent.
    async for chunk in response.aiter_bytes():
        if len(body) + len(chunk) > limit:
            raise _too_large(response, limit, method, path, "sent a body larger than")
        body += chunk
    return bytes(body)


def _too_large(
    response: httpx.Response, limit: int, method: str, path: str, what: str
) -> errors.UnexpectedResponseError:
    return errors.UnexpectedResponseError(
        f"the API {what} the {_size(limit)} limit on a response body "
        f"(max_response_bytes={limit}); it was not read, the connection was closed",
        status=response.status_code,
        method=method,
        path=path,
    )


def _size(n: int) -> str:
    mib = 1024 * 1024
    return f"{n // mib} MiB" if n % mib == 0 else f"{n} bytes"

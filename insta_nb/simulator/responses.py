"""JSON in and out: every response is ``application/json``, errors included.

Error bodies are ``{"message": ...}``; a validation failure adds ``"errors"``, a map
from each offending field to its message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from starlette.requests import Request
from starlette.responses import Response

from insta_nb.simulator.problems import Problems

__all__ = [
    "JSON",
    "Reply",
    "dumps",
    "error",
    "error_reply",
    "invalid",
    "json_response",
    "read_json",
]

JSON = "application/json"


def dumps(payload: Any) -> bytes:
    """Compact JSON bytes."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


class Reply(NamedTuple):
    """A whole response, as the gate sends it (ASGI header pairs)."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def error_reply(status: int, message: str, headers: Mapping[str, str] | None = None) -> Reply:
    """An error :class:`Reply` for the gate (before the routes see the request)."""
    body = dumps({"message": message})
    pairs = [(b"content-type", JSON.encode()), (b"content-length", str(len(body)).encode())]
    pairs += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Reply(status, pairs, body)


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON response for a route."""
    return Response(dumps(payload), status_code=status, headers=headers, media_type=JSON)


def error(status: int, message: str, errors: Mapping[str, str] | None = None) -> Response:
    """An error response for a route."""
    payload: dict[str, Any] = {"message": message}
    if errors:
        payload["errors"] = dict(errors)
    return json_response(status, payload)


def invalid(problems: Problems) -> Response:
    """400 naming every offending field."""
    return error(400, f"Validation failed: {', '.join(problems.fields)}.", problems.fields)


def _no_constants(name: str) -> Any:
    # NaN and Infinity are not JSON; Python's parser accepts them, strict servers do not.
    raise ValueError(f"{name} is not valid JSON")


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == JSON or (media.startswith("application/") and media.endswith("+json"))


async def read_json(request: Request) -> Any | Response:
    """The request's JSON body, or the 4xx response that says why there is none."""
    body = await request.body()
    content_type = request.headers.get("content-type")
    if content_type and not _is_json(content_type):
        return error(415, f"Unsupported media type '{content_type[:60]}': send {JSON}.")
    if not body.strip():
        return error(400, "A JSON request body is required.", {"body": "is required"})
    try:
        return json.loads(body, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        # ValueError covers bad JSON, bad UTF-8 and absurdly long numbers; RecursionError
        # absurdly deep nesting. None of them may become a 500.
        return error(400, "The request body is not valid JSON.", {"body": "is not valid JSON"})

"""JSON in and out: every response is ``application/json``, errors included.

Error bodies are ``{"message": ...}``; a validation failure adds ``"errors"``, a map
from each offending field to its message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, NamedTuple, TypeAlias

from starlette.requests import Request
from starlette.responses import Response

from insta_nb.simulator.problems import Problems

__all__ = [
    "JSON",
    "BodyRefusal",
    "Reply",
    "dumps",
    "error",
    "error_reply",
    "invalid",
    "json_response",
    "parse_json",
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
    #: The error's text when the gate made this reply, so that another API's error
    #: shape can be built from it without parsing the body (see ``v2.errors``).
    message: str | None = None


def error_reply(status: int, message: str, headers: Mapping[str, str] | None = None) -> Reply:
    """An error :class:`Reply` for the gate (before the routes see the request)."""
    body = dumps({"message": message})
    pairs = [(b"content-type", JSON.encode()), (b"content-length", str(len(body)).encode())]
    pairs += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Reply(status, pairs, body, message)


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


#: A ``\uD800``-``\uDFFF`` escape: in text decoded strictly, the only way a lone
#: surrogate can reach the parsed value. A cheap test that spares most bodies the walk.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_NOT_UNICODE = "is not valid Unicode text (a lone surrogate cannot be encoded as UTF-8)"
#: Enough fields to show a client its mistake; a body full of surrogates needs no more.
_MAX_REPORTED = 20
_MAX_FIELD = 120
#: A path is a linked list (parent, segment), rendered only when a problem is reported:
#: building every path as a string would cost depth × key length on hostile nesting.
_Path: TypeAlias = tuple["_Path", str] | None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _render(path: _Path) -> str:
    segments: list[str] = []
    while path is not None:
        path, segment = path
        segments.append(segment)
    text = "".join(reversed(segments)).removeprefix(".") or "body"
    return text if len(text) <= _MAX_FIELD else text[: _MAX_FIELD - 1] + "…"


def unencodable_fields(value: Any) -> Problems:
    """Where a decoded JSON value holds text that cannot be encoded as UTF-8.

    JSON lets a body escape a lone surrogate (``"\\ud800"``) and Python decodes it into
    a ``str`` that no response can encode: echoed in a 400, or stored and read back
    later, it would become a 500. Fields are named as the API spells them
    (``provider.name``, ``firewallRules[0].network``); a bad key is reported on the
    object that holds it, since the key itself cannot be shown. The walk is iterative,
    so the deepest nesting the parser accepted cannot overflow the stack here.
    """
    problems = Problems()
    stack: list[tuple[_Path, Any]] = [(None, value)]
    while stack and len(problems.fields) < _MAX_REPORTED:
        path, item = stack.pop()
        if isinstance(item, str):
            if not _encodable(item) and _render(path) not in problems:
                problems.add(_render(path), _NOT_UNICODE)
        elif isinstance(item, list):
            stack.extend(((path, f"[{i}]"), sub) for i, sub in reversed(list(enumerate(item))))
        elif isinstance(item, dict):
            children: list[tuple[_Path, Any]] = []
            for key, sub in item.items():
                if _encodable(key):
                    children.append(((path, f".{key}"), sub))
                elif _render(path) not in problems:
                    problems.add(_render(path), f"has a key that {_NOT_UNICODE}")
            stack.extend(reversed(children))
    return problems


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == JSON or (media.startswith("application/") and media.endswith("+json"))


class BodyRefusal(NamedTuple):
    """Why a request has no usable JSON body, independent of any API's error shape."""

    status: int
    message: str
    #: Field → problem, as a 400 names them (empty for a 415).
    fields: Mapping[str, str]


async def parse_json(request: Request) -> Any | BodyRefusal:
    """The request's JSON body, or why there is none (each API shapes the error itself)."""
    body = await request.body()
    content_type = request.headers.get("content-type")
    if content_type and not _is_json(content_type):
        return BodyRefusal(415, f"Unsupported media type '{content_type[:60]}': send {JSON}.", {})
    if not body.strip():
        return BodyRefusal(400, "A JSON request body is required.", {"body": "is required"})
    try:
        # Python's own bytes path decodes with "surrogatepass", so UTF-8-encoded (CESU)
        # surrogates pass too; decoding strictly first tells such bodies apart.
        encoding = json.detect_encoding(body)
        try:
            text, suspect = body.decode(encoding), False
        except UnicodeDecodeError:
            text, suspect = body.decode(encoding, "surrogatepass"), True
        value = json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        # ValueError covers bad JSON, bad UTF-8 and absurdly long numbers; RecursionError
        # absurdly deep nesting. None of them may become a 500.
        return BodyRefusal(
            400, "The request body is not valid JSON.", {"body": "is not valid JSON"}
        )
    # Refused here, before any handler sees the value, so that no route can echo it in
    # an answer or store it where every later read would fail to encode it.
    if suspect or _SURROGATE_ESCAPE.search(text):
        problems = unencodable_fields(value)
        if problems:
            return BodyRefusal(
                400, f"Validation failed: {', '.join(problems.fields)}.", problems.fields
            )
    return value


async def read_json(request: Request) -> Any | Response:
    """The request's JSON body, or the 4xx response that says why there is none."""
    value = await parse_json(request)
    if isinstance(value, BodyRefusal):
        return error(value.status, value.message, value.fields)
    return value

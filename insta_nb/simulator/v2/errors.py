"""The v2 error bodies, and reading a v2 request body.

SPEC has two shapes [C SPEC]: ``ErrorListResponseV2`` (``{"errors": [{"name",
"message"}]}``) and ``ErrorResponseV2`` (``{"name", "message"}``). What ``name`` holds
is not documented; here it is the offending field in a 400 (``dataCentres[0].nodeSize``)
and a short reason otherwise (``NotFound``). Which shape where follows SPEC's majority:

- 400 and the routes' 404 use the list shape (every 400 names each field);
- 409 and everything the gate answers (401, 403, 413, 415, 429, 503...) use the single
  shape, with the same ``message`` as the v1 answer, so that either client reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from insta_nb.simulator.problems import Problems
from insta_nb.simulator.responses import BodyRefusal, Reply, dumps, json_response, parse_json

__all__ = [
    "V2_ROOT",
    "conflict",
    "error_list",
    "gate_reply",
    "invalid",
    "is_v2",
    "is_v2_create",
    "not_found",
    "read_body",
    "reason",
]

V2_ROOT = "/cluster-management/v2"

_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    429: "TooManyRequests",
}


def is_v2(path: str) -> bool:
    """Whether ``path`` belongs to the Cluster Management API v2."""
    return path == V2_ROOT or path.startswith(V2_ROOT + "/")


def is_v2_create(path: str) -> bool:
    """Whether ``path`` (no trailing slash) is a v2 cluster collection: a create on POST."""
    prefix, suffix = V2_ROOT + "/resources/applications/", "/clusters/v2"
    return (
        path.startswith(prefix)
        and path.endswith(suffix)
        and "/" not in path[len(prefix) : -len(suffix)]
    )


def reason(status: int) -> str:
    """The ``name`` of a single-shape error with this status."""
    return _NAMES.get(status, "ServiceError" if status >= 500 else "Error")


def error_single(status: int, message: str) -> Response:
    """``ErrorResponseV2``."""
    return json_response(status, {"name": reason(status), "message": message})


def error_list(status: int, errors: Iterable[tuple[str, str]]) -> Response:
    """``ErrorListResponseV2``: one ``{name, message}`` per field or reason."""
    items = [{"name": name, "message": message} for name, message in errors]
    return json_response(status, {"errors": items})


def not_found(what: str, field: str = "id") -> Response:
    """404 in the list shape, naming the id (or body field) that matched nothing."""
    return error_list(404, [(field, f"{what} not found.")])


def conflict(message: str) -> Response:
    """409 in the single shape."""
    return error_single(409, message)


def invalid(problems: Problems) -> Response:
    """400 in the list shape, one entry per offending field."""
    return error_list(400, problems.fields.items())


async def read_body(request: Request) -> Any | Response:
    """The request's JSON body, or the v2-shaped 4xx saying why there is none."""
    value = await parse_json(request)
    if not isinstance(value, BodyRefusal):
        return value
    if value.status == 400:
        return error_list(400, value.fields.items())
    return error_single(value.status, value.message)


def gate_reply(reply: Reply) -> Reply:
    """A gate error (401, 403, 429, 503...) in the single v2 shape; others unchanged."""
    if reply.message is None or reply.status < 400:
        return reply
    body = dumps({"name": reason(reply.status), "message": reply.message})
    headers = [(k, v) for k, v in reply.headers if k != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    return Reply(reply.status, headers, body, reply.message)

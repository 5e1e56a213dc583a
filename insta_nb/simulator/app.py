"""The Starlette application: the route table, JSON 404/405, and the gate in front.

Paths are written without a trailing slash; the gate strips one from every request
path, so that both spellings reach the same route without a redirect.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from insta_nb.simulator.api import Api
from insta_nb.simulator.core import SimulatorCore
from insta_nb.simulator.gate import Gate
from insta_nb.simulator.peering_api import PeeringApi
from insta_nb.simulator.resize import ResizeApi
from insta_nb.simulator.responses import json_response
from insta_nb.simulator.v2 import is_v2, reason, v2_table

__all__ = ["build_app"]

ROOT = "/provisioning/v1"
Endpoint = Callable[[Request], Awaitable[Response]]


def _table(api: Api) -> dict[str, dict[str, Endpoint]]:
    cluster = ROOT + "/{cluster_id}"
    rules = cluster + "/firewallRules"
    keys = ROOT + "/encryption-keys"
    return {
        ROOT: {"GET": api.list_clusters, "POST": api.create_legacy},
        ROOT + "/extended": {"POST": api.create_extended},
        keys: {"GET": api.list_keys, "POST": api.add_key},
        keys + "/{key_id}": {"DELETE": api.delete_key},
        cluster: {"GET": api.get_cluster, "PUT": api.update_cluster, "DELETE": api.delete_cluster},
        cluster + "/terraform-description": {"GET": api.terraform_description},
        cluster + "/cluster-data-centres": {"POST": api.add_data_centre},
        rules: {
            "GET": api.list_rules,
            "POST": api.add_rule,
            "PUT": api.put_rule,
            "DELETE": api.delete_rule,
        },
    }


def _peering_and_resize(core: SimulatorCore) -> dict[str, dict[str, Endpoint]]:
    # First in the table: ``vpc-peering/{cdc}/{id}`` has as many segments as
    # ``{cluster}/{cdc}/resize`` and must not be read as a cluster id.
    peerings, resize = PeeringApi(core, core.peerings), ResizeApi(core)
    peering = ROOT + "/vpc-peering/{cdc_id}"
    return {
        peering: {"GET": peerings.list, "POST": peerings.create},
        peering + "/{peering_id}": {"GET": peerings.get, "DELETE": peerings.delete},
        ROOT + "/{cluster_id}/{cdc_id}/resize": {"GET": resize.operations, "POST": resize.resize},
    }


def _route(path: str, handlers: dict[str, Endpoint]) -> Route:
    """One route per path, so that a 405 lists every method the path allows."""

    async def dispatch(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers[method](request)

    return Route(path, dispatch, methods=list(handlers))


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405, as JSON."""
    assert isinstance(exc, HTTPException)
    messages = {404: "Not Found: no such endpoint.", 405: "Method Not Allowed."}
    message = messages.get(exc.status_code, str(exc.detail))
    payload = {"message": message}
    if is_v2(request.url.path):  # v2's single error shape: a name beside the message
        payload = {"name": reason(exc.status_code), **payload}
    return json_response(exc.status_code, payload, headers=exc.headers)


def build_app(core: SimulatorCore) -> Starlette:
    """The simulator's ASGI app over ``core``."""
    # Both APIs in one app: one gate (auth, one rate limit per IP) and one store.
    table = {**_peering_and_resize(core), **_table(Api(core)), **v2_table(core)}
    app = Starlette(
        routes=[_route(path, handlers) for path, handlers in table.items()],
        middleware=[Middleware(Gate, core=core)],
        exception_handlers={HTTPException: _http_error},
    )
    # The gate already made both spellings of a path equal; never redirect.
    app.router.redirect_slashes = False
    return app

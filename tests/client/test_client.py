"""ApiClient against ``httpx.MockTransport``: every endpoint, the error table, odd bodies."""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from insta_nb import errors
from insta_nb.backends.http import RETRY_AFTER_CAP, parse_retry_after
from insta_nb.backends.v1 import ApiClient
from insta_nb.backends.v1 import wire as wire_v1
from insta_nb.credentials import Credentials, Secret
from insta_nb.models import (
    BundleSpec,
    ClusterSpec,
    ClusterStatus,
    FirewallRuleSpec,
    LegacyClusterSpec,
    LegacyRack,
    ProviderSpec,
    RackAllocation,
)

pytestmark = pytest.mark.anyio

KEY = "client-test-key-0f0f0f"
USER = "alice"
API = "https://api.example.test"
CID = "7c6a0f5e-3c1b-4a5d-9f1e-0d2b8c4e6f10"

Handler = Callable[[httpx.Request], httpx.Response]


class Api:
    """A scripted fake: records every request and answers with the next response."""

    def __init__(self, *responses: httpx.Response | Exception) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        # Read the body now: the auth removes its header once the exchange is over.
        request.read()
        self.headers = dict(request.headers)
        answer = self.responses.pop(0) if self.responses else httpx.Response(200, json={})
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def only(self) -> httpx.Request:
        (request,) = self.requests
        return request


def client_for(api: Handler, *, read_only: bool = False, **kwargs: Any) -> ApiClient:
    creds = Credentials(username=USER, api_key=Secret(KEY), api_url=API, read_only=read_only)
    return ApiClient(creds, transport=httpx.MockTransport(api), **kwargs)


def spec() -> ClusterSpec:
    return ClusterSpec(
        cluster_name="demo",
        bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1"),),
        provider=ProviderSpec("AWS_VPC"),
        data_centre="US_WEST_2",
        node_size="t3.small-v2",
        rack_allocation=RackAllocation(3, 1),
    )


RULE = FirewallRuleSpec(("CASSANDRA",), network="203.0.113.7/32")


# --- headers and shape of every request -------------------------------------------------------


async def test_every_request_carries_the_headers() -> None:
    api = Api(httpx.Response(200, json=[]))
    async with client_for(api, user_agent="probe/1") as client:
        await client.list_clusters()
    headers = api.headers
    assert headers["content-type"] == "application/json"
    assert headers["accept"] == "application/json"
    assert headers["instaclustr-source"].startswith("insta_nb ")
    assert headers["user-agent"] == "probe/1"
    expected = base64.b64encode(f"{USER}:{KEY}".encode()).decode()
    assert headers["authorization"] == f"Basic {expected}"
    assert "Authorization" not in api.only.headers  # removed again after the exchange


async def test_base_url_with_a_path_prefix_is_kept() -> None:
    api = Api(httpx.Response(200, json=[]))
    creds = Credentials(username=USER, api_key=Secret(KEY), api_url=f"{API}/gateway")
    async with ApiClient(creds, transport=httpx.MockTransport(api)) as client:
        await client.list_clusters()
    assert api.only.url.path == "/gateway/provisioning/v1"


# --- clusters ---------------------------------------------------------------------------------


async def test_list_clusters() -> None:
    item = {"id": CID, "name": "demo", "derivedStatus": "RUNNING", "nodeCount": 3}
    api = Api(httpx.Response(200, json=[item]))
    async with client_for(api) as client:
        (summary,) = await client.list_clusters()
    assert (api.only.method, api.only.url.path) == ("GET", "/provisioning/v1")
    assert (summary.id, summary.status, summary.node_count) == (CID, ClusterStatus.RUNNING, 3)
    assert summary.raw == item


async def test_list_clusters_404_means_none() -> None:
    api = Api(httpx.Response(404, json={"message": "No clusters"}))
    async with client_for(api) as client:
        assert await client.list_clusters() == []


@pytest.mark.parametrize("status", [200, 202])
async def test_get_cluster(status: int) -> None:
    body = {"id": CID, "clusterName": "demo", "clusterStatus": "PROVISIONING", "dataCentres": []}
    api = Api(httpx.Response(status, json=body))
    async with client_for(api) as client:
        details = await client.get_cluster(CID)
    assert (api.only.method, api.only.url.path) == ("GET", f"/provisioning/v1/{CID}")
    assert (details.id, details.name, details.status) == (CID, "demo", ClusterStatus.PROVISIONING)
    assert details.raw == body


async def test_get_cluster_refuses_the_status_of_another_cluster() -> None:
    api = Api(httpx.Response(202, json={"id": "someone-else", "clusterStatus": "RUNNING"}))
    async with client_for(api) as client:
        with pytest.raises(errors.UnexpectedResponseError, match="someone-else") as info:
            await client.get_cluster(CID)
    assert (info.value.status, info.value.method) == (202, "GET")


async def test_get_cluster_without_an_id_in_the_body_keeps_the_asked_id() -> None:
    api = Api(httpx.Response(202, json={"dataCentres": []}))
    async with client_for(api) as client:
        assert (await client.get_cluster(CID)).id == CID


async def test_create_cluster_posts_the_extended_body() -> None:
    api = Api(httpx.Response(202, json={"id": CID}))
    async with client_for(api) as client:
        assert await client.create_cluster(spec()) == CID
    request = api.only
    assert (request.method, request.url.path) == ("POST", "/provisioning/v1/extended/")
    assert json.loads(request.content) == wire_v1.spec_to_json(spec())


async def test_create_cluster_legacy_posts_the_legacy_body() -> None:
    legacy = LegacyClusterSpec(
        cluster_name="legacy",
        provider="AWS_VPC",
        version="3.11.4",
        size="t2.small",
        data_centre="US_WEST_2",
        racks=(LegacyRack("us-west-2a", 1),),
    )
    api = Api(httpx.Response(200, json={"id": CID}))
    async with client_for(api) as client:
        assert await client.create_cluster_legacy(legacy) == CID
    assert (api.only.method, api.only.url.path) == ("POST", "/provisioning/v1/")
    assert json.loads(api.only.content) == wire_v1.legacy_spec_to_json(legacy)


async def test_delete_cluster_returns_the_message() -> None:
    api = Api(
        httpx.Response(202, json={"message": "Cluster has been marked for deletion."}),
        httpx.Response(202),
    )
    async with client_for(api) as client:
        assert await client.delete_cluster(CID) == "Cluster has been marked for deletion."
        assert await client.delete_cluster(CID) == ""
    assert [(r.method, r.url.path) for r in api.requests] == [
        ("DELETE", f"/provisioning/v1/{CID}"),
    ] * 2


# --- firewall rules and keys ------------------------------------------------------------------


async def test_firewall_rules() -> None:
    listing = [{"network": "203.0.113.7/32", "rules": [{"type": "CASSANDRA", "status": "RUNNING"}]}]
    api = Api(httpx.Response(200, json=listing), httpx.Response(202), httpx.Response(202))
    async with client_for(api) as client:
        (rule,) = await client.list_firewall_rules(CID)
        await client.add_firewall_rule(CID, RULE)
        await client.delete_firewall_rule(CID, RULE)
    assert rule.target == "203.0.113.7/32"
    path = f"/provisioning/v1/{CID}/firewallRules/"
    assert [(r.method, r.url.path) for r in api.requests] == [
        ("GET", path),
        ("POST", path),
        ("DELETE", path),
    ]
    expected = {"network": "203.0.113.7/32", "rules": [{"type": "CASSANDRA"}]}
    assert json.loads(api.requests[1].content) == expected
    assert json.loads(api.requests[2].content) == expected  # DELETE carries the rule as JSON


async def test_existing_firewall_rule_is_a_conflict() -> None:
    api = Api(httpx.Response(409, json={"message": "Firewall rule already exists"}))
    async with client_for(api) as client:
        with pytest.raises(errors.ConflictError, match="already exists"):
            await client.add_firewall_rule(CID, RULE)


async def test_encryption_keys() -> None:
    keys = [{"id": "k-1", "alias": "virginia 1", "arn": "arn:aws:kms:x", "provider": "AWS_VPC"}]
    api = Api(
        httpx.Response(200, json=keys), httpx.Response(202, json={"id": "k-2"}), httpx.Response(202)
    )
    async with client_for(api) as client:
        (key,) = await client.list_encryption_keys()
        new_id = await client.add_encryption_key("virginia 2", "arn:aws:kms:y", "ACME")
        await client.delete_encryption_key("k-2")
    assert (key.id, new_id) == ("k-1", "k-2")
    assert [(r.method, r.url.path) for r in api.requests] == [
        ("GET", "/provisioning/v1/encryption-keys"),
        ("POST", "/provisioning/v1/encryption-keys"),
        ("DELETE", "/provisioning/v1/encryption-keys/k-2"),
    ]
    assert json.loads(api.requests[1].content) == {
        "alias": "virginia 2",
        "arn": "arn:aws:kms:y",
        "providerAccount": "ACME",
    }


# --- error statuses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind", "ambiguous"),
    [
        (400, errors.BadRequestError, False),
        (401, errors.AuthenticationError, False),
        (403, errors.PermissionDeniedError, False),
        (404, errors.NotFoundError, False),
        (409, errors.ConflictError, False),
        (412, errors.APIError, False),
        (415, errors.APIError, False),
        (429, errors.RateLimitedError, False),
        (500, errors.ServerError, True),
        (502, errors.ServerError, True),
        (503, errors.ServerError, True),  # may follow an applied request
        (504, errors.ServerError, True),
        (302, errors.APIError, False),
    ],
)
async def test_error_statuses(status: int, kind: type[errors.APIError], ambiguous: bool) -> None:
    api = Api(httpx.Response(status, json={"message": f"nope {status}"}))
    async with client_for(api) as client:
        with pytest.raises(kind) as info:
            await client.get_cluster(CID)
    error = info.value
    assert type(error) is kind
    assert (error.status, error.method, error.path) == (status, "GET", f"/provisioning/v1/{CID}")
    assert error.message == f"nope {status}"
    assert error.body == {"message": f"nope {status}"}
    assert error.sent is True
    assert error.ambiguous is ambiguous
    assert len(api.requests) == 1  # one attempt, never a retry


async def test_bad_request_keeps_field_errors() -> None:
    body = {"errors": {"clusterName": "Invalid cluster name"}}
    api = Api(httpx.Response(400, json=body))
    async with client_for(api) as client:
        with pytest.raises(errors.BadRequestError) as info:
            await client.create_cluster(spec())
    assert info.value.field_errors == {"clusterName": "Invalid cluster name"}
    assert info.value.method == "POST"


async def test_html_error_page_is_summarised_and_kept() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
        "<body><h1>Bad Gateway</h1><p>nginx</p></body></html>"
    )
    api = Api(httpx.Response(502, text=page, headers={"Content-Type": "text/html"}))
    async with client_for(api) as client:
        with pytest.raises(errors.ServerError) as info:
            await client.list_clusters()
    assert info.value.message == "HTML error page: 502 Bad Gateway"
    assert info.value.body == page
    assert str(info.value) == "502 HTML error page: 502 Bad Gateway (GET /provisioning/v1)"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "HTTP 503"), (b"   ", "HTTP 503"), (b"Service Unavailable", "Service Unavailable")],
)
async def test_non_json_error_bodies(content: bytes, message: str) -> None:
    api = Api(httpx.Response(503, content=content, headers={"Content-Type": "text/plain"}))
    async with client_for(api) as client:
        with pytest.raises(errors.ServerError) as info:
            await client.list_clusters()
    assert info.value.message == message


# --- Retry-After ------------------------------------------------------------------------------

SERVER_NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def _http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": " 2.5 "}, 2.5),
        ({"Retry-After": "86400"}, RETRY_AFTER_CAP),
        (
            {
                "Retry-After": _http_date(SERVER_NOW + timedelta(seconds=30)),
                "Date": _http_date(SERVER_NOW),
            },
            30.0,
        ),
        (
            {
                "Retry-After": _http_date(SERVER_NOW - timedelta(seconds=30)),
                "Date": _http_date(SERVER_NOW),
            },
            0.0,
        ),
        (
            {
                "Retry-After": _http_date(SERVER_NOW + timedelta(hours=2)),
                "Date": _http_date(SERVER_NOW),
            },
            RETRY_AFTER_CAP,
        ),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "-5"}, None),
        ({}, None),
    ],
)
async def test_retry_after_forms(headers: dict[str, str], expected: float | None) -> None:
    api = Api(httpx.Response(429, json={"message": "Rate Limit Exceeded"}, headers=headers))
    async with client_for(api) as client:
        with pytest.raises(errors.RateLimitedError) as info:
            await client.list_clusters()
    assert info.value.retry_after == expected


async def test_retry_after_is_kept_on_503_too() -> None:
    api = Api(httpx.Response(503, headers={"Retry-After": "120"}))
    async with client_for(api) as client:
        with pytest.raises(errors.ServerError) as info:
            await client.list_clusters()
    assert info.value.retry_after == 120.0


def test_retry_after_date_is_measured_against_the_server_date_not_our_clock() -> None:
    target = _http_date(SERVER_NOW + timedelta(seconds=45))
    # Our clock is an hour off; the server's Date header wins.
    skewed_now = (SERVER_NOW + timedelta(hours=1)).timestamp()
    assert parse_retry_after(target, date=_http_date(SERVER_NOW), now=skewed_now) == 45.0
    # Without a usable Date, our clock is the only reference.
    assert parse_retry_after(target, date="garbage", now=SERVER_NOW.timestamp()) == 45.0
    assert parse_retry_after(target, now=skewed_now) == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("1" * 40) is None


# --- transport errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raised", "kind", "sent"),
    [
        (httpx.ConnectError("refused"), errors.ConnectError, False),
        (httpx.ConnectTimeout("slow connect"), errors.ConnectError, False),
        (httpx.PoolTimeout("pool full"), errors.ConnectError, False),
        (httpx.ProxyError("proxy said no"), errors.ConnectError, False),
        (httpx.ReadTimeout("slow read"), errors.TimeoutError, True),
        (httpx.WriteTimeout("slow write"), errors.TimeoutError, True),
        (httpx.RemoteProtocolError("peer closed"), errors.ProtocolError, True),
        (httpx.ReadError("reset"), errors.ProtocolError, True),
        (httpx.WriteError("broken pipe"), errors.ProtocolError, True),
        (httpx.LocalProtocolError("bad header"), errors.ProtocolError, True),
        (httpx.DecodingError("bad gzip"), errors.ProtocolError, True),
        (httpx.UnsupportedProtocol("gopher"), errors.ConfigurationError, None),
    ],
)
async def test_transport_errors_are_translated(
    raised: Exception, kind: type[errors.InstaError], sent: bool | None
) -> None:
    api = Api(raised)
    async with client_for(api) as client:
        with pytest.raises(kind) as info:
            await client.create_cluster(spec())
    assert type(info.value) is kind
    assert info.value.__cause__ is raised
    assert info.value.sent is sent
    assert "POST /provisioning/v1/extended/" in str(info.value)
    assert len(api.requests) == 1


async def test_cancellation_is_not_translated() -> None:
    import asyncio

    def handler(request: httpx.Request) -> httpx.Response:
        raise asyncio.CancelledError

    async with client_for(handler) as client:
        with pytest.raises(asyncio.CancelledError):
            await client.list_clusters()


# --- success statuses with unreadable bodies --------------------------------------------------


@pytest.mark.parametrize(
    ("response", "needle"),
    [
        (httpx.Response(200, text="<html><title>Login</title></html>"), "HTML page (Login)"),
        (httpx.Response(200), "an empty body"),
        (httpx.Response(200, text="not json"), "not JSON"),
        (httpx.Response(200, content=b"\xff\xfe\xfa"), "not JSON"),
        (httpx.Response(200, content=b"[" * 100_000), "not JSON"),
    ],
)
async def test_success_with_unreadable_body(response: httpx.Response, needle: str) -> None:
    async with client_for(Api(response)) as client:
        with pytest.raises(errors.UnexpectedResponseError, match=re.escape(needle)) as info:
            await client.list_clusters()
    assert (info.value.status, info.value.method, info.value.path) == (
        200,
        "GET",
        "/provisioning/v1",
    )
    assert info.value.ambiguous is True


async def test_success_with_wrong_shape_is_stamped_with_the_request() -> None:
    api = Api(httpx.Response(202, json={"a": "1", "b": "2"}))
    async with client_for(api) as client:
        with pytest.raises(errors.UnexpectedResponseError) as info:
            await client.create_cluster(spec())
    error = info.value
    assert (error.status, error.method, error.path) == (202, "POST", "/provisioning/v1/extended/")
    assert error.body == {"a": "1", "b": "2"}
    assert isinstance(error.__cause__, errors.UnexpectedResponseError)


async def test_delete_with_an_unreadable_body_is_unexpected() -> None:
    api = Api(httpx.Response(202, text="<html>ok</html>"))
    async with client_for(api) as client:
        with pytest.raises(errors.UnexpectedResponseError):
            await client.delete_cluster(CID)


# --- read-only keys and ids -------------------------------------------------------------------

MUTATIONS: list[tuple[str, tuple[Any, ...]]] = [
    ("create_cluster", (spec(),)),
    (
        "create_cluster_legacy",
        (LegacyClusterSpec("l", "AWS_VPC", "3.11.4", "t2.small", "US_WEST_2"),),
    ),
    ("delete_cluster", (CID,)),
    ("add_firewall_rule", (CID, RULE)),
    ("delete_firewall_rule", (CID, RULE)),
    ("add_encryption_key", ("alias", "arn:aws:kms:x")),
    ("delete_encryption_key", ("k-1",)),
]


@pytest.mark.parametrize(("method", "args"), MUTATIONS)
async def test_read_only_key_refuses_mutations_without_sending(
    method: str, args: tuple[Any, ...]
) -> None:
    api = Api()
    async with client_for(api, read_only=True) as client:
        assert client.read_only is True
        with pytest.raises(errors.ReadOnlyKeyError, match="read-only") as info:
            await getattr(client, method)(*args)
    assert info.value.sent is False
    assert api.requests == []


async def test_read_only_key_still_reads() -> None:
    api = Api(httpx.Response(200, json=[]), httpx.Response(200, json=[]))
    async with client_for(api, read_only=True) as client:
        assert await client.list_clusters() == []
        assert await client.list_encryption_keys() == []
    assert len(api.requests) == 2


ID_CALLS: list[tuple[str, Callable[[str], tuple[Any, ...]]]] = [
    ("get_cluster", lambda i: (i,)),
    ("delete_cluster", lambda i: (i,)),
    ("list_firewall_rules", lambda i: (i,)),
    ("add_firewall_rule", lambda i: (i, RULE)),
    ("delete_firewall_rule", lambda i: (i, RULE)),
    ("delete_encryption_key", lambda i: (i,)),
]


@pytest.mark.parametrize(("method", "args"), ID_CALLS)
@pytest.mark.parametrize("bad_id", ["../extended", "a/b", "", "..", "x?y=1", "%2e%2e"])
async def test_ids_are_checked_before_anything_is_sent(
    method: str, args: Callable[[str], tuple[Any, ...]], bad_id: str
) -> None:
    api = Api()
    async with client_for(api) as client:
        with pytest.raises(errors.ValidationError) as info:
            await getattr(client, method)(*args(bad_id))
    assert set(info.value.field_errors) <= {"clusterId", "keyId"}
    assert api.requests == []


# --- lifecycle, repr, configuration -----------------------------------------------------------


async def test_repr_shows_the_user_and_the_mask_only() -> None:
    async with client_for(Api(), read_only=True) as client:
        text = repr(client)
    assert USER in text
    assert "Secret('********', fp=" in text
    assert "read-only" in text
    assert KEY not in text


async def test_closed_client_refuses_calls() -> None:
    api = Api()
    client = client_for(api)
    await client.aclose()
    await client.aclose()  # idempotent
    with pytest.raises(errors.UsageError, match="closed"):
        await client.list_clusters()
    assert api.requests == []


def test_plain_http_to_a_remote_host_is_refused() -> None:
    creds = Credentials(username=USER, api_key=Secret(KEY), api_url="http://api.example.test")
    with pytest.raises(errors.ConfigurationError, match="https"):
        ApiClient(creds)


async def test_plain_http_to_loopback_is_fine() -> None:
    creds = Credentials(username=USER, api_key=Secret(KEY), api_url="http://127.0.0.1:9")
    async with ApiClient(creds) as client:
        assert client.api_url == "http://127.0.0.1:9"
        assert client.username == USER


def test_client_needs_credentials() -> None:
    with pytest.raises(errors.ConfigurationError):
        ApiClient("alice:key")  # type: ignore[arg-type]


async def test_debug_log_names_the_request_but_not_the_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = Api(httpx.Response(202, json={"dataCentres": []}))
    with caplog.at_level(logging.DEBUG):
        async with client_for(api) as client:
            await client.get_cluster(CID)
    assert f"GET /provisioning/v1/{CID} -> 202" in caplog.text
    assert KEY not in caplog.text
    assert base64.b64encode(f"{USER}:{KEY}".encode()).decode() not in caplog.text


@pytest.mark.parametrize("depth", [65, 900, 5000])
@pytest.mark.parametrize("call", ["list_clusters", "get_cluster"])
async def test_an_answer_nested_absurdly_deep_is_the_toolkits_error(depth: int, call: str) -> None:
    """A 200 nesting ~900 levels inside an item parsed, then made the parser's copy raise a
    bare RecursionError past the HTTP boundary. Any depth beyond MAX_JSON_DEPTH is now an
    unexpected answer, for a list and a status alike."""
    deep = "[" * depth + "]" * depth
    item = f'{{"id": "c1", "clusterName": "x", "deep": {deep}}}'
    body = f"[{item}]" if call == "list_clusters" else item
    answer = httpx.Response(
        200, content=body.encode(), headers={"content-type": "application/json"}
    )
    async with client_for(Api(answer)) as client:
        with pytest.raises(errors.UnexpectedResponseError):
            await getattr(client, call)(*([] if call == "list_clusters" else ["c1"]))


async def test_an_answer_nested_within_the_limit_is_read() -> None:
    nested = [{"id": "c1", "clusterName": "x", "deep": json.loads("[" * 60 + "]" * 60)}]
    async with client_for(Api(httpx.Response(200, json=nested))) as client:
        assert [c.id for c in await client.list_clusters()] == ["c1"]

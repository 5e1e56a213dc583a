"""V2Backend against ``httpx.MockTransport``: the requests each call makes, what it returns."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from insta_nb import errors
from insta_nb.backends.v2 import V2Backend
from insta_nb.credentials import Credentials, Secret
from insta_nb.models import (
    BundleSpec,
    ClusterSpec,
    ClusterStatus,
    FirewallRuleSpec,
    LegacyClusterSpec,
    ProviderSpec,
    ResizeSpec,
)
from insta_nb.peering import AwsVpcPeeringSpec, GcpVpcPeeringSpec
from tests.client.v2_examples import CDC_ID, CLUSTER_ID, PASSWORD, cassandra_response, kafka

pytestmark = pytest.mark.anyio

KEY = "v2-backend-test-key-5a5a5a"
ROOT = "/cluster-management/v2"
LIST = f"{ROOT}/data-sources/clusters/v2"
CASS = f"{ROOT}/resources/applications/cassandra/clusters/v2/{CLUSTER_ID}"
RULES = f"{ROOT}/resources/network-firewall-rules/v2"
RULE_LIST = f"{ROOT}/data-sources/cluster/{CLUSTER_ID}/network-firewall-rules/v2"
LISTED = [{"accountId": "a", "clusters": [{"id": CLUSTER_ID, "application": "APACHE_CASSANDRA"}]}]


class Api:
    """Answers by ``"METHOD path"`` (query included); records every request."""

    def __init__(self, routes: dict[str, Callable[[httpx.Request], httpx.Response]]) -> None:
        self.routes = routes
        self.seen: list[str] = []
        self.bodies: list[Any] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        target = request.url.raw_path.decode()
        key = f"{request.method} {target}"
        self.seen.append(key)
        content = request.read()
        self.bodies.append(json.loads(content) if content else None)
        route = self.routes.get(key)
        if route is None:
            return httpx.Response(404, json={"errors": [{"name": "path", "message": key}]})
        return route(request)


def answer(status: int, body: Any = None) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _: (
        httpx.Response(status, json=body) if body is not None else httpx.Response(status)
    )


def backend(api: Api, *, read_only: bool = False) -> V2Backend:
    creds = Credentials(
        "alice", Secret(KEY), api_url="https://api.example.test", read_only=read_only
    )
    return V2Backend.open(creds, transport=httpx.MockTransport(api))


async def test_the_list_names_only_clusters_read_in_detail() -> None:
    api = Api(
        {f"GET {LIST}": answer(200, LISTED), f"GET {CASS}": answer(200, cassandra_response())}
    )
    v2 = backend(api)
    (first,) = await v2.list_clusters()
    assert (first.id, first.name, first.status) == (CLUSTER_ID, "", ClusterStatus.UNKNOWN)
    details = await v2.get_cluster(CLUSTER_ID)
    assert details.name == "cass1"
    (again,) = await v2.list_clusters()
    assert (again.name, again.status, again.node_count) == ("cass1", ClusterStatus.RUNNING, 1)
    assert api.seen == [f"GET {LIST}", f"GET {CASS}", f"GET {LIST}"]


async def test_a_cluster_never_seen_costs_one_list_once() -> None:
    api = Api(
        {f"GET {LIST}": answer(200, LISTED), f"GET {CASS}": answer(200, cassandra_response())}
    )
    v2 = backend(api)
    await v2.get_cluster(CLUSTER_ID)
    await v2.get_cluster(CLUSTER_ID)
    assert api.seen == [f"GET {LIST}", f"GET {CASS}", f"GET {CASS}"]
    with pytest.raises(errors.NotFoundError):
        await v2.get_cluster("not-listed")


async def test_create_posts_the_products_body_and_learns_the_cluster() -> None:
    created = {**cassandra_response("PROVISIONING"), "name": "kafka1", "kafkaVersion": "3.5.1"}
    post = f"POST {ROOT}/resources/applications/kafka/clusters/v2/"
    api = Api({post: answer(202, created), f"GET {LIST}": answer(200, LISTED)})
    v2 = backend(api)
    assert await v2.create_cluster(kafka()) == CLUSTER_ID
    assert api.bodies[0]["kafkaVersion"] == "3.5.1"
    (summary,) = await v2.list_clusters()
    assert (summary.name, summary.status) == ("kafka1", ClusterStatus.PROVISIONING)


async def test_find_clusters_asks_the_api_by_name() -> None:
    search = f"GET {LIST}/?search=name:cass1"
    api = Api({search: answer(200, LISTED)})
    v2 = backend(api)
    (found,) = await v2.find_clusters("cass1")
    assert (found.id, found.name) == (CLUSTER_ID, "cass1")
    assert api.seen == [search]
    api.routes[f"GET {LIST}"] = answer(200, LISTED)
    (listed,) = await v2.list_clusters()  # the name a search found is remembered
    assert listed.name == "cass1"


async def test_a_search_hit_that_a_read_showed_under_another_name_is_not_taken() -> None:
    search = f"GET {LIST}/?search=name:cass"
    api = Api({search: answer(200, LISTED), f"GET {LIST}": answer(200, LISTED)})
    api.routes[f"GET {CASS}"] = answer(200, cassandra_response())
    v2 = backend(api)
    await v2.get_cluster(CLUSTER_ID)  # named cass1
    assert await v2.find_clusters("cass") == []


async def test_delete_uses_the_products_path() -> None:
    api = Api({f"GET {LIST}": answer(200, LISTED), f"DELETE {CASS}": answer(204)})
    v2 = backend(api)
    await v2.list_clusters()
    await v2.delete_cluster(CLUSTER_ID)
    assert api.seen[-1] == f"DELETE {CASS}"


async def test_a_read_only_key_sends_nothing_but_gets() -> None:
    api = Api({f"GET {LIST}": answer(200, LISTED)})
    v2 = backend(api, read_only=True)
    await v2.list_clusters()
    rule = FirewallRuleSpec(("CASSANDRA_CQL",), network="203.0.113.7/32")
    for attempt in (
        lambda: v2.create_cluster(kafka()),
        lambda: v2.delete_cluster(CLUSTER_ID),
        lambda: v2.add_firewall_rule(CLUSTER_ID, rule),
        lambda: v2.create_vpc_peering(CDC_ID, aws_peer()),
    ):
        with pytest.raises(errors.ReadOnlyKeyError):
            await attempt()
    assert all(seen.startswith("GET ") for seen in api.seen)


async def test_the_key_is_masked_everywhere_it_could_show() -> None:
    api = Api({f"GET {LIST}": answer(401, {"name": "auth", "message": "bad key"})})
    v2 = backend(api)
    assert KEY not in repr(v2)
    with pytest.raises(errors.AuthenticationError) as info:
        await v2.list_clusters()
    assert KEY not in str(info.value) + repr(info.value)


async def test_v1_and_legacy_specs_are_refused_before_sending() -> None:
    api = Api({})
    v2 = backend(api)
    v1 = ClusterSpec("demo", (BundleSpec("KAFKA", "3.5.1"),), ProviderSpec("AWS_VPC"), "US_EAST_1")
    with pytest.raises(errors.ValidationError) as info:
        await v2.create_cluster(v1)
    assert "spec" in info.value.field_errors
    assert "spec" in v2.validate_legacy_spec(LegacyClusterSpec("d", "AWS_VPC", "4", "t3", "X"))
    with pytest.raises(errors.UsageError):
        await v2.create_cluster_legacy(LegacyClusterSpec("d", "AWS_VPC", "4", "t3", "X"))
    assert api.seen == []


def rule_body(status: str = "RUNNING") -> dict[str, Any]:
    return {
        "id": "rule-1",
        "clusterId": CLUSTER_ID,
        "network": "203.0.113.7/32",
        "type": "CASSANDRA_CQL",
        "status": status,
        "deferredReason": None,
    }


async def test_firewall_rules_are_resources_deleted_by_their_id() -> None:
    rule = FirewallRuleSpec(("CASSANDRA_CQL",), network="203.0.113.7/32")
    api = Api(
        {
            f"POST {RULES}/": answer(202, rule_body("GENESIS")),
            f"DELETE {RULES}/rule-1": answer(204),
            f"GET {RULE_LIST}": answer(
                200, [{"clusterId": CLUSTER_ID, "firewallRules": [rule_body()]}]
            ),
        }
    )
    v2 = backend(api)
    await v2.add_firewall_rule(CLUSTER_ID, rule)
    assert api.bodies[0] == {
        "clusterId": CLUSTER_ID,
        "network": "203.0.113.7/32",
        "type": "CASSANDRA_CQL",
    }
    await v2.delete_firewall_rule(CLUSTER_ID, rule)
    assert api.seen == [f"POST {RULES}/", f"DELETE {RULES}/rule-1"]
    fresh = backend(api)  # never listed: one rule list finds the id
    await fresh.delete_firewall_rule(CLUSTER_ID, rule)
    assert api.seen[-2:] == [f"GET {RULE_LIST}", f"DELETE {RULES}/rule-1"]


async def test_a_deleted_rule_is_gone_and_not_deleted_again() -> None:
    rule = FirewallRuleSpec(("CASSANDRA_CQL",), network="203.0.113.7/32")
    listed = [{"clusterId": CLUSTER_ID, "firewallRules": [rule_body("DELETED")]}]
    api = Api({f"GET {RULE_LIST}": answer(200, listed)})
    v2 = backend(api)
    assert await v2.list_firewall_rules(CLUSTER_ID) == []
    await v2.delete_firewall_rule(CLUSTER_ID, rule)
    assert api.seen == [f"GET {RULE_LIST}"]


async def test_an_html_page_or_garbage_on_success_is_the_toolkits_error() -> None:
    for content in (b"<html><title>Gateway</title></html>", b"{", b""):
        api = Api({f"GET {LIST}": lambda _, c=content: httpx.Response(200, content=c)})
        with pytest.raises(errors.UnexpectedResponseError):
            await backend(api).list_clusters()


def aws_peer() -> AwsVpcPeeringSpec:
    return AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", ("10.9.0.0/16",), "US_EAST_1")


async def test_vpc_peers_name_the_data_centre_in_the_body() -> None:
    peers = f"{ROOT}/resources/providers/aws/vpc-peers/v2"
    made = {"id": "peer-1", "cdcId": CDC_ID, "statusCode": "pending-acceptance"}
    api = Api(
        {
            f"POST {peers}": answer(202, made),
            f"GET {ROOT}/data-sources/providers/aws/vpc-peers/v2": answer(
                200,
                [
                    {
                        "accountId": "a",
                        "peeringRequests": [made, {**made, "id": "p2", "cdcId": "other"}],
                    }
                ],
            ),
            f"DELETE {peers}/peer-1": answer(204),
        }
    )
    v2 = backend(api)
    assert await v2.create_vpc_peering(CDC_ID, aws_peer()) == "peer-1"
    assert api.bodies[0] == {
        "cdcId": CDC_ID,
        "peerAwsAccountId": "123456789012",
        "peerVpcId": "vpc-0a1b2c3d",
        "peerSubnets": ["10.9.0.0/16"],
        "peerRegion": "US_EAST_1",
    }
    assert [p.id for p in await v2.list_vpc_peerings(CDC_ID)] == ["peer-1"]
    await v2.delete_vpc_peering(CDC_ID, "peer-1")
    gcp = GcpVpcPeeringSpec("my-project", "net", ("10.9.0.0/16",))
    assert "spec" in v2.validate_vpc_peering(gcp)
    assert "peerAwsAccountId" in v2.validate_vpc_peering(
        AwsVpcPeeringSpec("vpc-0a1b2c3d", "12", ("10.9.0.0/16",))
    )


async def test_resize_puts_the_whole_data_centres_with_the_new_size() -> None:
    api = Api(
        {
            f"GET {LIST}": answer(200, LISTED),
            f"GET {CASS}": answer(200, cassandra_response()),
            f"PUT {CASS}": answer(
                202, cassandra_response(currentClusterOperationStatus="OPERATION_IN_PROGRESS")
            ),
        }
    )
    v2 = backend(api)
    details = await v2.get_cluster(CLUSTER_ID)
    spec = ResizeSpec("CAS-DEV-t4g.medium-30")
    assert v2.validate_resize(details, CDC_ID, spec) == {}
    await v2.resize_data_centre(CLUSTER_ID, CDC_ID, spec)
    put = api.bodies[-1]
    (dc,) = put["dataCentres"]
    assert dc["nodeSize"] == "CAS-DEV-t4g.medium-30"
    assert {"id", "status", "nodes", "deletedNodes", "awsSettings"}.isdisjoint(dc)
    assert (dc["numberOfNodes"], dc["network"]) == (3, "10.0.0.0/16")
    assert put["resizeSettings"] == [{"concurrency": 1, "notifySupportContacts": False}]
    assert PASSWORD not in json.dumps(put)
    assert "resizeSettings[0].concurrency" in v2.validate_resize(
        details, CDC_ID, ResizeSpec("CAS-DEV-t4g.medium-30", concurrent_resizes=5)
    )
    assert "dataCentres[0].nodeSize" in v2.validate_resize(
        details, CDC_ID, ResizeSpec("CAS-DEV-t4g.small-30")
    )

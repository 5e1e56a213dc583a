"""v2 over real HTTP on 127.0.0.1: every route a client uses, and the command."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from insta_nb.simulator import Faults, Simulator, SimulatorSettings
from tests.simulator.support import ROOT
from tests.simulator.test_loopback import _command
from tests.simulator.v2_support import (
    CLUSTER_LIST,
    PEER_LIST,
    PEERS,
    RULES,
    V2,
    body,
    collection,
    item,
)

pytestmark = pytest.mark.loopback


@pytest.fixture
def served() -> Iterator[tuple[Simulator, httpx.Client]]:
    # Speed 1000: a 3-node cluster is RUNNING in 0.42 s of real time.
    sim = Simulator(settings=SimulatorSettings(interval=None, speed=1000))
    creds = sim.credentials
    with (
        sim.serve() as url,
        httpx.Client(base_url=url, auth=(creds.username, creds.api_key), timeout=10) as http,
    ):
        yield sim, http
    assert sim.app_errors == []


def wait_for(check: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline
        time.sleep(0.02)  # real time: the server runs on its own loop


def test_every_v2_route_over_http(served: tuple[Simulator, httpx.Client]) -> None:
    sim, http = served
    # The operator POSTs to the collection with a trailing slash and reads 202 + id.
    created = http.post(collection("kafka") + "/", json=body("kafka"))
    assert created.status_code == 202
    cluster: dict[str, Any] = created.json()
    cluster_id, cdc_id = cluster["id"], cluster["dataCentres"][0]["id"]
    path = item("kafka", cluster_id)

    def settled() -> bool:
        got = http.get(path).json()
        return bool(got["currentClusterOperationStatus"] == "NO_OPERATION")

    wait_for(settled)
    assert http.get(path).json()["status"] == "RUNNING"
    assert http.get(f"{ROOT}/{cluster_id}").status_code == 202  # v1 reads it too
    (account,) = http.get(CLUSTER_LIST + "/", params={"search": "name:kafka1"}).json()
    assert account["clusters"] == [{"id": cluster_id, "application": "KAFKA"}]

    rule = http.post(
        RULES + "/", json={"clusterId": cluster_id, "network": "203.0.113.7/32", "type": "KAFKA"}
    )
    assert rule.status_code == 202
    rule_path = f"{RULES}/{rule.json()['id']}"
    wait_for(lambda: http.get(rule_path).json()["status"] == "RUNNING")
    listed = http.get(f"{V2}/data-sources/cluster/{cluster_id}/network-firewall-rules/v2").json()
    assert [r["id"] for r in listed[0]["firewallRules"]] == [rule.json()["id"]]
    assert http.delete(rule_path).status_code == 204

    peer = http.post(
        PEERS,
        json={
            "cdcId": cdc_id,
            "peerAwsAccountId": "123456789123",
            "peerVpcId": "vpc-0123abcd",
            "peerSubnets": ["172.31.0.0/16"],
        },
    )
    assert peer.status_code == 202
    peer_path = f"{PEERS}/{peer.json()['id']}"
    # At speed 1000 the peer side accepts by itself after 0.12 s of real time.
    assert http.get(peer_path).json()["statusCode"] in (
        "pending-acceptance",
        "provisioning",
        "active",
    )
    assert http.put(peer_path, json={"peerSubnets": ["172.30.0.0/16"]}).status_code == 202
    assert [p["id"] for p in http.get(PEER_LIST).json()[0]["peeringRequests"]] == [
        peer.json()["id"]
    ]
    assert http.delete(peer_path).status_code == 204

    data_centres = body("kafka")["dataCentres"]
    data_centres[0]["nodeSize"] = "KFK-DEV-t4g.medium-80"
    resized = http.put(path, json={"dataCentres": data_centres})
    assert resized.status_code == 202
    operations = f"{V2}/data-sources/cluster-data-centres/v2/{cdc_id}/resize/operations/v2"
    assert http.get(operations).json()["operations"][0]["newNodeSize"] == "KFK-DEV-t4g.medium-80"
    wait_for(settled)
    sizes = {n["nodeSize"] for n in http.get(path).json()["dataCentres"][0]["nodes"]}
    assert sizes == {"KFK-DEV-t4g.medium-80"}

    deleted = http.delete(path)
    assert deleted.status_code == 204
    assert deleted.content == b""
    wait_for(lambda: http.get(path).status_code == 404)
    assert [r.status for r in sim.log if r.status is not None and r.status >= 500] == []


def test_faults_and_the_shared_limit_over_http() -> None:
    sim = Simulator(settings=SimulatorSettings(interval=30), faults=Faults(lose_create_response=1))
    creds = sim.credentials
    with (
        sim.serve() as url,
        httpx.Client(base_url=url, auth=(creds.username, creds.api_key)) as http,
    ):
        with pytest.raises(httpx.RemoteProtocolError):
            http.post(collection("redis"), json=body("redis"))
        limited = http.get(ROOT)  # v1, 30 s inside v2's window: the same limit
        assert limited.status_code == 429
        other = httpx.get(f"{url}{CLUSTER_LIST}", auth=(creds.username, creds.read_only_key))
        assert other.status_code == 429
        assert other.json()["name"] == "TooManyRequests"
    assert [r.name for r in sim.cluster_records()] == ["redis1"]


def test_the_command_serves_v2() -> None:
    args = ["simulator", "--port", "0", "--interval", "0", "--read-only-key", "ro-key"]
    proc = subprocess.Popen(
        [*_command(), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        while not any("Ctrl-C" in line for line in lines):
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else ""
            lines.append(line)
        text = "".join(lines)
        assert "/cluster-management/v2" in text
        match = re.search(r"http://127\.0\.0\.1:(\d+)", text)
        assert match, text
        url = match.group(0)
        auth = ("simulator", "ro-key")
        assert httpx.get(f"{url}{CLUSTER_LIST}", auth=auth).status_code == 200
        denied = httpx.post(f"{url}{collection('kafka')}", json=body("kafka"), auth=auth)
        assert denied.status_code == 403
        assert denied.json()["name"] == "Forbidden"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=15)
    assert proc.returncode == 0

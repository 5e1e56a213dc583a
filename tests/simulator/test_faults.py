"""Each fault knob, in-process, on the fake clock."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx
import pytest

from insta_nb.models import ClusterStatus
from insta_nb.simulator import Faults
from tests.simulator.support import ROOT, create_body

if TYPE_CHECKING:
    from tests.simulator.conftest import MakeApi
    from tests.simulator.support import Harness


def test_all_faults_are_off_by_default(api: Harness) -> None:
    for _ in range(20):
        api.create()
    assert api.sim.stats.by_status[202] == 20
    assert all(r.fault is None for r in api.sim.log)


def test_latency_and_jitter_sleep_on_the_clock(make_api: MakeApi) -> None:
    api = make_api(faults=Faults(latency=2.0, jitter=1.0))

    async def scenario() -> float:
        async with api.client() as http:
            task = asyncio.create_task(http.get(ROOT))
            await api.clock.settle()
            assert not task.done()
            waited = await api.clock.run_until(task.done)
            assert (await task).status_code == 404
            return waited

    waited = asyncio.run(scenario())
    assert 2.0 <= waited <= 3.0
    assert 2.0 <= api.clock.sleeps[0] <= 3.0


def test_5xx_rate_with_chosen_codes(make_api: MakeApi) -> None:
    api = make_api(faults=Faults(error_rate_5xx=1.0, error_codes=(502,)))
    response = api.get(ROOT)
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/json"
    assert api.sim.log[-1].fault == "5xx"
    api.sim.faults.error_rate_5xx = 0.0
    assert api.get(ROOT).status_code == 404


def test_5xx_after_apply_is_ambiguous(make_api: MakeApi) -> None:
    api = make_api(faults=Faults(error_rate_5xx=1.0, error_codes=(504,), error_after_apply=1.0))
    response = api.post(f"{ROOT}/extended", json=create_body())
    assert response.status_code == 504
    assert len(api.sim.cluster_records()) == 1
    assert api.sim.log[-1].applied is True
    assert api.sim.log[-1].fault == "5xx_after_apply"


def test_5xx_rate_is_a_probability(make_api: MakeApi) -> None:
    api = make_api(faults=Faults(error_rate_5xx=0.3), seed=3)
    statuses = [api.get(ROOT).status_code for _ in range(200)]
    failures = sum(s >= 500 for s in statuses)
    assert 30 < failures < 90
    assert set(statuses) <= {404, 500, 502, 503, 504}


def test_outage_window_answers_503(make_api: MakeApi) -> None:
    api = make_api(faults=Faults(outages=[(1010.0, 1020.0)]))
    assert api.get(ROOT).status_code == 404
    api.advance(10)
    response = api.get(ROOT)
    assert response.status_code == 503
    assert response.json()["message"]
    api.advance(10)
    assert api.get(ROOT).status_code == 404
    assert [r.fault for r in api.sim.log] == [None, "outage", None]


def test_storm_429_ignores_the_limiter(make_api: MakeApi) -> None:
    api = make_api(faults=Faults(storm_429=[(0.0, 2000.0)]))
    response = api.get(ROOT)
    assert response.status_code == 429
    assert "retry-after" not in response.headers
    assert api.sim.stats.rejected_429 == 1
    assert api.sim.stats.rate_limited == 0


def test_storm_429_sends_retry_after_when_configured(make_api: MakeApi) -> None:
    api = make_api(faults=Faults(storm_429=[(0.0, 2000.0)]), retry_after=5)
    assert api.get(ROOT).headers["retry-after"] == "5"


def test_lost_create_response_is_applied_then_times_out(make_api: MakeApi) -> None:
    api = make_api(faults=Faults(lose_create_response=1))
    with pytest.raises(httpx.ReadTimeout):
        api.post(f"{ROOT}/extended/", json=create_body(clusterName="lost"))
    (record,) = api.sim.cluster_records()
    assert record.name == "lost"
    assert api.sim.log[-1].applied is True
    assert api.sim.log[-1].status is None
    assert api.sim.log[-1].fault == "lost_response"
    assert api.sim.faults.lose_create_response == 0
    # The count is spent: the next create answers, and a GET is never lost.
    assert api.post(f"{ROOT}/extended/", json=create_body()).status_code == 202
    assert api.sim.stats.lost_responses == 1


def test_lost_create_response_as_probability(make_api: MakeApi) -> None:
    api = make_api(faults=Faults(lose_create_response=1.0))
    assert api.get(ROOT).status_code == 404
    with pytest.raises(httpx.ReadTimeout):
        api.create()
    assert api.post(f"{ROOT}/extended/", json={}).status_code == 400  # failures answer
    assert len(api.sim.cluster_records()) == 1


def test_drop_before_applying(make_api: MakeApi) -> None:
    api = make_api(faults=Faults(drop_rate=1.0, drop_after_apply=0.0))
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(f"{ROOT}/extended/", json=create_body())
    assert api.sim.cluster_records() == []
    assert api.sim.log[-1].fault == "drop"
    assert api.sim.log[-1].applied is False


def test_drop_after_applying(make_api: MakeApi) -> None:
    api = make_api(faults=Faults(drop_rate=1.0, drop_after_apply=1.0))
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(f"{ROOT}/extended/", json=create_body())
    assert len(api.sim.cluster_records()) == 1
    with pytest.raises(httpx.RemoteProtocolError):
        api.get(ROOT)
    assert [r.fault for r in api.sim.log] == ["drop_after_apply"] * 2
    assert api.sim.stats.dropped == 2


def test_faults_can_be_replaced_at_any_time(api: Harness) -> None:
    api.sim.faults = Faults(error_rate_5xx=1.0, error_codes=(500,))
    assert api.get(ROOT).status_code == 500
    api.sim.faults = Faults()
    assert api.get(ROOT).status_code == 404


def node_statuses(api: Harness, cluster_id: str) -> list[str]:
    return [n["nodeStatus"] for n in api.details(cluster_id)["dataCentres"][0]["nodes"]]


def test_node_failure_by_name_pattern(make_api: MakeApi) -> None:
    api = make_api(faults=Faults(node_failure_pattern=r"^doomed"))
    doomed = api.create(clusterName="doomed-1")
    fine = api.create(clusterName="fine-1")
    api.advance(340)
    assert node_statuses(api, doomed) == ["RUNNING", "RUNNING", "PROVISIONED"]
    assert api.details(doomed)["clusterStatus"] == "PROVISIONED"
    api.advance(80)
    assert node_statuses(api, doomed) == ["RUNNING", "RUNNING", "DEFERRED"]
    assert api.details(doomed)["clusterStatus"] == "DEFERRED"
    (item,) = [i for i in api.listing() if i["id"] == doomed]
    assert (item["derivedStatus"], item["runningNodeCount"]) == ("DEFERRED", 2)
    assert api.details(fine)["clusterStatus"] == "RUNNING"


def test_node_failure_rate_and_failed_status(make_api: MakeApi) -> None:
    faults = Faults(node_failure_rate=1.0, node_failure_status=ClusterStatus.FAILED)
    api = make_api(faults=faults)
    cluster_id = api.create()
    api.advance(420)
    assert node_statuses(api, cluster_id) == ["FAILED"] * 3
    assert api.details(cluster_id)["clusterStatus"] == "FAILED"
    assert api.sim.cluster_records()[0].status is ClusterStatus.FAILED


@pytest.mark.parametrize(
    "kwargs",
    [
        {"error_rate_5xx": 1.5},
        {"drop_rate": -0.1},
        {"latency": -1},
        {"error_codes": (404,)},
        {"error_codes": ()},
        {"lose_create_response": -1},
        {"node_failure_status": ClusterStatus.RUNNING},
        {"node_failure_pattern": "("},
    ],
)
def test_faults_refuse_nonsense(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the messages vary by knob
        Faults(**kwargs)  # type: ignore[arg-type]

"""HTTP Basic auth (401/403) and the per-IP arrival-time rate limiter."""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING

import httpx
import pytest

from insta_nb.simulator import SimulatorSettings
from tests.simulator.support import ROOT, create_body

if TYPE_CHECKING:
    from tests.simulator.conftest import MakeApi
    from tests.simulator.support import Harness


@pytest.mark.parametrize(
    "auth",
    [
        None,
        ("simulator", "wrong-key"),
        ("nobody", "sim-provisioning-key"),
        ("nobody", "wrong-key"),
        ("", ""),
    ],
)
def test_bad_credentials_get_the_same_401(api: Harness, auth: tuple[str, str] | None) -> None:
    response = api.get(ROOT, auth=auth)
    assert response.status_code == 401
    assert response.json() == {"message": "Not Authorized"}
    assert response.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    "header", ["Bearer abc", "Basic !!!not-base64", "Basic " + "bm9jb2xvbg==", "Basic", "basic"]
)
def test_malformed_authorization_header_is_401(api: Harness, header: str) -> None:
    response = api.get(ROOT, auth=None, headers={"Authorization": header})
    assert response.status_code == 401


def test_read_only_key_reads_but_never_writes(api: Harness) -> None:
    cluster_id = api.create()
    ro = api.auth_read_only
    assert api.get(ROOT, auth=ro).status_code == 200
    assert api.get(f"{ROOT}/{cluster_id}", auth=ro).status_code == 202
    assert api.get(f"{ROOT}/{cluster_id}/firewallRules", auth=ro).status_code == 200
    writes = [
        ("POST", f"{ROOT}/extended/", create_body()),
        ("POST", ROOT, {}),
        ("DELETE", f"{ROOT}/{cluster_id}", None),
        ("PUT", f"{ROOT}/{cluster_id}", {"description": "x"}),
        ("POST", f"{ROOT}/{cluster_id}/firewallRules", {"network": "1.2.3.4/32"}),
        ("POST", f"{ROOT}/encryption-keys", {}),
        ("DELETE", f"{ROOT}/encryption-keys/x", None),
        ("POST", "/no/such/path", None),
    ]
    for method, path, body in writes:
        response = api.call(method, path, json=body, auth=ro)
        assert response.status_code == 403, (method, path)
        assert "message" in response.json()
    assert len(api.sim.cluster_records()) == 1
    assert api.details(cluster_id)["clusterStatus"] == "GENESIS"


def test_custom_credentials(make_api: MakeApi) -> None:
    api = make_api(username="alice", api_key="k1", read_only_key="k2")
    assert api.get(ROOT, auth=("alice", "k1")).status_code == 404
    assert api.get(ROOT, auth=("simulator", "sim-provisioning-key")).status_code == 401
    assert api.sim.credentials.read_only_key == "k2"


def test_settings_refuse_equal_keys() -> None:
    with pytest.raises(ValueError, match="keys"):
        SimulatorSettings(api_key="same", read_only_key="same")


# --- rate limit ---------------------------------------------------------------------


def test_one_request_per_interval_per_ip(make_api: MakeApi) -> None:
    api = make_api(interval=2.5)
    assert api.get(ROOT).status_code == 404
    rejected = api.get(ROOT)
    assert rejected.status_code == 429
    assert rejected.headers["content-type"] == "application/json"
    assert "message" in rejected.json()
    assert "retry-after" not in rejected.headers
    api.advance(2.4)
    assert api.get(ROOT).status_code == 429
    api.advance(0.1)
    assert api.get(ROOT).status_code == 404
    assert api.sim.stats.rejected_429 == 2
    assert api.sim.stats.rate_limited == 2
    assert [r.fault for r in api.sim.log] == [None, "rate_limited", "rate_limited", None]


def test_windows_are_per_client_ip(make_api: MakeApi) -> None:
    api = make_api(interval=2.5)
    assert api.get(ROOT, client_ip="10.0.0.1").status_code == 404
    assert api.get(ROOT, client_ip="10.0.0.2").status_code == 404
    assert api.get(ROOT, client_ip="10.0.0.1").status_code == 429
    assert {r.client_ip for r in api.sim.log} == {"10.0.0.1", "10.0.0.2"}


def test_rejections_do_not_extend_the_window_by_default(make_api: MakeApi) -> None:
    api = make_api(interval=2.5)
    api.get(ROOT)
    api.advance(2.0)
    assert api.get(ROOT).status_code == 429
    api.advance(0.5)
    assert api.get(ROOT).status_code == 404


def test_count_rejected_extends_the_window(make_api: MakeApi) -> None:
    api = make_api(interval=2.5, count_rejected=True)
    api.get(ROOT)
    api.advance(2.0)
    assert api.get(ROOT).status_code == 429
    api.advance(0.5)
    assert api.get(ROOT).status_code == 429
    api.advance(2.5)
    assert api.get(ROOT).status_code == 404


def test_retry_after_only_when_configured(make_api: MakeApi) -> None:
    api = make_api(interval=2.5, retry_after=2.1)
    api.get(ROOT)
    assert api.get(ROOT).headers["retry-after"] == "3"


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, -1.0, -0.5])
def test_settings_refuse_a_retry_after_that_is_not_a_finite_delay(value: float) -> None:
    # inf used to pass, and math.ceil(inf) then turned every 429 into a plain-text 500.
    with pytest.raises(ValueError, match="retry_after must be None or a finite number >= 0"):
        SimulatorSettings(retry_after=value)


def test_retry_after_zero_and_large_are_fine(make_api: MakeApi) -> None:
    api = make_api(interval=2.5, retry_after=1e300)
    api.get(ROOT)
    assert api.get(ROOT).headers["retry-after"] == str(math.ceil(1e300))
    assert SimulatorSettings(retry_after=0).retry_after == 0


@pytest.mark.parametrize("text", ["inf", "Infinity", "1e400", "nan", "-1"])
def test_cli_refuses_a_retry_after_that_is_not_a_finite_delay(
    text: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from insta_nb import cli
    from insta_nb.simulator import server

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the simulator must not start")

    monkeypatch.setattr(server, "bind", never)
    monkeypatch.setattr(server, "run_foreground", never)
    try:
        status = cli.main(["simulator", "--port", "0", "--retry-after", text])
    except SystemExit as exc:  # argparse's own usage error
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err
    assert "retry" in err.lower()
    assert "Traceback" not in err


def test_every_request_counts_even_bad_ones(make_api: MakeApi) -> None:
    api = make_api(interval=2.5)
    assert api.get(ROOT, auth=("x", "y")).status_code == 401
    assert api.get(ROOT).status_code == 429


def test_reset_rate_limit(make_api: MakeApi) -> None:
    api = make_api(interval=2.5)
    api.get(ROOT)
    api.sim.reset_rate_limit()
    assert api.get(ROOT).status_code == 404


def test_limiter_judges_arrival_not_completion(make_api: MakeApi) -> None:
    """A client pacing start-to-start is caught by latency jitter; response-based is not."""
    from insta_nb.simulator import Faults

    api = make_api(interval=2.5, faults=Faults(latency=1.0))

    async def scenario() -> list[int]:
        async with api.client() as http:
            first = asyncio.create_task(http.get(ROOT))
            await api.clock.advance(1.0)
            statuses = [(await first).status_code]
            # Paced on the response: the next send starts 2.5 s after it arrived.
            await api.clock.advance(2.5)
            second = asyncio.create_task(http.get(ROOT))
            await api.clock.advance(1.0)
            statuses.append((await second).status_code)
            return statuses

    assert asyncio.run(scenario()) == [404, 404]
    assert [r.time for r in api.sim.log] == [1001.0, 1004.5]


def test_limiter_off_with_zero_interval(make_api: MakeApi) -> None:
    api = make_api(interval=0)
    assert all(api.get(ROOT).status_code == 404 for _ in range(5))


def test_transport_is_an_httpx_transport(api: Harness) -> None:
    assert isinstance(api.sim.transport(), httpx.AsyncBaseTransport)

"""Real HTTP on 127.0.0.1: ``sim.serve()`` and the ``insta-nb simulator`` command."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from insta_nb.simulator import Faults, Simulator, SimulatorSettings
from tests.simulator.support import ROOT, create_body

pytestmark = pytest.mark.loopback


@pytest.fixture
def served() -> Iterator[tuple[Simulator, httpx.Client]]:
    sim = Simulator(settings=SimulatorSettings(interval=None, speed=1000))
    creds = sim.credentials
    with (
        sim.serve() as url,
        httpx.Client(base_url=url, auth=(creds.username, creds.api_key), timeout=10) as http,
    ):
        assert url.startswith("http://127.0.0.1:")
        yield sim, http
    assert sim.app_errors == []


def test_full_lifecycle_over_http(served: tuple[Simulator, httpx.Client]) -> None:
    _, http = served
    assert http.get(ROOT).status_code == 404
    response = http.post(f"{ROOT}/extended/", json=create_body())
    assert response.status_code == 202
    cluster_id = response.json()["id"]
    deadline = time.monotonic() + 10
    while http.get(f"{ROOT}/{cluster_id}").json()["clusterStatus"] != "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert http.get(f"{ROOT}/{cluster_id}/terraform-description").status_code == 202
    assert http.delete(f"{ROOT}/{cluster_id}").status_code == 202
    head = http.head(ROOT)
    assert head.status_code == 200
    assert head.content == b""


def test_faults_over_http(served: tuple[Simulator, httpx.Client]) -> None:
    sim, http = served
    sim.faults = Faults(drop_rate=1.0, drop_after_apply=0.0)
    with pytest.raises(httpx.RemoteProtocolError):
        http.get(ROOT)
    sim.faults = Faults(lose_create_response=1)
    with pytest.raises(httpx.RemoteProtocolError):
        http.post(f"{ROOT}/extended/", json=create_body(clusterName="lost"))
    assert [r.name for r in sim.cluster_records()] == ["lost"]
    sim.faults = Faults(error_rate_5xx=1.0, error_codes=(503,))
    assert http.get(ROOT).status_code == 503
    sim.faults = Faults()
    assert http.get(ROOT).status_code == 200
    assert [r.fault for r in sim.log] == ["drop", "lost_response", "5xx", None]


def test_lost_response_held_past_the_client_timeout() -> None:
    sim = Simulator(
        settings=SimulatorSettings(interval=None), faults=Faults(lose_create_response=1)
    )
    sim.faults.lost_response_hold = 5.0
    creds = sim.credentials
    with (
        sim.serve() as url,
        httpx.Client(base_url=url, auth=(creds.username, creds.api_key), timeout=0.3) as http,
        pytest.raises(httpx.ReadTimeout),
    ):
        http.post(f"{ROOT}/extended/", json=create_body())
    assert len(sim.cluster_records()) == 1


def test_rate_limit_over_http_sees_the_loopback_ip() -> None:
    sim = Simulator(settings=SimulatorSettings(interval=30))
    creds = sim.credentials
    with (
        sim.serve() as url,
        httpx.Client(base_url=url, auth=(creds.username, creds.api_key)) as http,
    ):
        assert http.get(ROOT).status_code == 404
        assert http.get(ROOT).status_code == 429
    assert {r.client_ip for r in sim.log} == {"127.0.0.1"}


def _command() -> list[str]:
    script = Path(sys.executable).with_name("insta-nb")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "insta_nb.cli"]


def test_cli_serves_and_prints_url_and_credentials() -> None:
    args = ["simulator", "--port", "0", "--speed", "50", "--interval", "0"]
    args += ["--username", "teacher", "--api-key", "full-key", "--read-only-key", "ro-key"]
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
            assert line, f"the command ended early: {proc.stderr.read() if proc.stderr else ''}"
            lines.append(line)
        text = "".join(lines)
        match = re.search(r"http://127\.0\.0\.1:(\d+)", text)
        assert match, text
        for expected in ("teacher", "full-key", "ro-key"):
            assert expected in text
        url = match.group(0)
        assert httpx.get(f"{url}{ROOT}", auth=("teacher", "full-key")).status_code == 404
        assert httpx.get(f"{url}{ROOT}", auth=("teacher", "ro-key")).status_code == 404
        denied = httpx.post(f"{url}{ROOT}/extended/", json={}, auth=("teacher", "ro-key"))
        assert denied.status_code == 403
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "stopped" in out


def test_cli_reports_a_busy_port() -> None:
    sim = Simulator(settings=SimulatorSettings(interval=None))
    with sim.serve() as url:
        port = url.rsplit(":", 1)[1]
        result = subprocess.run(
            [*_command(), "simulator", "--port", port],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2
    assert "insta-nb simulator:" in result.stderr

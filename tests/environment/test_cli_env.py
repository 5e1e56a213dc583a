"""``insta-nb env`` as a CI job runs it: separate processes against a simulator served on
127.0.0.1, checked by exit code, stderr and what the simulator holds afterwards."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from insta_nb.simulator import Simulator, SimulatorSettings

pytestmark = [pytest.mark.loopback, pytest.mark.timeout(120)]

INTERVAL = 0.05
FILE = """
name = "{name}"

[cluster]
cluster_name = "{name}_db"
data_centre = "US_EAST_1"
node_size = "t3.small-v2"
cluster_network = "10.224.0.0/16"
provider = "AWS_VPC"
rack_allocation = {{ number_of_racks = 3, nodes_per_rack = 1 }}
bundles = [{{ bundle = "APACHE_CASSANDRA", version = "4.0.1" }}]

[[firewall_rules]]
network = "203.0.113.10/32"
rule_types = ["CASSANDRA"]

[[firewall_rules]]
network = "198.51.100.0/24"
rule_types = ["CASSANDRA"]

[[peerings]]
peer_vpc_id = "vpc-0a1b2c3d"
peer_account_id = "123456789012"
peer_subnets = ["10.1.0.0/16"]
"""


@dataclass
class Cli:
    sim: Simulator
    url: str
    tmp: Path

    def env(self) -> dict[str, str]:
        creds = self.sim.credentials
        env = {
            **os.environ,
            "INSTACLUSTR_API_URL": self.url,
            "INSTACLUSTR_USERNAME": creds.username,
            "INSTACLUSTR_API_KEY": creds.api_key,
            "INSTA_NB_INTERVAL": str(INTERVAL),
            "INSTA_NB_STATE_DIR": str(self.tmp / "state"),
        }
        env.pop("INSTACLUSTR_READ_ONLY", None)
        return env

    def file(self, name: str = "ci", text: str = FILE) -> str:
        path = self.tmp / f"{name}.toml"
        path.write_text(text.format(name=name))
        return str(path)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "insta_nb.cli", "env", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=90,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "insta_nb.cli", "env", *args],
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def undeleted(self) -> list[str]:
        return [c.name for c in self.sim.cluster_records() if c.deleted_at is None]


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    sim = Simulator(
        settings=SimulatorSettings(interval=INTERVAL, speed=400, peering_accept_seconds=0.5)
    )
    with sim.serve() as url:
        yield Cli(sim, url, tmp_path)
    assert sim.app_errors == []


def wait_for_line(proc: subprocess.Popen[str], fragment: str) -> list[str]:
    """Read stderr until a line holds ``fragment``; the lines read."""
    assert proc.stderr is not None
    lines: list[str] = []
    for line in proc.stderr:
        lines.append(line)
        if fragment in line:
            return lines
    pytest.fail(f"never saw {fragment!r}: {''.join(lines)[-3000:]}")


def test_up_with_a_command_provisions_runs_it_and_tears_down(cli: Cli) -> None:
    probe = "import os; print('child sees', os.environ['INSTA_NB_ENV_CLUSTER_ID'])"
    done = cli.run("up", cli.file(), "--", sys.executable, "-c", probe)
    assert done.returncode == 0, done.stderr
    cluster_id = next(
        line.split("=", 1)[1] for line in done.stdout.splitlines() if line.startswith("cluster_id=")
    )
    assert f"child sees {cluster_id}" in done.stdout
    for step in (
        "create cluster done",
        "VPC peering done",
        "wait for RUNNING done",
        "delete VPC peering done",
        "delete cluster done",
        "teardown done",
    ):
        assert step in done.stderr, step
    assert cli.undeleted() == []
    assert [c.name for c in cli.sim.cluster_records()] == ["ci_db"]


def test_keep_then_list_and_down_from_other_processes(cli: Cli) -> None:
    up = cli.run("up", cli.file(), "--keep")  # as the README writes it
    assert up.returncode == 0, up.stderr
    assert cli.undeleted() == ["ci_db"]
    listed = cli.run("list", "--json")
    assert listed.returncode == 0, listed.stderr
    [entry] = json.loads(listed.stdout)
    assert (entry["name"], entry["state"], entry["status"]) == ("ci", "up", "RUNNING")
    assert len(entry["peering_ids"]) == 1
    down = cli.run("down", "ci")
    assert down.returncode == 0, down.stderr
    assert "delete VPC peering done" in down.stderr
    assert cli.undeleted() == []
    assert cli.run("list").stdout.strip() == "no environments recorded"
    again = cli.run("down", "ci")
    assert again.returncode == 2
    assert "no environment named 'ci'" in again.stderr


def test_a_bad_file_exits_2_naming_each_key_and_sends_nothing(cli: Cli) -> None:
    text = FILE.replace("nodes_per_rack = 1", 'nodes_per_rack = "one"').replace(
        '"US_EAST_1"', '"MARS_1"'
    )
    bad = cli.run("up", cli.file(text=text))
    assert bad.returncode == 2
    assert "cluster.rack_allocation.nodes_per_rack" in bad.stderr
    assert cli.sim.log == []
    unknown = cli.run("up", cli.file(text=FILE.replace('"US_EAST_1"', '"MARS_1"')))
    assert unknown.returncode == 2
    assert "cluster.data_centre" in unknown.stderr
    assert [r for r in cli.sim.log if r.method != "GET"] == []
    assert "Traceback" not in bad.stderr + unknown.stderr


def test_an_unknown_option_is_a_usage_error(cli: Cli) -> None:
    done = cli.run("up", cli.file(), "--kep")
    assert done.returncode == 2
    assert "unknown option '--kep'" in done.stderr
    assert cli.sim.log == []


def test_a_failing_command_exits_4_after_teardown(cli: Cli) -> None:
    done = cli.run("up", cli.file(), "--", sys.executable, "-c", "raise SystemExit(7)")
    assert done.returncode == 4
    assert "the command exited with 7" in done.stderr
    assert cli.undeleted() == []


def test_ctrl_c_while_provisioning_tears_down_and_exits_130(cli: Cli) -> None:
    proc = cli.start("up", cli.file())
    try:
        wait_for_line(proc, "wait for data centre started")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "teardown done" in err
    assert cli.undeleted() == []


def test_sigterm_while_held_up_tears_down_and_exits_0(cli: Cli) -> None:
    proc = cli.start("up", cli.file())
    try:
        wait_for_line(proc, "press Ctrl-C")
        assert cli.undeleted() == ["ci_db"]
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert cli.undeleted() == []


def test_a_teardown_that_fails_exits_3_listing_what_is_left(cli: Cli) -> None:
    proc = cli.start("up", cli.file())
    try:
        wait_for_line(proc, "press Ctrl-C")
        cli.sim.faults.error_rate_5xx = 1.0  # every request fails from now on
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=90)
    finally:
        proc.kill()
        cli.sim.faults.error_rate_5xx = 0.0
    assert proc.returncode == 3, err
    assert "TEARDOWN INCOMPLETE" in err
    assert "cluster ci_db (" in err
    assert cli.undeleted() == ["ci_db"]
    listed = json.loads(cli.run("list", "--json").stdout)
    assert [(e["name"], e["state"]) for e in listed] == [("ci", "teardown incomplete")]
    assert cli.run("down", "ci").returncode == 0
    assert cli.undeleted() == []


def test_help_documents_the_exit_codes() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "insta_nb.cli", "env", "up", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    for code in ("0 ", "1 ", "2 ", "3 ", "4 ", "130 "):
        assert f"\n  {code}" in shown, code


def test_a_killed_up_leaves_a_record_that_env_down_clears(cli: Cli) -> None:
    proc = cli.start("up", cli.file())
    try:
        wait_for_line(proc, "wait for RUNNING started")
        proc.kill()  # SIGKILL: no teardown can run
        proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert cli.undeleted() == ["ci_db"]
    [entry] = json.loads(cli.run("list", "--json").stdout)
    assert (entry["name"], entry["state"], entry["pid"]) == ("ci", "provisioning", None)
    down = cli.run("down", "ci")
    assert down.returncode == 0, down.stderr
    assert "delete VPC peering done" in down.stderr
    assert cli.undeleted() == []

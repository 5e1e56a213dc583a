"""Separate processes, one machine, one budget: the shared slot file over real HTTP.

Three worker processes (``worker.py``), each with its own engine, send list calls at
once to one strict simulator served by this test process. Sharing the slot file, no
request is ever early; each process pacing only itself, they collide at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.loopback.conftest import INTERVAL, Served, assert_paced

pytestmark = pytest.mark.loopback

WORKER = Path(__file__).with_name("worker.py")
PROCESSES = 3


def run_workers(
    served: Served, state_dir: Path, *, count: int, shared: bool, deadline: float
) -> list[dict[str, Any]]:
    """Start the workers, release them together once all are ready, return their reports."""
    creds = served.sim.credentials
    env = {
        **os.environ,
        "INSTACLUSTR_USERNAME": creds.username,
        "INSTACLUSTR_API_KEY": creds.api_key,
    }
    env.pop("INSTACLUSTR_API_URL", None)
    env.pop("INSTACLUSTR_READ_ONLY", None)
    args = [served.url, str(state_dir), "loopback-processes", str(INTERVAL), str(count)]
    args += ["1" if shared else "0", str(deadline)]
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()
            if line != "ready":
                _, err = proc.communicate(timeout=10)
                pytest.fail(f"a worker did not start ({line!r}): {err[-3000:]}")
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        reports = []
        for proc in procs:
            out, err = proc.communicate(timeout=deadline + 15)
            assert proc.returncode == 0, err[-3000:]
            reports.append(json.loads(out.strip().splitlines()[-1]))
        return reports
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_three_processes_sharing_the_slot_file_never_get_a_429(
    served: Served, tmp_path: Path
) -> None:
    count = 6
    reports = run_workers(served, tmp_path / "state", count=count, shared=True, deadline=30)

    for report in reports:
        assert report["errors"] == []
        assert report["succeeded"] == count
        assert report["sent"] == count
        assert report["rejected_429"] == 0
    assert served.sim.stats.requests == PROCESSES * count
    served.assert_no_429()
    # Across processes too, on the one wall clock they share: every send waited one
    # interval after whichever process's response came before it.
    assert_paced([tuple(span) for report in reports for span in report["spans"]])


def test_without_the_shared_slot_file_the_same_processes_get_429s(
    served: Served, tmp_path: Path
) -> None:
    # The counter-case: proves that the test above could fail. Each process paces only
    # itself, so their first requests already arrive together.
    reports = run_workers(served, tmp_path / "state", count=3, shared=False, deadline=3)

    assert served.sim.stats.rate_limited > 0
    assert sum(report["rejected_429"] for report in reports) > 0

"""`insta-nb lab` (the main command) starts a simulator and JupyterLab on the quickstart."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.loopback, pytest.mark.timeout(120)]

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_lab_serves_the_quickstart_next_to_a_loopback_simulator(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    command = [
        sys.executable,
        "-m",
        "insta_nb.cli",
        "lab",
        "--",
        f"--port={port}",
        "--no-browser",
        "--IdentityProvider.token=labtest",
        "--port-retries=0",
    ]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.search(r"simulator at (http://127\.0\.0\.1:\d+)", first)
        assert match, first
        sim_url = match.group(1)
        deadline = time.monotonic() + 60
        while True:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/api/status?token=labtest")
                if status.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "JupyterLab did not start"
            time.sleep(0.25)  # a marked loopback test waiting for a real server
        contents = httpx.get(f"http://127.0.0.1:{port}/api/contents?token=labtest").json()
        assert "quickstart.ipynb" in {item["name"] for item in contents["content"]}
        # The simulator answers with the credentials the lab put in the environment.
        reply = httpx.get(f"{sim_url}/provisioning/v1", auth=("simulator", "sim-provisioning-key"))
        assert reply.status_code == 404  # an empty account, as the real API answers
        assert reply.json()["message"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

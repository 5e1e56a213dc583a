"""A real kernel interrupted while it provisions tears the environment down; interrupted
again while tearing down, the cell returns at once with a warning and the teardown goes on
in the kernel. The embedded simulator runs in the kernel, as in a user's notebook."""

from __future__ import annotations

import os
import queue
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.manager import start_new_kernel

from .test_cli_env import FILE

pytestmark = [pytest.mark.notebook, pytest.mark.timeout(180)]

SETUP = """
import insta_nb
from insta_nb import EnvironmentSpec

session = insta_nb.connect()
spec = EnvironmentSpec.from_toml({file!r})


def show(event):
    if event.state != "progress":
        print(event.describe(), flush=True)
    if event.step.value == "teardown" and event.state == "started":
        session.simulator.faults.latency = {latency}  # a slow API: teardown takes a while
"""
PROVISION = """
async with session.environment(spec, on_event=show) as env:
    print("the block ran")
"""


class Kernel:
    def __init__(self, manager: Any, client: Any) -> None:
        self.manager, self.client = manager, client

    def run(self, code: str, *, interrupt_on: tuple[str, ...] = (), timeout: float = 90) -> str:
        """Run ``code``; interrupt the kernel when each fragment appears in its output."""
        msg_id = self.client.execute(code)
        pending, out = list(interrupt_on), []
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                msg = self.client.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
                if pending and pending[0] in "".join(out):
                    pending.pop(0)
                    self.manager.interrupt_kernel()
            elif kind == "error":
                out.append(f"ERROR {content['ename']}\n")
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(out)
        pytest.fail(f"no end of execution: {''.join(out)[-2000:]}")


@pytest.fixture
def kernel(tmp_path: Path) -> Iterator[Kernel]:
    env = {
        **os.environ,
        "INSTA_NB_SIM_SPEED": "40",
        "INSTA_NB_INTERVAL": "0.05",
        "INSTA_NB_STATE_DIR": str(tmp_path / "state"),
        "INSTACLUSTR_USERNAME": "",
        "INSTACLUSTR_API_KEY": "",
        "INSTACLUSTR_API_URL": "",
    }
    manager, client = start_new_kernel(kernel_name="python3", env=env)
    try:
        yield Kernel(manager, client)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def left_in(kernel: Kernel) -> str:
    return kernel.run(
        "print(session.sync.list_environments(),"
        " [r.name for r in session.simulator.cluster_records() if r.deleted_at is None])"
    )


def test_a_kernel_interrupt_while_provisioning_tears_down(kernel: Kernel) -> None:
    kernel.run(SETUP.format(file=FILE.format(name="ci"), latency=0.0))
    out = kernel.run(PROVISION, interrupt_on=("wait for RUNNING started",))
    assert "the block ran" not in out
    assert "teardown done" in out
    assert "delete cluster done" in out
    assert left_in(kernel).strip() == "[] []"


def test_a_second_kernel_interrupt_returns_and_the_teardown_goes_on(kernel: Kernel) -> None:
    kernel.run(SETUP.format(file=FILE.format(name="ci"), latency=1.0))
    out = kernel.run(PROVISION, interrupt_on=("wait for RUNNING started", "teardown started"))
    assert "teardown done" not in out
    assert "NOT waiting for the teardown of environment 'ci'" in out
    assert "still up: cluster ci_db (" in out
    deadline = time.monotonic() + 60
    while left_in(kernel).strip() != "[] []":
        assert time.monotonic() < deadline, "the teardown did not finish in the kernel"
        time.sleep(1)  # a marked notebook test, waiting on a real kernel

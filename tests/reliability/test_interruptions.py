"""Kernel-side interruptions, in a real IPython kernel driven cell by cell.

The session in the kernel talks to an embedded simulator with a real clock and paces at
2 s, so a job waits long enough in the queue for the test to act on it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from .kernel import Kernel

pytestmark = [pytest.mark.notebook, pytest.mark.timeout(120)]

SETUP = """
import asyncio, threading, time
import insta_nb
from insta_nb.models import BundleSpec, ClusterSpec, ProviderSpec, RackAllocation
from insta_nb.simulator import Faults, Simulator, SimulatorSettings

sim = Simulator(settings=SimulatorSettings(interval=None, speed=50))
s = insta_nb.connect(simulator=sim, interval=1.0)

def spec(name):
    return ClusterSpec(cluster_name=name, bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1"),),
        provider=ProviderSpec("AWS_VPC"), data_centre="US_WEST_2", node_size="t3.small-v2",
        rack_allocation=RackAllocation(3, 1), cluster_network="10.224.0.0/16")

def announce(what, test):
    # From a thread: the cell itself may be blocked in a sync call.
    def wait():
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if test(s.engine_snapshot()):
                print("READY:", what, flush=True)
                return
            time.sleep(0.005)
    threading.Thread(target=wait, daemon=True).start()

def queued(label):
    return lambda snap: any(j.label == label for j in snap.queued)

def posts():
    return sum(1 for r in sim.log if r.method == "POST")

def state():
    return {
        "requests": [(r.method, r.path, r.status) for r in sim.log],
        "ops": {op.target: (op.state.value, op.message, op.cluster_id)
                for op in s.service.operations},
        "queued": [j.label for j in s.engine_snapshot().queued],
        "clusters": [c.name for c in sim.cluster_records()],
    }
"""

#: Real seconds between two requests in the kernel; waits below are a few of these.
INTERVAL = 1.0


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kernel]:
    tmp = tmp_path_factory.mktemp("kernel")
    env = {
        "INSTA_NB_STATE_DIR": str(tmp / "state"),
        "INSTACLUSTR_USERNAME": "",
        "INSTACLUSTR_API_KEY": "",
        "INSTACLUSTR_API_URL": "",
    }
    k = Kernel(tmp, env)
    try:
        k.ok(SETUP)
        yield k
    finally:
        k.close()


def settle(kernel: Kernel) -> None:
    """Wait (real time: a kernel runs on a real clock) until the engine queue is empty."""
    kernel.ok(
        "for _ in range(2000):\n"
        "    if not s.engine_snapshot().queued and s.engine_snapshot().in_flight is None:\n"
        "        break\n"
        "    await asyncio.sleep(0.005)\n"
    )


def test_interrupting_a_cell_that_waits_in_the_queue_cancels_its_job(kernel: Kernel) -> None:
    """Injected: a kernel interrupt while ``session.sync.create_cluster`` waits for its
    slot (the previous request took it).
    Checked: the cell ends with KeyboardInterrupt; the queued create is gone from the
    queue; two intervals later the simulator has still received no POST and holds no
    cluster of that name; the next sync call works."""
    kernel.ok("s.sync.list_clusters()")
    reply = kernel.run(
        'announce("create", queued("create interrupted"))\n'
        's.sync.create_cluster(spec("interrupted"))',
        interrupt_when="READY: create",
    )
    assert (reply.status, reply.ename) == ("error", "KeyboardInterrupt")
    time.sleep(2 * INTERVAL)  # a real kernel on a real clock: give the slot time to come
    after = kernel.ok("emit(state())").value
    assert after["queued"] == []
    assert [r for r in after["requests"] if r[0] == "POST"] == []
    assert "interrupted" not in after["clusters"]
    assert kernel.ok("emit(len(s.sync.list_clusters()))").value == 0


def test_an_interrupted_create_is_not_reported_as_sent(kernel: Kernel) -> None:
    """Injected: a kernel interrupt while a sync create waits in the queue.
    Checked: the operation log (what views and re-run cells report) does not say
    "sent" for a request that never left.
    Bug (fixed in e883667): the operation was marked SENT before its job was sent, and an
    asyncio.CancelledError left it that way for ever.
    Fix: mark SENT from the engine's on_send hook; a cancelled job ends CANCELLED."""
    settle(kernel)
    kernel.ok("s.sync.list_clusters()")
    reply = kernel.run(
        'announce("create", queued("create interrupted_2"))\n'
        's.sync.create_cluster(spec("interrupted_2"))',
        interrupt_when="READY: create",
    )
    assert reply.ename == "KeyboardInterrupt"
    time.sleep(INTERVAL)
    op = kernel.ok("emit(state())").value["ops"]["interrupted_2"]
    assert op[0] != "sent", op


def test_closing_a_widget_cancels_its_queued_jobs(kernel: Kernel) -> None:
    """Injected: the create form's Submit is clicked, its create waits in the queue, and
    the form is closed (as the cell's output is cleared or the widget closed).
    Checked: the job is cancelled: the simulator never receives that POST; a cluster
    table's details request queued when it is closed is cancelled too, and its
    background polling stops."""
    settle(kernel)
    kernel.ok(
        "from insta_nb.widgets import ClusterTable, CreateForm\n"
        "s.sync.list_clusters()\n"
        "form = CreateForm(s, load_keys=False)\n"
        'form.name.value = "from_form"\n'
        "form.submit.click()\n"
        "for _ in range(1000):\n"
        '    if queued("create from_form")(s.engine_snapshot()):\n'
        "        break\n"
        "    await asyncio.sleep(0.005)\n"
        "form.close()\n"
    )
    time.sleep(INTERVAL + 0.5)
    after = kernel.ok("emit(state())").value
    assert [r for r in after["requests"] if r[0] == "POST"] == []
    assert "from_form" not in after["clusters"]
    assert after["ops"]["from_form"][0] in ("failed", "cancelled")
    assert "cancelled" in after["ops"]["from_form"][1]


def test_closing_the_table_cancels_its_queued_details_read_and_stops_polling(
    kernel: Kernel,
) -> None:
    """Injected: a cluster table opens a row's details (a firewall-rules read owned by the
    table waits in the queue) and is closed at once.
    Checked: the simulator never receives that read, and background polling stops
    (no request at all in the three intervals after the refresh already under way).
    (Closing before the table's watches have started leaks them: see
    test_widget_lifecycle.py.)"""
    settle(kernel)
    kernel.ok(
        "from insta_nb.widgets import ClusterTable\n"
        'cid = s.sync.create_cluster(spec("with_table"))\n'
        "s.sync.list_clusters()"
    )
    settle(kernel)
    reply = kernel.ok(
        "table = ClusterTable(s)\n"
        "for _ in range(1000):\n"
        "    if cid in table.row_views and table._watch is not None: break\n"
        "    await asyncio.sleep(0.005)\n"
        "table.row_views[cid].details_toggle.value = True\n"
        "for _ in range(1000):\n"
        '    rules = any("firewall rule" in j.label for j in s.engine_snapshot().queued)\n'
        "    if rules and cid in table._detail_watches: break\n"
        "    await asyncio.sleep(0.005)\n"
        "table.close()\n"
        "emit(len(sim.log))\n"
    )
    closed_at = reply.value
    time.sleep(3 * INTERVAL)
    middle = kernel.ok("emit(state())").value["requests"]
    assert [r for r in middle[closed_at:] if "firewallRules" in r[1]] == []
    time.sleep(3 * INTERVAL)
    after = kernel.ok("emit(state())").value["requests"]
    assert after[len(middle) :] == []


def test_closing_the_last_view_cancels_a_queued_background_poll(kernel: Kernel) -> None:
    """Injected: a cluster table is closed while its background list call waits in the
    queue.
    Checked: no request is sent after the close.
    Bug (fixed in e883667): background polls had no owner, so the poll already queued
    (and the detail reads of that refresh) were still sent after the last view closed.
    Fix: the poller's jobs have an owner, cancelled when the last watch stops."""
    settle(kernel)
    reply = kernel.ok(
        "from insta_nb.engine import JobKind\n"
        "from insta_nb.widgets import ClusterTable\n"
        "s.sync.list_clusters()\n"
        "table = ClusterTable(s)\n"
        "for _ in range(1000):\n"
        "    if any(j.kind is JobKind.POLL for j in s.engine_snapshot().queued): break\n"
        "    await asyncio.sleep(0.005)\n"
        "table.close()\n"
        "emit(len(sim.log))\n"
    )
    closed_at = reply.value
    time.sleep(2 * INTERVAL)
    after = kernel.ok("emit(state())").value["requests"]
    assert after[closed_at:] == []


def test_rerunning_a_cell_cancels_its_queued_jobs_and_reports_the_sent_one(
    kernel: Kernel,
) -> None:
    """Injected: a cell starts two creates in the background; while the first is in
    flight (1.5 s of latency) and the second queued, the cell is edited and re-run.
    Checked: the queued create is cancelled and never reaches the simulator; the one
    already sent is not abandoned: it completes, its id is the simulator's cluster, and
    the operation log reports it done."""
    settle(kernel)
    kernel.ok("s.sync.list_clusters()\nsim.faults.latency = 1.5\nbefore = posts()")
    kernel.ok(
        't1 = asyncio.ensure_future(s.create_cluster(spec("sent_one")))\n'
        't2 = asyncio.ensure_future(s.create_cluster(spec("queued_two")))\n',
        cell_id="the-cell",
    )
    kernel.ok(
        "for _ in range(2000):\n"
        "    snap = s.engine_snapshot()\n"
        '    sent = snap.in_flight == "create sent_one"\n'
        '    if sent and queued("create queued_two")(snap):\n'
        "        break\n"
        "    await asyncio.sleep(0.005)\n"
        "else:\n"
        '    raise AssertionError("never saw one in flight and one queued")\n'
    )
    kernel.ok('print("edited, run again")', cell_id="the-cell")
    kernel.ok(
        "for _ in range(2000):\n"
        "    if t1.done() and t2.done(): break\n"
        "    await asyncio.sleep(0.005)\n"
        "sim.faults.latency = 0.0\n"
    )
    time.sleep(INTERVAL)
    result = kernel.ok(
        "emit({**state(), 't1': t1.result(), 't2': repr(t2.exception()),"
        " 'posts': posts() - before})"
    ).value
    assert result["posts"] == 1
    assert result["clusters"].count("sent_one") == 1
    assert "queued_two" not in result["clusters"]
    assert result["ops"]["sent_one"][0] == "done"
    assert result["ops"]["sent_one"][2] == result["t1"]
    assert "JobCancelledError" in result["t2"]
    assert "cancelled" in result["ops"]["queued_two"][1]

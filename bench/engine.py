"""Benchmark of the request engine against the simulator over real HTTP on 127.0.0.1.

The interval is scaled to 0.25 s (the real API allows one request per 2.5 s) so that a
run takes about a minute. Four measurements, in one run:

1. 8 tasks × 10 list calls through the engine, and the same 80 calls fired at once
   through a plain shared ``httpx.AsyncClient``: requests/s as a fraction of the limit
   (1 / interval), and the simulator's 429 count. The simulator is strict: one arrival
   per interval per IP, and a rejected arrival restarts the window.
2. 3 processes × 10 calls, each with its own engine, sharing the machine's slot file.
3. A user's create submitted while 50 background polls are queued: submit-to-send wait
   in slots (a plain FIFO queue would make it wait for all 50).
4. The simulator's own throughput with its limiter off: the server in its own process
   pinned to one core, the load from separate processes pinned to another core.
5. A v1 and a v2 session (``connect(api=...)``) on one machine, talking to one host:
   4 tasks each reading their own cluster 10 times through each session, paced together
   by the host's one budget (``INSTA_NB_V2_PACE=shared``, the default).

Human-readable lines first; the last line is one JSON object with the figures.

Usage::

    .venv/bin/python bench/engine.py

(The ``worker``, ``serve`` and ``load`` subcommands are the helper processes it starts.)
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from insta_nb.backends.v1 import ApiClient
from insta_nb.config import EngineSettings
from insta_nb.credentials import Credentials
from insta_nb.engine import Engine, EngineRunner, JobKind, Request
from insta_nb.models import BundleSpec, ClusterSpec, ProviderSpec, RackAllocation
from insta_nb.simulator import DEFAULT_API_KEY, DEFAULT_USERNAME, Simulator, SimulatorSettings

INTERVAL = 0.25
LIST = "/provisioning/v1"
HOST = "127.0.0.1"
TASKS, PER_TASK = 8, 10
PROCESSES, PER_PROCESS = 3, 10
BACKLOG, TRIALS = 50, 8
LOAD_SECONDS, WARMUP_SECONDS = 3.0, 0.7
HERE = Path(__file__).resolve()
#: The keys of the JSON line, in order.
FIGURES = (
    "engine_limit_fraction",
    "engine_429",
    "naive_limit_fraction",
    "naive_429",
    "multiproc_limit_fraction",
    "multiproc_429",
    "user_action_wait_slots",
    "simulator_rps",
    "v1v2_limit_fraction",
    "v1v2_429",
)
V2_TASKS, V2_PER_TASK = 4, 10


# --- shared helpers ---------------------------------------------------------------------------


def spec(name: str) -> ClusterSpec:
    """A small valid create request."""
    return ClusterSpec(
        cluster_name=name,
        bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1"),),
        provider=ProviderSpec("AWS_VPC"),
        data_centre="US_WEST_2",
        node_size="t3.small-v2",
        rack_allocation=RackAllocation(3, 1),
        cluster_network="10.224.0.0/16",
    )


def strict_simulator(interval: float | None) -> Simulator:
    """A simulator with two clusters (so a list answers 200 with a body).

    With an ``interval``, its limiter is strict: one arrival per interval per IP, and a
    rejected arrival restarts the window.
    """
    sim = Simulator(settings=SimulatorSettings(interval=interval, count_rejected=True))
    creds = sim.credentials

    async def seed() -> None:
        async with httpx.AsyncClient(
            transport=sim.transport(), base_url=sim.url, auth=(creds.username, creds.api_key)
        ) as http:
            for name in ("seed_one", "seed_two"):
                body = {
                    "clusterName": name,
                    "bundles": [{"bundle": "APACHE_CASSANDRA", "version": "4.0.1"}],
                    "provider": {"name": "AWS_VPC"},
                    "dataCentre": "US_WEST_2",
                    "nodeSize": "t3.small-v2",
                    "clusterNetwork": "10.224.0.0/16",
                    "rackAllocation": {"numberOfRacks": 3, "nodesPerRack": 1},
                }
                response = await http.post(f"{LIST}/extended/", json=body)
                assert response.status_code == 202, response.text
                sim.reset_rate_limit()  # seeding is not part of the measurement

    asyncio.run(seed())
    return sim


def credentials_for(sim: Simulator, url: str) -> Credentials:
    creds = sim.credentials
    return Credentials(creds.username, creds.api_key, api_url=url)


def settings_for(state_dir: Path, key: str, interval: float, shared: bool = True) -> EngineSettings:
    return EngineSettings(shared_slots=shared, state_dir=state_dir, budget_key=key).scaled(interval)


def steady_fraction(done: Sequence[float], interval: float) -> float:
    """Completions per second between the first and the last, as a fraction of the limit.

    ``n`` completions span ``n - 1`` gaps: counting ``n`` over that span would let a run
    that merely starts promptly score above 1.
    """
    ordered = sorted(done)
    if len(ordered) < 2 or ordered[-1] <= ordered[0]:
        return float("nan")
    return (len(ordered) - 1) / (ordered[-1] - ordered[0]) * interval


def arrival_gaps(sim: Simulator) -> list[float]:
    """Gaps between the measured GETs' arrivals (the seeding creates are POSTs)."""
    times = [r.time for r in sim.log if r.method == "GET"]
    return [b - a for a, b in itertools.pairwise(times)]


def start_runner(settings: EngineSettings, creds: Credentials) -> tuple[EngineRunner, ApiClient]:
    """An engine on its own loop thread, and an API client living on that loop."""
    runner = EngineRunner(settings)

    async def make_client() -> ApiClient:
        return ApiClient(creds, timeout=settings.request_timeout)

    return runner, runner.on_loop_sync(make_client, timeout=10)


def stop_runner(runner: EngineRunner, client: ApiClient) -> None:
    async def shutdown() -> None:
        await runner.engine.aclose()
        await client.aclose()

    loop = runner.thread.loop
    runner.on_loop_sync(shutdown, timeout=10)
    runner.thread.stop()
    loop.close()


def timed_list_request(
    client: ApiClient, spans: list[tuple[float, float]], now: Callable[[], float]
) -> Request:
    """A list call that records (send, response) of each attempt, taken in the call itself.

    No coalescing key: every call is its own send.
    """

    async def call() -> Any:
        sent = now()
        try:
            return await client.list_clusters()
        finally:
            spans.append((sent, now()))

    return Request(call=call, kind=JobKind.READ, label="GET " + LIST, idempotent=True)


def slot_breakdown(spans: Sequence[tuple[float, float]], interval: float) -> str:
    """Where each slot went: the interval, the round trip, and the engine's own lag.

    The pacing rule waits for a response, so a slot is at least interval + round trip;
    the lag is what the engine adds between "response + interval" and the next send.
    """
    ordered = sorted(spans)
    rtts = [end - sent for sent, end in ordered]
    lags = [b[0] - (a[1] + interval) for a, b in itertools.pairwise(ordered)]
    return (
        f"round trip mean {statistics.fmean(rtts) * 1000:.1f} ms "
        f"(median {statistics.median(rtts) * 1000:.1f}, max {max(rtts) * 1000:.1f}); "
        f"engine lag after response + interval mean {statistics.fmean(lags) * 1000:.2f} ms "
        f"(max {max(lags) * 1000:.1f})"
    )


# --- 1. engine vs. naive ----------------------------------------------------------------------


@dataclass
class Paced:
    fraction: float
    rejected_429: int
    completed: int
    seconds: float
    detail: str


def bench_engine(interval: float) -> Paced:
    sim = strict_simulator(interval)
    with sim.serve() as url, tempfile.TemporaryDirectory() as state:
        settings = settings_for(Path(state), "bench-engine", interval)
        runner, client = start_runner(settings, credentials_for(sim, url))
        done: list[float] = []
        spans: list[tuple[float, float]] = []
        request = timed_list_request(client, spans, time.monotonic)

        async def workload() -> float:
            async def task() -> None:
                for _ in range(PER_TASK):
                    await runner.run(request)
                    done.append(time.monotonic())

            start = time.monotonic()
            await asyncio.gather(*(task() for _ in range(TASKS)))
            return time.monotonic() - start

        seconds = asyncio.run(workload())
        stop_runner(runner, client)
    gaps = arrival_gaps(sim)
    detail = (
        f"arrival gaps at the simulator: min {min(gaps) * 1000:.1f} ms, "
        f"mean {statistics.fmean(gaps) * 1000:.1f} ms (interval {interval * 1000:.0f} ms)\n"
        f"           {slot_breakdown(spans, interval)}\n"
        f"           all {len(done)} in {seconds:.2f} s = "
        f"{len(done) / seconds * interval:.3f} of the limit counting from the first submit"
    )
    return Paced(
        steady_fraction(done, interval), sim.stats.rejected_429, len(done), seconds, detail
    )


def bench_naive(interval: float) -> Paced:
    sim = strict_simulator(interval)
    creds = sim.credentials
    count = TASKS * PER_TASK
    with sim.serve() as url:

        async def workload() -> tuple[float, list[float], collections.Counter[int]]:
            done: list[float] = []
            statuses: collections.Counter[int] = collections.Counter()
            limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
            async with httpx.AsyncClient(
                base_url=url, auth=(creds.username, creds.api_key), timeout=30, limits=limits
            ) as http:

                async def one() -> None:
                    response = await http.get(LIST)
                    statuses[response.status_code] += 1
                    done.append(time.monotonic())

                start = time.monotonic()
                await asyncio.gather(*(one() for _ in range(count)))
                return time.monotonic() - start, done, statuses

        seconds, done, statuses = asyncio.run(workload())
    accepted = sum(n for status, n in statuses.items() if status != 429)
    detail = (
        f"{count} fired at once: {accepted} accepted, {statuses[429]} rejected (429) "
        f"in {seconds:.2f} s; every request finished, so the naive user now has "
        f"{count - accepted} calls to redo"
    )
    return Paced(
        steady_fraction(done, interval), sim.stats.rejected_429, len(done), seconds, detail
    )


# --- 2. several processes ---------------------------------------------------------------------


def worker_main(args: argparse.Namespace) -> int:
    """One process of the shared-budget measurement: its own engine, ``n`` list calls."""
    creds = Credentials.resolve(api_url=args.url)
    assert creds is not None, "INSTACLUSTR_USERNAME / INSTACLUSTR_API_KEY not set"
    settings = settings_for(Path(args.state_dir), args.key, args.interval, args.shared == "1")
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 1

    async def run() -> dict[str, Any]:
        runner_done: list[float] = []
        spans: list[tuple[float, float]] = []  # wall clock: comparable across processes
        errors: list[str] = []
        engine = Engine(settings)
        async with ApiClient(creds, timeout=settings.request_timeout) as client:
            request = timed_list_request(client, spans, time.time)

            async def one() -> None:
                try:
                    await engine.run(request)
                    runner_done.append(time.time())
                except Exception as exc:
                    errors.append(type(exc).__name__)

            try:
                await asyncio.wait_for(
                    asyncio.gather(*(one() for _ in range(args.n))), args.deadline
                )
            except TimeoutError:
                errors.append("deadline")
            await engine.aclose()
        return {
            "done": runner_done,
            "spans": spans,
            "errors": errors,
            "sent": engine.sent,
            "rejected_429": engine.rejected_429,
        }

    print(json.dumps(asyncio.run(run())), flush=True)
    return 0


def run_workers(
    url: str, state_dir: Path, *, count: int, n: int, interval: float, shared: bool
) -> list[dict[str, Any]]:
    """Start ``count`` worker processes, release them together, collect their reports."""
    env = {
        **os.environ,
        "INSTACLUSTR_USERNAME": DEFAULT_USERNAME,
        "INSTACLUSTR_API_KEY": DEFAULT_API_KEY,
    }
    cmd = [sys.executable, str(HERE), "worker", url, str(state_dir), "bench-multi"]
    cmd += [str(interval), str(n), "1" if shared else "0"]
    procs = [
        subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for _ in range(count)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()
            if line != "ready":
                raise RuntimeError(f"worker did not start: {line!r} {proc.stderr}")
        for proc in procs:  # released together: the start-up cost is not measured
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        reports = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            if proc.returncode != 0:
                raise RuntimeError(f"worker failed ({proc.returncode}): {err[-2000:]}")
            reports.append(json.loads(out.strip().splitlines()[-1]))
        return reports
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def bench_processes(interval: float) -> Paced:
    sim = strict_simulator(interval)
    with sim.serve() as url, tempfile.TemporaryDirectory() as state:
        start = time.time()
        reports = run_workers(
            url, Path(state), count=PROCESSES, n=PER_PROCESS, interval=interval, shared=True
        )
        seconds = time.time() - start
    done = [t for r in reports for t in r["done"]]
    failures = [e for r in reports for e in r["errors"]]
    gaps = arrival_gaps(sim)
    spans = [(a, b) for r in reports for a, b in r["spans"]]
    detail = (
        f"{len(done)} of {PROCESSES * PER_PROCESS} succeeded, failures {failures or 'none'}; "
        f"arrival gaps min {min(gaps) * 1000:.1f} ms, mean {statistics.fmean(gaps) * 1000:.1f} ms; "
        f"wall {seconds:.1f} s including process start-up\n"
        f"   {slot_breakdown(spans, interval)}"
    )
    return Paced(
        steady_fraction(done, interval), sim.stats.rejected_429, len(done), seconds, detail
    )


# --- 3. a user action under a backlog ---------------------------------------------------------


@dataclass
class Priority:
    worst_slots: float
    mean_slots: float
    worst_ms: float
    slot_ms: float
    overtaken: int
    queued_ahead: list[int]


def bench_user_action(interval: float) -> Priority:
    sim = strict_simulator(interval)
    with sim.serve() as url, tempfile.TemporaryDirectory() as state:
        runner, client = start_runner(
            settings_for(Path(state), "bench-priority", interval), credentials_for(sim, url)
        )
        sends: list[float] = []  # monotonic time of every send, taken in the call itself
        poll_sent = asyncio.Event()  # set (on the benchmark's loop) at every poll send
        main_loop: list[asyncio.AbstractEventLoop] = []

        async def timed_poll() -> Any:
            sends.append(time.monotonic())
            main_loop[0].call_soon_threadsafe(poll_sent.set)
            return await client.list_clusters()

        async def snapshot_queue() -> int:
            async def take() -> int:
                return sum(1 for j in runner.engine.snapshot().queued if j.kind is JobKind.POLL)

            return await runner.on_loop(take)

        async def workload() -> list[tuple[float, int, int]]:
            poll = Request(
                call=timed_poll, kind=JobKind.POLL, label="poll", idempotent=True, owner="polls"
            )
            main_loop.append(asyncio.get_running_loop())
            polls = [asyncio.ensure_future(runner.run(poll)) for _ in range(BACKLOG)]
            trials = []
            for k in range(TRIALS):
                # Submit at phase k / TRIALS of a slot in which a poll was just sent; phase
                # 0 is the worst case: the whole slot (response, then interval) lies ahead.
                poll_sent.clear()
                await poll_sent.wait()
                ahead = await snapshot_queue()
                await asyncio.sleep(interval * k / TRIALS)
                sent_at: list[float] = []

                async def create(k: int = k, sent_at: list[float] = sent_at) -> str:
                    sent_at.append(time.monotonic())
                    sends.append(sent_at[0])
                    return await client.create_cluster(spec(f"user_{k}"))

                submitted = time.monotonic()
                await runner.run(
                    Request(call=create, kind=JobKind.MUTATION, label="create", idempotent=False)
                )
                trials.append((submitted, sent_at[0], ahead))
            runner.cancel_owner("polls")
            await asyncio.gather(*polls, return_exceptions=True)
            return trials

        trials = asyncio.run(workload())
        stop_runner(runner, client)
    assert sim.stats.rejected_429 == 0, sim.stats
    waits = [wait_in_slots(sorted(sends), submitted, sent) for submitted, sent, _ in trials]
    return Priority(
        worst_slots=max(w for w, _ in waits),
        mean_slots=statistics.fmean(w for w, _ in waits),
        worst_ms=max(sent - submitted for submitted, sent, _ in trials) * 1000,
        slot_ms=statistics.fmean(b - a for a, b in itertools.pairwise(sends)) * 1000,
        overtaken=sum(o for _, o in waits),
        queued_ahead=[a for _, _, a in trials],
    )


def wait_in_slots(sends: Sequence[float], submitted: float, sent: float) -> tuple[float, int]:
    """How many slots a request waited, and how many other sends overtook it.

    ``sends`` are the start times of every send. The slot in progress at submission
    counts for the part of it that was still to run; each later slot given to another
    request counts 1. A request sent in the very next slot waited at most 1.
    """
    before = [t for t in sends if t <= submitted]
    after = [t for t in sends if submitted < t <= sent]  # ends with ``sent`` itself
    if not before:
        return len(after) - 1, len(after) - 1
    current_end = after[0]
    partial = (current_end - submitted) / (current_end - before[-1])
    return partial + len(after) - 1, len(after) - 1


# --- 5. a v1 and a v2 session on one host ------------------------------------------------------


@dataclass
class Mixed:
    fraction: float
    rejected_429: int
    completed: int
    seconds: float
    by_api: dict[str, int]
    detail: str


def bench_v1_and_v2(interval: float) -> Mixed:
    """v1 and v2 sessions made by ``connect()`` to one simulator host, reading at once."""
    import insta_nb
    from insta_nb.products import KafkaClusterSpec, KafkaDataCentre

    sim = strict_simulator(interval)
    creds = sim.credentials
    with sim.serve() as url, tempfile.TemporaryDirectory() as state:
        os.environ["INSTA_NB_STATE_DIR"] = state  # the machine's slot file, in a scratch dir
        auth = (creds.username, creds.api_key, url)
        v1 = insta_nb.connect(*auth, interval=interval, api="v1", simulator=False)
        v2 = insta_nb.connect(*auth, interval=interval, api="v2", simulator=False)

        def kafka(name: str) -> KafkaClusterSpec:
            dc = KafkaDataCentre(
                name="AWS_VPC_US_EAST_1", region="US_EAST_1", network="10.1.0.0/16",
                node_size="KFK-DEV-t4g.small-5", number_of_nodes=3,
            )  # fmt: skip
            return KafkaClusterSpec(name=name, version="3.5.1", data_centres=(dc,))

        v1_ids = [v1.sync.create_cluster(spec(f"v1_{i}")) for i in range(V2_TASKS)]
        v2_ids = [v2.sync.create_cluster(kafka(f"v2_{i}")) for i in range(V2_TASKS)]
        first_read = len(sim.log)
        done: list[float] = []

        async def workload() -> float:
            async def reads(session: insta_nb.Session, cluster_id: str) -> None:
                for _ in range(V2_PER_TASK):
                    await session.get_cluster(cluster_id)
                    done.append(time.monotonic())

            start = time.monotonic()
            await asyncio.gather(*(reads(v1, c) for c in v1_ids), *(reads(v2, c) for c in v2_ids))
            return time.monotonic() - start

        seconds = asyncio.run(workload())
        measured = list(sim.log)[first_read:]
        for session, ids in ((v1, v1_ids), (v2, v2_ids)):
            for cluster_id in ids:
                session.sync.delete_cluster(cluster_id)
            session.close()
        os.environ.pop("INSTA_NB_STATE_DIR", None)
    by_api = collections.Counter("v2" if "/v2" in r.path else "v1" for r in measured)
    times = [r.time for r in measured]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    detail = (
        f"{len(done)} reads ({dict(by_api)} requests at the simulator); arrival gaps min "
        f"{min(gaps) * 1000:.1f} ms, mean {statistics.fmean(gaps) * 1000:.1f} ms "
        f"(interval {interval * 1000:.0f} ms); all in {seconds:.2f} s"
    )
    return Mixed(
        steady_fraction(done, interval), sim.stats.rejected_429, len(done), seconds,
        dict(by_api), detail,
    )  # fmt: skip


# --- 4. simulator throughput ------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def core_ticks(cpu: int | None) -> tuple[int, int]:
    """(busy, total) clock ticks of one core (or of the machine), from /proc/stat."""
    name = "cpu" if cpu is None else f"cpu{cpu}"
    for line in Path("/proc/stat").read_text().splitlines():
        fields = line.split()
        if fields[0] == name:
            ticks = [int(v) for v in fields[1:9]]  # user nice system idle iowait irq softirq steal
            return sum(ticks) - ticks[3] - ticks[4], sum(ticks)
    raise RuntimeError(f"no {name} in /proc/stat")


def pin(cpu: int | None) -> None:
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})


def serve_main(args: argparse.Namespace) -> int:
    """The throughput server: limiter off, pinned to one core, until stdin closes."""
    pin(args.cpu)
    sim = strict_simulator(None)
    with sim.serve(HOST, 0) as url:
        print(url, flush=True)
        sys.stdin.read()
    print(json.dumps({"requests": sim.stats.requests, "errors": len(sim.app_errors)}), flush=True)
    return 0


def load_main(args: argparse.Namespace) -> int:
    """A load generator: ``--connections`` keep-alive connections, counted in a window.

    Prints ``ready``, reads the window's wall-clock start from stdin, warms up until then,
    and counts the responses that complete inside the window.
    """
    pin(args.cpu)
    counts: collections.Counter[str] = collections.Counter()
    host, port = args.url.removeprefix("http://").split(":")
    token = base64.b64encode(f"{DEFAULT_USERNAME}:{DEFAULT_API_KEY}".encode()).decode()
    request = (
        f"GET {LIST} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Basic {token}\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode()
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    end_at = start_at + args.seconds
    cpu: list[float] = []

    async def raw_connection() -> None:
        # Minimal HTTP/1.1 over one keep-alive connection: far cheaper than a full client,
        # so that the server, not the load, is the bottleneck.
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while time.time() < end_at:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                if start_at <= time.time() < end_at:
                    counts[head[9:12].decode()] += 1
        finally:
            writer.close()

    async def httpx_connection(http: httpx.AsyncClient) -> None:
        while time.time() < end_at:
            response = await http.get(LIST)
            if start_at <= time.time() < end_at:
                counts[str(response.status_code)] += 1

    async def cpu_in_window() -> None:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        cpu.append(time.process_time())
        await asyncio.sleep(max(0.0, end_at - time.time()))
        cpu.append(time.process_time())

    async def run() -> None:
        if args.client == "raw":
            await asyncio.gather(
                cpu_in_window(), *(raw_connection() for _ in range(args.connections))
            )
            return
        limits = httpx.Limits(max_connections=args.connections)
        async with httpx.AsyncClient(
            base_url=args.url, auth=(DEFAULT_USERNAME, DEFAULT_API_KEY), limits=limits
        ) as http:
            await asyncio.gather(
                cpu_in_window(), *(httpx_connection(http) for _ in range(args.connections))
            )

    asyncio.run(run())
    print(json.dumps({"counts": counts, "cpu": cpu[1] - cpu[0]}), flush=True)
    return 0


@dataclass
class Throughput:
    client: str
    loaders: int
    rps: float
    #: Share of one core the server process used during the window.
    server_cpu: float
    #: How busy the server's core was, whoever used it (other tenants of the machine too).
    core_busy: float
    loader_cpu: float
    statuses: dict[str, int]

    @property
    def per_core_second(self) -> float:
        """Requests served per CPU-second of the server: its rate on a core of its own."""
        return self.rps / self.server_cpu if self.server_cpu else float("nan")


def cpus() -> tuple[int | None, int | None, str]:
    """A core for the server and another for the load, if there are two."""
    available = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(available) >= 2:
        return available[0], available[1], f"server on core {available[0]}, load on {available[1]}"
    return None, None, "fewer than two cores: server and load share the machine (not pinned)"


def bench_simulator(client: str, loaders: int, connections: int) -> Throughput:
    server_cpu, load_cpu, _ = cpus()
    cmd = [sys.executable, str(HERE), "serve"]
    if server_cpu is not None:
        cmd += ["--cpu", str(server_cpu)]
    server = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        assert server.stdin is not None
        url = server.stdout.readline().strip()
        if not url.startswith(f"http://{HOST}:"):
            raise RuntimeError(f"the throughput server did not start: {url!r}")
        load_cmd = [sys.executable, str(HERE), "load", url, "--client", client]
        load_cmd += ["--connections", str(connections), "--seconds", str(LOAD_SECONDS)]
        if load_cpu is not None:
            load_cmd += ["--cpu", str(load_cpu)]
        procs = [
            subprocess.Popen(load_cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            for _ in range(loaders)
        ]
        for proc in procs:
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != "ready":
                raise RuntimeError("a load process did not start")
        start_at = time.time() + WARMUP_SECONDS  # the same window for every load process
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(f"{start_at!r}\n")
            proc.stdin.flush()
        time.sleep(max(0.0, start_at - time.time()))
        cpu_start, core_start = cpu_seconds(server.pid), core_ticks(server_cpu)
        time.sleep(LOAD_SECONDS)
        server_busy = (cpu_seconds(server.pid) - cpu_start) / LOAD_SECONDS
        core_end = core_ticks(server_cpu)
        core_busy = (core_end[0] - core_start[0]) / max(1, core_end[1] - core_start[1])
        reports = [json.loads(p.communicate(timeout=60)[0].strip().splitlines()[-1]) for p in procs]
        server.communicate(input="", timeout=30)  # closing stdin stops it
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    statuses: collections.Counter[str] = collections.Counter()
    for r in reports:
        statuses.update(r["counts"])
    return Throughput(
        client=client,
        loaders=loaders,
        rps=sum(statuses.values()) / LOAD_SECONDS,
        server_cpu=server_busy,
        core_busy=core_busy,
        loader_cpu=sum(r["cpu"] for r in reports) / LOAD_SECONDS,
        statuses=dict(statuses),
    )


# --- the report -------------------------------------------------------------------------------


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)


def timed(fn: Callable[[], Any]) -> Any:
    start = time.monotonic()
    result = fn()
    print(f"   ({time.monotonic() - start:.1f} s)", flush=True)
    return result


def bench_main(args: argparse.Namespace) -> int:
    interval = args.interval
    only = set(args.only)
    figures: dict[str, Any] = dict.fromkeys(FIGURES)
    print(f"insta_nb request engine benchmark: interval {interval} s (limit {1 / interval:g}/s)")
    print(f"python {sys.version.split()[0]}, httpx {httpx.__version__}, {os.cpu_count()} CPUs")
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))

    if 1 in only:
        section(f"1. {TASKS} tasks × {PER_TASK} list calls: engine vs. plain httpx.AsyncClient")
        engine = timed(lambda: bench_engine(interval))
        print(f"   engine: {engine.fraction:.3f} of the limit, {engine.rejected_429} × 429")
        print(f"           {engine.detail}")
        naive = timed(lambda: bench_naive(interval))
        print(f"   naive:  {naive.fraction:.1f} × the limit, {naive.rejected_429} × 429")
        print(f"           {naive.detail}")
        figures["engine_limit_fraction"] = round(engine.fraction, 3)
        figures["engine_429"] = engine.rejected_429
        figures["naive_limit_fraction"] = round(naive.fraction, 3)
        figures["naive_429"] = naive.rejected_429

    if 2 in only:
        section(f"2. {PROCESSES} processes × {PER_PROCESS} list calls sharing the slot file")
        multi = timed(lambda: bench_processes(interval))
        print(f"   {multi.fraction:.3f} of the limit, {multi.rejected_429} × 429")
        print(f"   {multi.detail}")
        figures["multiproc_limit_fraction"] = round(multi.fraction, 3)
        figures["multiproc_429"] = multi.rejected_429

    if 3 in only:
        section(f"3. a user's create while {BACKLOG} background polls are queued")
        prio = timed(lambda: bench_user_action(interval))
        print(
            f"   submit → send: worst {prio.worst_slots:.2f} slot ({prio.worst_ms:.0f} ms), "
            f"mean {prio.mean_slots:.2f}; {TRIALS} creates submitted 0, 1/{TRIALS}, … of an "
            f"interval after a poll was sent (mean slot {prio.slot_ms:.1f} ms)"
        )
        print(f"   polls sent ahead of a create after it was submitted: {prio.overtaken}")
        print(
            f"   polls queued ahead at each submit (a FIFO's wait, in slots): {prio.queued_ahead}"
        )
        figures["user_action_wait_slots"] = round(prio.worst_slots, 3)

    if 4 in only:
        section("4. simulator throughput, limiter off, GET list (2 clusters)")
        print(f"   {cpus()[2]}")
        runs = []
        for client, loaders in (("httpx", 1), ("raw", 1), ("raw", 2)):
            run = bench_simulator(client, loaders, 16)
            runs.append(run)
            print(
                f"   {run.loaders} × {run.client} client process, 16 connections each: "
                f"{run.rps:,.0f} req/s; server process {run.server_cpu:.0%} of its core "
                f"(the core was {run.core_busy:.0%} busy, other processes included), load CPU "
                f"{run.loader_cpu:.0%}; {run.per_core_second:,.0f} req per server CPU-second; "
                f"statuses {run.statuses}",
                flush=True,
            )
        # Measured wall-clock rates of the one pinned server: the highest is its throughput
        # (a run whose server was not busy all the time was limited by its load or by
        # other processes on its core, as the lines above show).
        figures["simulator_rps"] = round(max(r.rps for r in runs))

    if 5 in only:
        section(f"5. a v1 and a v2 session on one host: {V2_TASKS} + {V2_TASKS} tasks × "
                f"{V2_PER_TASK} reads")  # fmt: skip
        mixed = timed(lambda: bench_v1_and_v2(interval))
        print(f"   {mixed.fraction:.3f} of the limit, {mixed.rejected_429} × 429")
        print(f"   {mixed.detail}")
        figures["v1v2_limit_fraction"] = round(mixed.fraction, 3)
        figures["v1v2_429"] = mixed.rejected_429

    print("\nload average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(json.dumps(figures))
    return 0


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interval", type=float, default=INTERVAL)
    parser.add_argument(
        "--only",
        type=int,
        nargs="+",
        choices=[1, 2, 3, 4, 5],
        default=[1, 2, 3, 4, 5],
        help="run only these measurements (the others are null in the JSON)",
    )
    parser.set_defaults(main=bench_main)
    sub = parser.add_subparsers()
    worker = sub.add_parser("worker")
    worker.add_argument("url")
    worker.add_argument("state_dir")
    worker.add_argument("key")
    worker.add_argument("interval", type=float)
    worker.add_argument("n", type=int)
    worker.add_argument("shared", choices=["0", "1"])
    worker.add_argument("--deadline", type=float, default=60.0)
    worker.set_defaults(main=worker_main)
    serve = sub.add_parser("serve")
    serve.add_argument("--cpu", type=int)
    serve.set_defaults(main=serve_main)
    load = sub.add_parser("load")
    load.add_argument("url")
    load.add_argument("--client", choices=["raw", "httpx"], default="raw")
    load.add_argument("--connections", type=int, default=16)
    load.add_argument("--seconds", type=float, default=LOAD_SECONDS)
    load.add_argument("--cpu", type=int)
    load.set_defaults(main=load_main)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    handler: Callable[[argparse.Namespace], int] = args.main
    return handler(args)


if __name__ == "__main__":
    raise SystemExit(main())

"""Soak: three processes, 200 random operations each, every fault on at a low rate.

One simulator is served on 127.0.0.1 by this process; three worker processes (this
script with ``worker``) each ``insta_nb.connect()`` to it the way a user's kernel does
(credentials from ``INSTACLUSTR_*``), sharing the machine's slot file through one
``INSTA_NB_STATE_DIR``. Each worker asks for 200 operations — create, firewall rule
add, status, list, delete — at random times, and reports what became of each.

**Scale.** The real API allows one request per 2.5 s. Here the engine's interval and
the simulator's limit are both ``--interval`` (default 0.05 s), i.e. time runs
``k = 2.5 / interval`` = 50 times faster: every engine and service timing is scaled by
the same factor (``connect(interval=...)`` does this), the simulator's lifecycle speed is
``k`` (a cluster takes 420 / k s to reach RUNNING), and fault windows are placed in
simulated seconds and divided by ``k``. One "slot" is one interval. "Simulated" seconds
below are real seconds × k; the run spans at least ``--min-sim-minutes`` (10) of them.

**Faults, all at once, at low rates**: 0–4 ms latency jitter; 2 % of requests dropped
(half after the API applied them); 2 % answered with a random 5xx (half after apply); 5 %
of creates applied with their response lost; 2 % of nodes ending DEFERRED; two outages
(60 and 90 simulated seconds) and one 429 storm (40 simulated seconds).

**Checked against the simulator's own record** (``sim.log``, ``sim.cluster_records()``):

- ``asked``: operations requested; ``completed``: returned a result;
- ``failed_visible``: ended with an :class:`insta_nb.InstaError` carrying a message;
- ``duplicates``: clusters beyond the first for one create intent (names are unique);
- ``lost``: an operation that neither completed nor failed visibly (crash, hang), a
  completed one whose effect the simulator does not show, or a create reported "not
  created" whose cluster exists and was never adopted;
- ``late_429``: 429s from the simulator's rate limiter (``record.fault ==
  "rate_limited"``, so not the injected storm's) after a warm-up of 10 slots;
- ``p50_slots`` / ``p95_slots``: time from asking to completion, in slots.

Bounded: workers stop asking at their last arrival, give every operation until
``--deadline`` real seconds, and are killed after a grace period. Usage::

    .venv/bin/python bench/soak.py            # about 1-2 minutes; the last line is JSON
    .venv/bin/python bench/soak.py --processes 3 --ops 200 --interval 0.05 --seed 7
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REAL_INTERVAL = 2.5
HOST = "127.0.0.1"
WARMUP_SLOTS = 10
HERE = Path(__file__).resolve()
#: Operation mix: kind → weight.
MIX = {"create": 25, "firewall": 20, "status": 20, "list": 20, "delete": 15}
KEYS = ("asked", "completed", "failed_visible", "duplicates", "lost", "late_429")


# --- the worker ---------------------------------------------------------------------------------


@dataclass
class Op:
    """One operation a worker asked for, and what became of it."""

    index: int
    kind: str
    asked_at: float = 0.0
    done_at: float | None = None
    outcome: str = "pending"  # completed | failed | crash | pending
    target: str | None = None
    name: str | None = None
    result: str | None = None
    error: str | None = None


def spec(name: str) -> Any:
    from insta_nb import BundleSpec, ClusterSpec, ProviderSpec, RackAllocation

    return ClusterSpec(
        cluster_name=name,
        bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1"),),
        provider=ProviderSpec("AWS_VPC"),
        data_centre="US_WEST_2",
        node_size="t3.small-v2",
        rack_allocation=RackAllocation(3, 1),
        cluster_network="10.224.0.0/16",
    )


async def work(worker: int, ops: int, seed: int, gap: float, deadline: float) -> dict[str, Any]:
    """Ask for ``ops`` operations at random times; report each one's fate."""
    import insta_nb
    from insta_nb import FirewallRuleSpec, InstaError

    session = insta_nb.connect()
    rng = random.Random(f"{seed}:{worker}")
    live: list[str] = []  # this worker's clusters that are not being deleted
    rules = 0
    records: list[Op] = []
    started = time.monotonic()

    async def run(op: Op, call: Callable[[], Awaitable[Any]]) -> None:
        op.asked_at = time.monotonic() - started
        try:
            result = await call()
        except InstaError as exc:
            op.outcome, op.error = "failed", f"{type(exc).__name__}: {exc}"
            if not str(exc).strip():
                op.outcome = "crash"  # an error that says nothing is not visible
        except Exception as exc:  # a crash: counted as lost
            op.outcome, op.error = "crash", repr(exc)
        else:
            op.outcome = "completed"
            op.result = result if isinstance(result, str) else None
            if op.kind == "create" and op.result:
                live.append(op.result)
        op.done_at = time.monotonic() - started

    tasks = []
    arrival = 0.0
    for index in range(ops):
        arrival += rng.expovariate(1.0 / gap)
        await asyncio.sleep(max(0.0, started + arrival - time.monotonic()))
        kind = rng.choices(list(MIX), list(MIX.values()))[0]
        if kind in ("firewall", "status", "delete") and not live:
            kind = "create"
        op = Op(index, kind)
        records.append(op)
        rule = None
        if kind == "create":
            op.name = f"soak_w{worker}_{index:03d}"
        elif kind != "list":
            op.target = rng.choice(live)
        if kind == "firewall":
            rules += 1
            network = f"198.{18 + worker}.{rules // 250}.{rules % 250}/32"
            rule = FirewallRuleSpec(("CASSANDRA",), network=network)
        elif kind == "delete":
            live.remove(str(op.target))
        call = operation(session, op, rule)
        tasks.append(asyncio.ensure_future(run(op, call)))
    left = deadline - (time.monotonic() - started)
    if tasks:
        await asyncio.wait(tasks, timeout=max(1.0, left))
    # Late adoptions (a create reported not created whose cluster appears) need a list.
    try:
        await asyncio.wait_for(session.list_clusters(), timeout=30)
    except Exception as exc:  # reported, not fatal: the figures come from the simulator
        print(f"final list failed: {exc!r}", file=sys.stderr)
    states = {
        op.target: (op.state.value, op.cluster_id)
        for op in session.service.operations
        if op.action == "create"
    }
    return {
        "worker": worker,
        "started": started,
        "ops": [asdict(o) for o in records],
        "create_states": states,
        "engine": {
            k: getattr(session.engine_snapshot(), k)
            for k in ("sent", "succeeded", "rejected_429", "failed", "retried")
        },
    }


def operation(session: Any, op: Op, rule: Any) -> Callable[[], Awaitable[Any]]:
    """The session call that performs ``op``."""
    target = str(op.target)
    calls: dict[str, Callable[[], Awaitable[Any]]] = {
        "create": lambda: session.create_cluster(spec(str(op.name))),
        "list": session.list_clusters,
        "status": lambda: session.get_cluster(target),
        "firewall": lambda: session.add_firewall_rule(target, rule),
        "delete": lambda: session.delete_cluster(target),
    }
    return calls[op.kind]


def worker_main(args: argparse.Namespace) -> int:
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 3
    report = asyncio.run(work(args.index, args.ops, args.seed, args.gap, args.deadline))
    print("REPORT " + json.dumps(report), flush=True)
    os._exit(0)  # the session's engine thread is a daemon; nothing to wait for


# --- the bench process -------------------------------------------------------------------------


@dataclass
class Figures:
    asked: int = 0
    completed: int = 0
    failed_visible: int = 0
    duplicates: int = 0
    lost: int = 0
    late_429: int = 0
    p50_slots: float = 0.0
    p95_slots: float = 0.0
    notes: list[str] = field(default_factory=list)
    failure_notes: list[str] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def evaluate(sim: Any, reports: list[dict[str, Any]], interval: float) -> Figures:
    """Compare what the workers were told with what the simulator did."""
    figures = Figures()
    records = sim.cluster_records()
    by_name: dict[str, list[Any]] = {}
    for record in records:
        by_name.setdefault(record.name, []).append(record)
    figures.duplicates = sum(len(v) - 1 for v in by_name.values() if len(v) > 1)
    applied = {(r.method, r.path.rstrip("/")) for r in sim.log if r.applied}
    durations: list[float] = []
    for report in reports:
        states = report["create_states"]
        for op in report["ops"]:
            figures.asked += 1
            outcome = op["outcome"]
            if outcome == "completed":
                figures.completed += 1
                durations.append((op["done_at"] - op["asked_at"]) / interval)
                missing = effect_missing(op, by_name, applied)
                if missing:
                    figures.lost += 1
                    figures.notes.append(lost_note(f"completed but {missing}", op, report, sim))
            elif outcome == "failed":
                figures.failed_visible += 1
                figures.failure_notes.append(lost_note("failed visibly", op, report, sim))
                if op["kind"] == "create" and by_name.get(op["name"]):
                    state, adopted = states.get(op["name"], (None, None))
                    ids = [r.id for r in by_name[op["name"]]]
                    if not (state == "done" and adopted in ids):
                        figures.lost += 1
                        what = f"reported failed, cluster exists (operation {state}, {adopted})"
                        figures.notes.append(lost_note(what, op, report, sim))
            else:
                figures.lost += 1
                figures.notes.append(lost_note(f"ended {outcome}", op, report, sim))
    unknown = [n for n in by_name if not n.startswith("soak_w")]
    figures.duplicates += len(unknown)
    first = min((r.time for r in sim.log), default=0.0)
    warm = first + WARMUP_SLOTS * interval
    figures.late_429 = sum(1 for r in sim.log if r.fault == "rate_limited" and r.time >= warm)
    figures.p50_slots = round(percentile(durations, 50), 2)
    figures.p95_slots = round(percentile(durations, 95), 2)
    return figures


def lost_note(what: str, op: dict[str, Any], report: dict[str, Any], sim: Any) -> str:
    """One lost operation: kind, name, what happened, and the simulator's record of it.

    The record is every cluster of that name or id (``sim.cluster_records()``) and every
    request the simulator logged for those ids, or, for a create, each POST between its
    asking and its end (times on the machine's monotonic clock, as the simulator logs them).
    """
    root = "/provisioning/v1"
    clusters = [
        r
        for r in sim.cluster_records()
        if r.name == op["name"] or (op["target"] and r.id == op["target"])
    ]
    ids = {r.id for r in clusters} | ({op["target"]} if op["target"] else set())
    begin = report["started"] + op["asked_at"]
    end = report["started"] + (op["done_at"] if op["done_at"] is not None else 1e9)
    # Creates and lists of every worker share one path (and 127.0.0.1): for those, only the
    # requests of that method sent while this operation was open.
    shared = {"create": ("POST", (f"{root}/extended", root)), "list": ("GET", (root,))}
    method, paths = shared.get(op["kind"], ("", ()))
    requests = [
        r
        for r in sim.log
        if any(i in r.path for i in ids)
        or (
            r.method == method
            and r.path.rstrip("/") in paths
            and begin - 0.01 <= r.time <= end + 0.01
        )
    ]
    lines = [
        f"LOST worker {report['worker']} op {op['index']}: {op['kind']} "
        f"{op['name'] or op['target'] or ''} — {what}",
        f"  asked at {begin:.3f}, ended {op['outcome']} at "
        + (f"{end:.3f}" if op["done_at"] is not None else "never")
        + f"; result {op['result']!r}; error {op['error']!r}",
    ]
    lines += [f"  cluster {tuple(r)}" for r in clusters] or ["  no cluster of that name or id"]
    lines += [
        f"  request {r.time:.3f} {r.client_ip} {r.method} {r.path} -> {r.status} "
        f"applied={r.applied} fault={r.fault}"
        for r in requests
    ]
    return "\n".join(lines)


def effect_missing(op: dict[str, Any], by_name: dict[str, list[Any]], applied: set[Any]) -> str:
    """Why the simulator does not show a completed operation's effect ("" if it does)."""
    root = "/provisioning/v1"
    if op["kind"] == "create":
        ids = [r.id for r in by_name.get(op["name"], [])]
        return "" if op["result"] in ids else "no cluster with the id returned"
    if op["kind"] == "delete":
        target = op["target"]
        gone = any(r.id == target and r.deleted_at is not None for v in by_name.values() for r in v)
        return "" if gone else "the cluster was not deleted"
    if op["kind"] == "firewall":
        path = f"{root}/{op['target']}/firewallRules"
        return "" if ("POST", path) in applied else "no rule was added"
    return ""


def serve_and_run(args: argparse.Namespace) -> tuple[Figures, dict[str, Any]]:
    from insta_nb.models import ClusterStatus
    from insta_nb.simulator import Faults, Simulator, SimulatorSettings

    k = REAL_INTERVAL / args.interval
    settings = SimulatorSettings(interval=args.interval, speed=k, seed=args.seed)
    sim = Simulator(settings=settings)
    state_dir = Path(tempfile.mkdtemp(prefix="insta_nb-soak-"))
    creds = sim.credentials
    with sim.serve(HOST) as url:
        assert url.startswith(f"http://{HOST}:"), url
        now = sim.clock.monotonic()

        def window(start_sim: float, length_sim: float) -> tuple[float, float]:
            return (now + start_sim / k, now + (start_sim + length_sim) / k)

        sim.faults = Faults(
            latency=0.0,
            jitter=0.004,
            drop_rate=0.02,
            drop_after_apply=0.5,
            error_rate_5xx=0.02,
            error_after_apply=0.5,
            lose_create_response=0.05,
            node_failure_rate=0.02,
            node_failure_status=ClusterStatus.DEFERRED,
            outages=[window(240, 60), window(1500, 90)],
            storm_429=[window(900, 40)],
        )
        env = {
            **os.environ,
            "INSTACLUSTR_USERNAME": creds.username,
            "INSTACLUSTR_API_KEY": creds.api_key,
            "INSTACLUSTR_API_URL": url,
            "INSTACLUSTR_READ_ONLY": "",
            "INSTA_NB_INTERVAL": str(args.interval),
            "INSTA_NB_STATE_DIR": str(state_dir),
            "PYTHONPATH": os.pathsep.join([str(HERE.parents[1]), os.environ.get("PYTHONPATH", "")]),
        }
        gap_real = args.gap_slots * args.interval
        command = [sys.executable, str(HERE), "worker", "--ops", str(args.ops)]
        command += ["--seed", str(args.seed), "--gap", str(gap_real)]
        command += ["--deadline", str(args.deadline)]
        procs = [
            subprocess.Popen(
                [*command, "--index", str(i)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for i in range(args.processes)
        ]
        reports: list[dict[str, Any]] = []
        began = time.monotonic()
        try:
            for proc in procs:
                assert proc.stdout is not None
                line = proc.stdout.readline().strip()
                if line != "ready":
                    raise RuntimeError(f"a worker did not start: {line!r}")
            for proc in procs:
                assert proc.stdin is not None
                proc.stdin.write("go\n")
                proc.stdin.flush()
            for proc in procs:
                left = max(1.0, args.deadline + 60 - (time.monotonic() - began))
                out, err = proc.communicate(timeout=left)
                lines = [ln for ln in out.splitlines() if ln.startswith("REPORT ")]
                if not lines:
                    raise RuntimeError(f"a worker reported nothing: {err[-2000:]}")
                reports.append(json.loads(lines[-1][len("REPORT ") :]))
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()
        elapsed = time.monotonic() - began
        figures = evaluate(sim, reports, args.interval)
        faults = Counter(r.fault for r in sim.log if r.fault)
        extra = {
            "real_seconds": round(elapsed, 1),
            "simulated_minutes": round(elapsed * k / 60, 1),
            "requests": len(sim.log),
            "faults": dict(faults),
            "limiter_429_total": faults.get("rate_limited", 0),
            "kinds": dict(Counter(op["kind"] for r in reports for op in r["ops"])),
            "engines": [r["engine"] for r in reports],
            "app_errors": len(sim.app_errors),
            "failures": dict(
                Counter(
                    f"{op['kind']}: {str(op['error']).split(':')[0]}"
                    for r in reports
                    for op in r["ops"]
                    if op["outcome"] == "failed"
                )
            ),
        }
    return figures, extra


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command")
    worker = sub.add_parser("worker", help="(internal) one soak process")
    worker.add_argument("--index", type=int, required=True)
    worker.add_argument("--ops", type=int, required=True)
    worker.add_argument("--seed", type=int, required=True)
    worker.add_argument("--gap", type=float, required=True, help="mean real seconds between ops")
    worker.add_argument("--deadline", type=float, required=True)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--ops", type=int, default=200, help="operations per process")
    parser.add_argument("--interval", type=float, default=0.05, help="seconds per slot")
    parser.add_argument("--gap-slots", type=float, default=6.0, help="mean slots between ops")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--min-sim-minutes", type=float, default=10.0)
    parser.add_argument("--deadline", type=float, default=600.0, help="real seconds, at most")
    parser.add_argument(
        "--explain-failures",
        action="store_true",
        help="also print each visible failure's note (with the simulator's record) to stderr",
    )
    args = parser.parse_args(argv)
    if args.command == "worker":
        return worker_main(args)
    k = REAL_INTERVAL / args.interval
    span = args.ops * args.gap_slots * args.interval * k / 60
    if span < args.min_sim_minutes:
        # Arrivals alone must cover the required simulated time.
        args.gap_slots *= args.min_sim_minutes / span
    print(
        f"soak: {args.processes} processes × {args.ops} operations, interval {args.interval} s "
        f"(×{k:g} faster than the real API), arrivals over "
        f"≈{args.ops * args.gap_slots * args.interval * k / 60:.0f} simulated minutes",
        flush=True,
    )
    figures, extra = serve_and_run(args)
    # Always, every one: a rare loss must leave its evidence in the run's log.
    for note in figures.notes:
        print(note, file=sys.stderr, flush=True)
    if args.explain_failures:
        for note in figures.failure_notes:
            print(note.replace("LOST", "FAILED", 1), file=sys.stderr, flush=True)
    print(f"  ran {extra['real_seconds']} s real = {extra['simulated_minutes']} simulated minutes")
    print(f"  {extra['requests']} requests; faults injected: {extra['faults']}")
    print(f"  operations by kind: {extra['kinds']}; engines: {extra['engines']}")
    print(f"  limiter 429s in all (warm-up included): {extra['limiter_429_total']}")
    print(f"  visible failures: {extra['failures']}")
    if extra["simulated_minutes"] < args.min_sim_minutes:
        print(f"  ! shorter than {args.min_sim_minutes} simulated minutes")
    result = {key: getattr(figures, key) for key in KEYS}
    result["p50_slots"] = figures.p50_slots
    result["p95_slots"] = figures.p95_slots
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

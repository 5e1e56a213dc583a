"""Access: read-only keys, what the simulator binds to, what wrong credentials reveal, and
deletes that need confirmation and touch only the id given."""

from __future__ import annotations

import asyncio
import base64
import inspect
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insta_nb import errors
from insta_nb.backends.v1 import ApiClient, V1Backend
from insta_nb.cli import build_parser
from insta_nb.models import FirewallRuleSpec, LegacyClusterSpec, LegacyRack
from insta_nb.simulator import Simulator, SimulatorSettings
from insta_nb.simulator import server as sim_server
from insta_nb.testing import FakeClock
from insta_nb.widgets import ClusterTable, Dashboard
from insta_nb.widgets._bridge import ManualTimers

from .support import World, make_world, run, simulator_credentials, spec
from .widget_world import WidgetWorld, make_widget_world

ROOT = "/provisioning/v1"
RULE = FirewallRuleSpec(("CASSANDRA",), network="203.0.113.7/32")
LEGACY = LegacyClusterSpec(
    cluster_name="legacy",
    provider="AWS_VPC",
    version="apache-cassandra-3.11.4",
    size="t3.small-v2",
    data_centre="US_WEST_2",
    racks=(LegacyRack("us-west-2a", 1),),
)


# --- read-only keys -----------------------------------------------------------------------


def test_a_read_only_key_refuses_every_mutation_locally() -> None:
    """Injected: a session holding the simulator's read-only key; every mutation of the
    public API (create, legacy create, delete, firewall add and remove, encryption key
    add and remove), through ``session.sync`` as a user calls them, and straight on the
    ApiClient.
    Checked: each raises ReadOnlyKeyError saying the key is read-only and nothing was
    sent; the simulator received no request at all and the engine spent no slot."""
    world = make_widget_world(read_only=True)
    try:
        cid = "0b5e4c3a-1111-4222-8333-444455556666"
        sync = world.session.sync
        mutations: dict[str, Callable[[], Any]] = {
            "create": lambda: sync.create_cluster(spec("ro")),
            "create legacy": lambda: sync.create_cluster_legacy(LEGACY),
            "delete": lambda: sync.delete_cluster(cid),
            "add rule": lambda: sync.add_firewall_rule(cid, RULE),
            "remove rule": lambda: sync.delete_firewall_rule(cid, RULE),
            "add key": lambda: sync.add_encryption_key("k", "arn:aws:kms:x"),
            "remove key": lambda: sync.delete_encryption_key("key-1"),
        }
        for name, call in mutations.items():
            with pytest.raises(errors.ReadOnlyKeyError) as info:
                call()
            assert "read-only" in str(info.value), name
            assert "nothing was sent" in str(info.value), name
        client = world.session.backend.client  # type: ignore[attr-defined]
        direct = {
            "create": lambda: client.create_cluster(spec("ro")),
            "delete": lambda: client.delete_cluster(cid),
            "add rule": lambda: client.add_firewall_rule(cid, RULE),
            "remove rule": lambda: client.delete_firewall_rule(cid, RULE),
            "add key": lambda: client.add_encryption_key("k", "arn"),
            "remove key": lambda: client.delete_encryption_key("key-1"),
        }
        for name, call in direct.items():
            with pytest.raises(errors.ReadOnlyKeyError, match="read-only"):
                world.on_engine(call)
            assert name
        assert world.sim.log == []
        assert world.session.engine_snapshot().sent == 0
    finally:
        world.close()


def test_read_only_widgets_offer_no_mutation() -> None:
    """Injected: a dashboard over a read-only session with one cluster listed; every
    mutation control clicked anyway, and its handler called directly.
    Checked: Submit and Delete are disabled and say why; nothing is sent."""
    world = make_widget_world()
    try:
        cluster = world.create("listed")
        board = Dashboard(_session_on(world, read_only=True), watch=False)
        board.bridge.drain()
        board.bridge.run(board.session.service.list_clusters)
        form = board.form  # built after the table's list: it lists the keys (a read)
        board.bridge.drain()
        before = len(world.sim.log)
        row = board.table.row_views[cluster]
        assert row.delete.delete_button.disabled
        assert "read-only" in row.delete.delete_button.tooltip
        row.delete.delete_button.click()
        row.delete._on_delete()
        assert not row.delete.is_open
        form.name.value = "not_allowed"
        assert form.submit.disabled
        assert "read-only" in form.submit.tooltip
        form.submit.click()
        form._on_submit()
        board.bridge.drain()
        assert world.sim.log[before:] == []
        board.close()
    finally:
        world.close()


def _session_on(world: WidgetWorld, *, read_only: bool) -> Any:
    """A second session on ``world``'s simulator and engine, with the chosen key."""
    from insta_nb.config import ServiceSettings
    from insta_nb.session import Session

    creds = simulator_credentials(world.sim, read_only=read_only)
    client = ApiClient(creds, transport=world.sim.transport())
    return Session(
        V1Backend(client), world.runner, ServiceSettings().scaled(0.01), simulator=world.sim
    )


# --- binding ------------------------------------------------------------------------------


def _listening(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp) listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_every_way_to_serve_the_simulator_binds_loopback_unless_told() -> None:
    """Injected: nothing; the defaults of every entry point that serves the simulator.
    Checked: ``Simulator.serve``, ``serve_in_thread`` and ``bind`` default to 127.0.0.1;
    the CLI's ``simulator`` command defaults to ``--host 127.0.0.1``; ``lab`` serves
    the simulator and JupyterLab on 127.0.0.1 only; a served simulator's socket is
    bound to 127.0.0.1 (read back from /proc/net/tcp), not to every interface."""
    for fn in (Simulator.serve, sim_server.serve_in_thread, sim_server.bind):
        assert inspect.signature(fn).parameters["host"].default == "127.0.0.1", fn
    args = build_parser().parse_args(["simulator"])
    assert args.host == "127.0.0.1"
    lab_source = inspect.getsource(sys.modules["insta_nb.cli"]._run_lab)
    assert 'sim.serve("127.0.0.1"' in lab_source
    assert '"--ip=127.0.0.1"' in lab_source
    sim = Simulator(settings=SimulatorSettings(interval=None))
    with sim.serve() as url:
        port = int(url.rsplit(":", 1)[1])
        assert url == f"http://127.0.0.1:{port}"
        assert _listening(port) == {"0100007F"}


@pytest.mark.loopback
def test_the_simulator_command_binds_loopback() -> None:
    """Injected: ``insta-nb simulator --port 0`` started as a user would, no --host.
    Checked: it announces a 127.0.0.1 URL and its listening socket is bound to
    127.0.0.1 only; it stops on SIGINT."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSTACLUSTR_")}
    with subprocess.Popen(
        [sys.executable, "-m", "insta_nb.cli", "simulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline()
            match = re.search(r"http://([\d.]+):(\d+)", first)
            assert match, first
            assert match.group(1) == "127.0.0.1"
            assert _listening(int(match.group(2))) == {"0100007F"}
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate(timeout=10)


# --- what wrong credentials reveal ----------------------------------------------------------


def _basic(user: str, key: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{key}".encode()).decode()


ATTEMPTS = {
    "known user, wrong key": lambda c: _basic(c.username, "wrong-key"),
    "unknown user, wrong key": lambda c: _basic("nobody-here", "wrong-key"),
    "unknown user, the right key": lambda c: _basic("nobody-here", c.api_key),
    "unknown user, the read-only key": lambda c: _basic("nobody-here", c.read_only_key),
    "known user, empty key": lambda c: _basic(c.username, ""),
    "known user, key with a suffix": lambda c: _basic(c.username, c.api_key + "x"),
    "known user in another case": lambda c: _basic(c.username.upper(), c.api_key),
    "no colon": lambda c: "Basic " + base64.b64encode(c.username.encode()).decode(),
    "bearer token": lambda c: "Bearer " + c.api_key,
    "not base64": lambda c: "Basic ***",
    "no header": lambda c: None,
}
_VARYING = {"date", "content-length", "server"}


def _fingerprint(response: httpx.Response) -> tuple[int, bytes, tuple[tuple[str, str], ...]]:
    headers = tuple(
        sorted((k.lower(), v) for k, v in response.headers.items() if k.lower() not in _VARYING)
    )
    return response.status_code, response.content, headers


async def _answers(client: httpx.AsyncClient, sim: Simulator) -> dict[str, Any]:
    out = {}
    for name, make in ATTEMPTS.items():
        header = make(sim.credentials)
        headers = {"authorization": header} if header is not None else {}
        for method, path in (("GET", ROOT), ("POST", f"{ROOT}/extended/")):
            response = await client.request(method, path, headers=headers, json={})
            out[f"{name} / {method}"] = _fingerprint(response)
    return out


def _assert_indistinguishable(answers: dict[str, Any]) -> None:
    distinct = set(answers.values())
    assert len(distinct) == 1, "\n".join(f"{k}: {v}" for k, v in answers.items())
    status, body, _ = distinct.pop()
    assert status == 401
    assert b"simulator" not in body.lower()


def test_wrong_credentials_never_reveal_whether_a_user_exists() -> None:
    """Injected: eleven kinds of wrong credentials (known or unknown user, wrong, empty
    or almost-right key, the right key under another user, malformed headers), on a
    read and a mutation, in-process.
    Checked: every answer has the same status (401), the same body and the same headers
    (Date, Server and Content-Length aside), so nothing tells a username that exists
    from one that does not."""
    sim = Simulator(clock=FakeClock(), settings=SimulatorSettings(interval=None))

    async def go() -> dict[str, Any]:
        async with httpx.AsyncClient(transport=sim.transport(), base_url=sim.url) as client:
            return await _answers(client, sim)

    _assert_indistinguishable(asyncio.run(go()))


@pytest.mark.loopback
def test_wrong_credentials_never_reveal_whether_a_user_exists_over_http() -> None:
    """The same, over real HTTP on 127.0.0.1 (what a scanner on this machine would see)."""
    sim = Simulator(settings=SimulatorSettings(interval=None))

    async def go(url: str) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            return await _answers(client, sim)

    with sim.serve() as url:
        _assert_indistinguishable(asyncio.run(go(url)))


# --- deletes ------------------------------------------------------------------------------


ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("click delete"), st.integers(0, 2)),
        st.tuples(st.just("click confirm"), st.integers(0, 2)),
        st.tuples(st.just("click keep"), st.integers(0, 2)),
        st.tuples(st.just("call confirm handler"), st.integers(0, 2)),
        st.tuples(st.just("call delete handler"), st.integers(0, 2)),
        st.tuples(
            st.just("type"),
            st.integers(0, 2),
            st.one_of(
                st.sampled_from(["", "\n", "\r\n", "y", "yes", "DELETE", " "]),
                st.text(max_size=8),
                st.just("<name>"),
                st.just("<name>\n"),
            ),
        ),
        st.tuples(st.just("wait"), st.sampled_from([1.0, 5.0, 9.9, 10.1, 30.0])),
    ),
    max_size=14,
)


def test_no_click_keypress_or_repeat_deletes_without_confirmation() -> None:
    """Injected: hypothesis-generated sequences of up to 14 user actions on a table of
    three clusters (one NON_PRODUCTION, two PRODUCTION): clicks on Delete, Confirm and
    Keep (enabled or not), their handlers called again and again, text typed in the name
    box (Enter, "yes", the exact name, the name plus Enter, anything), time passing past
    the 10-second timeout.
    Checked against a model of the rules: a DELETE is sent only by a Confirm while that
    row's question is open and not timed out, with the exact name typed for PRODUCTION;
    at most one per question; always for that row's id; the simulator received exactly
    the DELETEs the model allows, in order, and no other."""
    tiers = {"plain": "NON_PRODUCTION", "prod_a": "PRODUCTION", "prod_b": "PRODUCTION"}

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
    @given(actions=ACTIONS)
    def one(actions: list[tuple[Any, ...]]) -> None:
        world = make_widget_world()
        try:
            ids = [
                world.on_engine(
                    lambda n=n, t=t: world.session.service.create_cluster(spec_tiered(n, t))
                )
                for n, t in tiers.items()
            ]
            table = ClusterTable(world.session, watch=False, confirm_timeout=10)
            table.bridge.run(world.session.service.list_clusters)
            table.bridge.drain()
            rows = [table.row_views[i] for i in ids]
            expected = _play(table, rows, actions, list(tiers.values()))
            table.close()
            sent = [r.path.rsplit("/", 1)[1] for r in world.sim.log if r.method == "DELETE"]
            assert sent == expected, (actions, sent, expected)
        finally:
            world.close()

    one()


def spec_tiered(name: str, tier: str) -> Any:
    size = "t3.small-v2" if tier == "NON_PRODUCTION" else "m5l-250-v2"
    return replace(spec(name), sla_tier=tier, node_size=size)


def _play(
    table: ClusterTable, rows: list[Any], actions: list[tuple[Any, ...]], tiers: list[str]
) -> list[str]:
    """Perform ``actions``; return the DELETEs the rules allow, in order (the model)."""
    timers = table.bridge.timers
    assert isinstance(timers, ManualTimers)
    open_until: dict[int, float] = {}
    typed: dict[int, str] = {}
    done: set[int] = set()
    expected: list[str] = []
    for action in actions:
        kind = action[0]
        if kind == "wait":
            timers.advance(action[1])
            open_until = {i: t for i, t in open_until.items() if t > timers.now()}
            continue
        i = action[1]
        row, confirm = rows[i], rows[i].delete
        if kind in ("click delete", "call delete handler"):
            (confirm.delete_button.click if kind == "click delete" else confirm._on_delete)()
            if i not in open_until and i not in done:
                open_until[i] = timers.now() + 10
                typed[i] = ""
        elif kind == "click keep":
            if confirm._panel is not None:
                confirm.cancel_button.click()
            open_until.pop(i, None)
        elif kind == "type":
            if i in open_until:
                confirm.typed_name.value = action[2].replace("<name>", row.row.name)
                typed[i] = confirm.typed_name.value
        else:
            if kind == "call confirm handler":
                confirm._on_confirm_click()
            elif confirm._panel is not None:
                confirm.confirm_button.click()
            name_ok = tiers[i] == "NON_PRODUCTION" or typed.get(i) == row.row.name
            if i in open_until and name_ok:
                del open_until[i]
                done.add(i)
                expected.append(row.cluster_id)
        table.bridge.drain()
    return expected


#: The ids the seeded simulator gives its first two clusters (checked in the test).
IDS = ["5a04a380-3a6b-46a7-a652-8192d68d871e", "bd169e48-e94f-4007-9b64-af3aa98292fe"]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    target=st.one_of(
        st.sampled_from(IDS),
        st.sampled_from(IDS).flatmap(
            lambda i: st.sampled_from(
                [
                    i.upper(),
                    i[:-1],
                    i + "0",
                    " " + i,
                    i + "\n",
                    i + "/",
                    i + "/firewallRules",
                    f"../{i}",
                    f"{IDS[0]}/../{IDS[1]}",
                    i.replace("-", "%2D"),
                    f"{i}?force=true",
                    f"{i}#x",
                    i.replace("a", "а"),  # Cyrillic a
                    f"{IDS[0]},{IDS[1]}",
                    "*",
                    "",
                ]
            )
        ),
        st.text(max_size=50),
    )
)
def test_the_programmatic_api_deletes_only_the_id_it_is_given(target: str) -> None:
    """Injected: ``delete_cluster`` with the id of one of two clusters, and with
    near-misses: case changed, cut, extended, padded, with a slash, a sub-path, "..",
    percent-encoding, a query, a fragment, a look-alike letter, a list, a wildcard, any
    text.
    Checked: with an exact id, exactly that cluster is deleted; with anything else,
    either a local ValidationError (nothing sent) or one DELETE of exactly that path
    which the simulator did not apply; the other cluster is never touched."""
    world = make_world(limiter=False)

    async def body() -> Any:
        for name in ("one", "two"):
            await world.drive(world.service.create_cluster(spec(name)))
        return await world.drive(_outcome(world, target))

    result = run(body, world)
    records = world.sim.cluster_records()
    ids = [c.id for c in records]
    assert ids == IDS
    deleted = [c.id for c in records if c.deleted_at is not None]
    deletes = [r for r in world.sim.log if r.method == "DELETE"]
    if target in ids:
        assert result is None
        assert deleted == [target]
        assert [r.path for r in deletes] == [f"{ROOT}/{target}"]
        return
    assert deleted == []
    if isinstance(result, errors.ValidationError):
        assert deletes == []
    else:
        assert isinstance(result, errors.InstaError), repr(result)
        assert all(not r.applied for r in deletes)


async def _outcome(world: World, target: str) -> Any:
    try:
        return await world.service.delete_cluster(target)
    except errors.InstaError as exc:
        return exc


def test_an_invalid_id_is_refused_before_it_takes_a_slot() -> None:
    """Injected: ``delete_cluster('../x')``, an id the client refuses, then a list.
    Checked: the refusal names the field and sends nothing; it spends no slot (the list
    goes out at once) and the engine does not count it as sent.
    Bug (fixed in ecf4202): the id was checked in the client, which runs inside the
    engine's job, after the slot was taken.
    Fix: the service checks path ids before queueing, as it checks specs."""
    world = make_world()

    async def body() -> float:
        with pytest.raises(errors.ValidationError, match="clusterId"):
            await world.drive(world.service.delete_cluster("../x"))
        start = world.clock.monotonic()
        await world.drive(world.service.list_clusters())
        return world.clock.monotonic() - start

    waited = run(body, world)
    assert [r.method for r in world.sim.log] == ["GET"]
    assert world.engine.sent == 1
    assert waited == 0

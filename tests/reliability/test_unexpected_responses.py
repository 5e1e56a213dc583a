"""Answers the client does not expect: a clear error or a tolerant parse, never a crash,
never a hang, and a view fed such errors still renders."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest

from insta_nb import errors
from insta_nb.backends.v1 import ApiClient, V1Backend
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.credentials import Credentials
from insta_nb.engine import Engine, MemorySlots
from insta_nb.models import FirewallRuleSpec
from insta_nb.service import ClusterService, OperationState
from insta_nb.testing import FakeClock
from insta_nb.widgets import ClusterTable, CreateForm, QueueView

from .support import spec
from .widget_world import WidgetWorld, make_widget_world

CID = "0b5e4c3a-1111-4222-8333-444455556666"
HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>Bad Gateway</h1><script>alert(1)</script></body></html>"
)

ANSWERS: dict[str, Callable[[], httpx.Response]] = {
    "HTML 502 page": lambda: httpx.Response(
        502, headers={"content-type": "text/html"}, content=HTML_PAGE
    ),
    "HTML 200 page": lambda: httpx.Response(
        200, headers={"content-type": "text/html"}, content=HTML_PAGE
    ),
    "empty 200": lambda: httpx.Response(200),
    "empty 204": lambda: httpx.Response(204),
    "status 299": lambda: httpx.Response(299, json={"x": 1}),
    "status 418": lambda: httpx.Response(418, text="I'm a teapot"),
    "status 599": lambda: httpx.Response(599),
    "redirect 301": lambda: httpx.Response(301, headers={"location": "http://192.0.2.1/"}),
    "array for an object": lambda: httpx.Response(200, json=[1, 2, 3]),
    "object for an array": lambda: httpx.Response(200, json={"a": 1}),
    "extra fields": lambda: httpx.Response(
        202,
        json={
            "id": CID,
            "clusterName": "x",
            "clusterStatus": "RUNNING",
            "newField": {"nested": [1]},
            "dataCentres": [{"id": "dc", "nodes": [{"id": "n", "nodeStatus": "RUNNING"}]}],
        },
    ),
    "missing fields": lambda: httpx.Response(202, json={}),
    "list item without id": lambda: httpx.Response(200, json=[{"name": "x"}]),
    "unknown status value": lambda: httpx.Response(
        200, json=[{"id": CID, "name": "a", "derivedStatus": "EXPLODING", "nodeCount": "many"}]
    ),
    "null": lambda: httpx.Response(200, json=None),
    "garbage bytes": lambda: httpx.Response(200, content=b"\xff\xfe\x00\x01garbage"),
    "truncated JSON": lambda: httpx.Response(200, content=b'[{"id": "abc", "name'),
    "deeply nested": lambda: httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000),
    "JSON as text/plain": lambda: httpx.Response(
        200, headers={"content-type": "text/plain"}, content=b"[]"
    ),
    "429, Retry-After unreadable": lambda: httpx.Response(
        429, headers={"Retry-After": "soon"}, json={"message": "slow down"}
    ),
    "429, Retry-After huge": lambda: httpx.Response(429, headers={"Retry-After": "9" * 400}),
}


def calls(client: ApiClient) -> dict[str, Callable[[], Awaitable[Any]]]:
    rule = FirewallRuleSpec(("CASSANDRA",), network="203.0.113.7/32")
    return {
        "list": client.list_clusters,
        "status": lambda: client.get_cluster(CID),
        "create": lambda: client.create_cluster(spec("x")),
        "delete": lambda: client.delete_cluster(CID),
        "rules": lambda: client.list_firewall_rules(CID),
        "add rule": lambda: client.add_firewall_rule(CID, rule),
        "keys": client.list_encryption_keys,
        "add key": lambda: client.add_encryption_key("a", "arn:aws:kms:x"),
    }


def credentials() -> Credentials:
    return Credentials("user", "not-a-real-key", api_url="http://127.0.0.1:9")


@pytest.mark.parametrize("answer", list(ANSWERS))
def test_the_client_turns_any_answer_into_a_result_or_a_clear_error(answer: str) -> None:
    """Injected: via ``httpx.MockTransport``: HTML error pages, empty bodies, unknown
    statuses (299, 418, 599, 301), arrays for objects and back, extra and missing
    fields, unknown enum values, garbage and truncated JSON, 100,000-deep nesting,
    unreadable Retry-After; on every endpoint.
    Checked: each call returns within 5 s with a value or an InstaError whose message
    is a short single line (an HTML page is summarised by its title, never dumped);
    no other exception."""
    seen: dict[str, str] = {}
    problems: list[str] = []

    async def go() -> None:
        transport = httpx.MockTransport(lambda _: ANSWERS[answer]())
        async with ApiClient(credentials(), transport=transport) as client:
            for name, call in calls(client).items():
                try:
                    await asyncio.wait_for(call(), 5)
                    seen[name] = "ok"
                except errors.InstaError as exc:
                    seen[name] = type(exc).__name__
                    problems.extend(problems_with(name, exc))

    asyncio.run(go())
    assert len(seen) == 8
    assert problems == []


def problems_with(name: str, exc: errors.InstaError) -> list[str]:
    """What is wrong with an error's message, for a person reading it in a notebook."""
    text = str(exc)
    found = []
    if not text.strip():
        found.append(f"{name}: empty message")
    if "<script>" in text or "<html" in text.lower():
        found.append(f"{name}: markup in the message")
    if len(exc.message) > 500:
        found.append(f"{name}: a {len(exc.message)}-character message")
    return found


def engine_world(answer: str) -> tuple[FakeClock, ClusterService]:
    clock = FakeClock()
    transport = httpx.MockTransport(lambda _: ANSWERS[answer]())
    client = ApiClient(credentials(), transport=transport)
    engine = Engine(
        EngineSettings(shared_slots=False), clock=clock, slots=MemorySlots(), rng=random.Random(1)
    )
    return clock, ClusterService(V1Backend(client), engine, ServiceSettings(), clock=clock)


@pytest.mark.parametrize("answer", list(ANSWERS))
def test_through_the_engine_every_call_ends(
    answer: str, figure: Callable[[str, object], None]
) -> None:
    """Injected: the same answers, to every service call through the engine (pacing,
    retries and the breaker at the real API's scale, on the fake clock).
    Checked: all seven calls end (value or InstaError) within two simulated hours
    (the figure is how long it took): nothing waits for ever; a create that cannot be
    confirmed is reported, not left "sent"."""
    clock, service = engine_world(answer)

    async def go() -> list[Any]:
        rule = FirewallRuleSpec(("CASSANDRA",), network="203.0.113.7/32")
        service.inventory.listed_at = clock.time()  # let the create go straight out
        tasks = [
            asyncio.ensure_future(coro)
            for coro in (
                service.list_clusters(),
                service.get_cluster(CID),
                service.create_cluster(spec("x")),
                service.delete_cluster(CID),
                service.list_firewall_rules(CID),
                service.add_firewall_rule(CID, rule),
                service.list_encryption_keys(),
            )
        ]
        try:
            took = await clock.run_until(lambda: all(t.done() for t in tasks), limit=7200)
            figure("simulated seconds until the last call ended", round(took))
            return [t.exception() or t.result() for t in tasks]
        finally:
            await service.aclose()
            await service.backend.aclose()
            await service.engine.aclose()

    results = asyncio.run(go())
    for result in results:
        assert not isinstance(result, BaseException) or isinstance(result, errors.InstaError)
    assert all(op.state.finished for op in service.operations), [
        op.describe() for op in service.operations
    ]
    assert not any(op.state is OperationState.SENT for op in service.operations)


@pytest.fixture
def junk_world() -> Iterator[WidgetWorld]:
    transport = httpx.MockTransport(lambda _: ANSWERS["HTML 502 page"]())
    world = make_widget_world(
        transport=transport,
        engine_settings=EngineSettings(shared_slots=False).scaled(0.002),
    )
    yield world
    world.close()


def test_views_fed_such_errors_still_render(junk_world: WidgetWorld) -> None:
    """Injected: every request answered by a proxy's HTML 502 page (an outage behind
    a load balancer), under the cluster table, the create form and the queue view.
    Checked: the table's refresh gives up with a one-line message in its banner (the
    page's title, no markup), the form reports "Not created" after reconciling, the
    queue view shows the API as unreachable; every view renders as text and HTML and
    none shows raw HTML from the page."""
    world = junk_world
    table = ClusterTable(world.session)
    form = CreateForm(world.session, bridge=table.bridge, load_keys=False)
    queue = QueueView(world.session, bridge=table.bridge)
    try:
        form.name.value = "through_a_proxy"
        form.submit.click()
        table.bridge.drain(timeout=30)
        world.on_engine(_refresh_once(world))
        table.bridge.drain(timeout=30)
        queue.refresh()
        table.bridge.drain(timeout=30)
        banner = table.banner.text
        assert "502 Bad Gateway" in banner or "unreachable" in banner, banner
        assert form.outcome_text.startswith("✖ Not created"), form.outcome_text
        assert "API unreachable" in queue.snapshot_text() or queue.snapshot is not None
        for view in (table, form, queue):
            text, page = view.snapshot_text(), view.snapshot_html()
            assert text
            assert "<script>" not in text
            assert "<script>" not in page
            assert "alert(1)" not in page
    finally:
        queue.close()
        form.close()
        table.close()


def _refresh_once(world: WidgetWorld) -> Callable[[], Awaitable[None]]:
    async def refresh() -> None:
        await world.session.service.refresh_once()

    return refresh

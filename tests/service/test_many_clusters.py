"""Hundreds of clusters: each refresh reads only a few never-read ones, shown ones first.

Before, the first refresh of an account with 500 clusters queued 500 status reads and the
next list waited for all of them: about 21 minutes at the real pace, during which a
changing cluster was not read again and every row showed "details loading".
"""

from __future__ import annotations

import httpx

from insta_nb.backends.v1 import wire
from insta_nb.config import ServiceSettings

from .conftest import World, run, spec

BUDGET = ServiceSettings().first_reads_per_refresh


async def populate(world: World, n: int) -> list[str]:
    """``n`` RUNNING clusters made by another machine (its own IP, so no shared limit)."""
    creds = (world.sim.credentials.username, world.sim.credentials.api_key)
    transport = world.sim.transport(client_ip="127.0.0.9")
    ids = []
    async with httpx.AsyncClient(transport=transport, base_url=world.sim.url, auth=creds) as c:
        for i in range(n):
            world.sim.reset_rate_limit()
            body = wire.spec_to_json(spec(f"many_{i:03d}"))
            answer = await c.post(wire.CREATE_EXTENDED_PATH, json=body)
            ids.append(answer.json()["id"])
    await world.clock.sleep(1_000)  # every cluster RUNNING before anyone looks
    return ids


def status_reads(world: World, since: int) -> list[str]:
    return [
        r.path.rstrip("/").rsplit("/", 1)[-1]
        for r in world.sim.log[since:]
        if r.method == "GET" and r.path.rstrip("/") != "/provisioning/v1"
    ]


def test_a_refresh_reads_a_few_unread_clusters_and_the_shown_ones_first(world: World) -> None:
    async def body() -> None:
        ids = await world.drive(populate(world, 60))
        shown = sorted(ids)[30:40]  # a table's page, in its own order
        since = len(world.sim.log)
        watch = world.service.watch()
        watch.set_focus(shown)
        await world.clock.run_until(lambda: world.service.last_refresh is not None, limit=600)
        reads = status_reads(world, since)
        assert len(reads) == BUDGET  # not 60: the next list is not held back
        assert reads[: len(shown)] == shown  # what the user sees is read first

        # The next refreshes come at the fast pace while clusters are unread, and read
        # the rest a few at a time, each cluster once.
        start = world.clock.monotonic()
        await world.clock.run_until(
            lambda: all(r.details is not None for r in world.service.inventory), limit=3_600
        )
        reads = status_reads(world, since)
        assert sorted(reads) == sorted(ids)
        # Paced reads and lists, plus a fast-poll pause (5 s, jittered) between refreshes:
        # no steady 30 s pause while clusters are still unread.
        refreshes = -(-(len(ids) - BUDGET) // BUDGET)
        paced = (len(ids) - BUDGET + refreshes) * 2.5
        assert world.clock.monotonic() - start <= paced + refreshes * 5 * 1.1 + 1
        watch.stop()
        await world.service.aclose()

    run(body, world)


def test_a_changing_cluster_is_read_on_every_refresh_among_many_unread(world: World) -> None:
    async def body() -> None:
        await world.drive(populate(world, 40))
        watch = world.service.watch()
        await world.clock.run_until(lambda: world.service.last_refresh is not None, limit=600)
        new_id = await world.drive(world.service.create_cluster(spec("changing")))
        for _ in range(3):
            since, before = len(world.sim.log), world.service.last_refresh

            def refreshed(before: float | None = before) -> bool:
                return world.service.last_refresh != before

            await world.clock.run_until(refreshed, limit=600)
            assert new_id in status_reads(world, since)  # PROVISIONING: read every time
        watch.stop()
        await world.service.aclose()

    run(body, world)

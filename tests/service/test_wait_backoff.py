"""``wait_for_status(backoff=True)``: long waits read the status less and less often, up to
the steady period, so a provisioning spends a fraction of the machine's requests."""

from __future__ import annotations

from insta_nb.config import ServiceSettings
from insta_nb.models import ClusterStatus

from .conftest import World, run, spec


def reads_while_provisioning(world: World, *, backoff: bool) -> tuple[int, list[float]]:
    async def body() -> tuple[int, list[float]]:
        cluster_id = await world.drive(world.service.create_cluster(spec()))
        before = world.sent("GET", cluster_id)
        world.clock.sleeps.clear()
        await world.drive(
            world.service.wait_for_status(cluster_id, ClusterStatus.RUNNING, backoff=backoff)
        )
        settings = ServiceSettings()
        periods = [s for s in world.clock.sleeps if s >= settings.fast_poll]
        return world.sent("GET", cluster_id) - before, periods

    result: tuple[int, list[float]] = run(body, world)
    return result


def test_backoff_stretches_the_period_to_the_steady_one_and_spends_fewer_reads() -> None:
    from .conftest import make_world

    steady_reads, steady_periods = reads_while_provisioning(make_world(), backoff=False)
    patient_reads, patient_periods = reads_while_provisioning(make_world(), backoff=True)
    assert set(steady_periods) == {5.0}
    assert patient_periods[:4] == [5.0, 7.5, 11.25, 16.875]
    assert max(patient_periods) == 30.0
    assert patient_reads * 3 < steady_reads

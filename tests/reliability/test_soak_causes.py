"""What the soak (``bench/soak.py --explain-failures``) showed, reproduced on the fake
clock (issue 10 §6).

Each run's notes print the operation and the simulator's record of it; these scenarios
replay the sequences of requests those notes showed.
"""

from __future__ import annotations

import httpx
import pytest

from insta_nb import errors
from insta_nb.simulator import Simulator

from .faultplan import FaultPlan
from .support import make_world, run, spec


@pytest.mark.parametrize("code", [500, 502, 504])
def test_a_delete_whose_answer_was_lost_then_409_then_gone_succeeded(code: int) -> None:
    """Injected (soak, 2 of 20 runs under a CPU hog): the DELETE is applied and answered
    5xx; its retry meets 409 (the cluster is DELETING); the status read that settles
    the 409 goes out after the cluster's retention and meets 404. Before: the delete
    raised NotFoundError although it had worked. Now: it succeeds; one DELETE applied."""
    deletes: list[str] = []

    def choose(request: httpx.Request) -> dict[str, object] | None:
        if request.method == "DELETE":
            deletes.append(request.url.path)
            if len(deletes) == 1:
                after_apply = {"error_after_apply": 1.0, "error_codes": (code,)}
                return {"error_rate_5xx": 1.0, **after_apply}
        return None

    def wrap(inner: httpx.AsyncBaseTransport, sim: Simulator) -> httpx.AsyncBaseTransport:
        return FaultPlan(inner, sim, choose)

    # DELETING for 4 s, then gone at once: the retry (2.5 s later) meets 409 and the
    # status read after it (2.5 s later again) meets 404, as in the soak at 50x speed.
    world = make_world(wrap=wrap, lifecycle={"deleting_seconds": 4.0, "deleted_retention": 0.0})

    async def body() -> None:
        cid = await world.drive(world.service.create_cluster(spec("gone")))
        await world.drive(world.service.delete_cluster(cid))
        statuses = [r.status for r in world.sim.log if r.method != "POST"]
        assert statuses[-3:] == [code, 409, 404]  # the sequence the soak showed
        assert len(world.applied("DELETE")) == 1

    run(body, world)
    [op] = [o for o in world.service.operations if o.action == "delete"]
    assert op.state.value == "done"


def test_a_delete_of_an_id_that_never_existed_still_fails() -> None:
    """The other side of the fix: only a 409 settled by a 404 means "deleted"; a first
    DELETE answered 404 is still NotFoundError (nothing was deleted)."""
    world = make_world()

    async def body() -> None:
        with pytest.raises(errors.NotFoundError):
            await world.drive(world.service.delete_cluster("c-unknown"))

    run(body, world)

"""The leak guard names clusters a session created and did not delete, when the session
closes or the interpreter exits, and deletes nothing."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import env_spec, make_env_world

pytestmark = pytest.mark.timeout(90)


def test_closing_a_session_names_the_clusters_it_left(caplog: pytest.LogCaptureFixture) -> None:
    world = make_env_world()
    kept = world.session.sync.create_cluster(env_spec("kept").cluster)
    gone = world.session.sync.create_cluster(env_spec("gone").cluster)
    world.session.sync.delete_cluster(gone)
    assert world.session.undeleted_clusters() == {kept: "kept_db"}
    with caplog.at_level(logging.WARNING, "insta_nb"):
        world.close()
    warnings = [r.getMessage() for r in caplog.records if "were not deleted" in r.getMessage()]
    assert len(warnings) == 1
    assert f"kept_db ({kept})" in warnings[0]
    assert "gone_db" not in warnings[0]
    assert world.undeleted() == ["kept_db"]  # warned about, never deleted


def test_adopting_an_existing_cluster_is_not_a_leak_of_this_session(
    caplog: pytest.LogCaptureFixture,
) -> None:
    other = make_env_world()
    try:
        made = other.session.sync.create_cluster(env_spec("mine").cluster)
        adopted = other.session.sync.create_cluster(env_spec("mine").cluster, adopt=True)
        assert adopted == made
        assert other.session.undeleted_clusters() == {made: "mine_db"}
    finally:
        other.session.sync.delete_cluster(made)
        with caplog.at_level(logging.WARNING, "insta_nb"):
            other.close()
    assert "were not deleted" not in caplog.text


SCRIPT = """
import insta_nb
from insta_nb import BundleSpec, ClusterSpec, ProviderSpec, RackAllocation

session = insta_nb.connect(simulator=True, interval=0.01)
spec = ClusterSpec(
    cluster_name={name!r}, bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1"),),
    provider=ProviderSpec("AWS_VPC"), data_centre="US_WEST_2", node_size="t3.small-v2",
    rack_allocation=RackAllocation(3, 1), cluster_network="10.224.0.0/16",
)
cluster_id = session.sync.create_cluster(spec)
print(cluster_id, flush=True)
if {delete!r}:
    session.sync.delete_cluster(cluster_id)
# no session.close(): the interpreter exits with the session open
"""


@pytest.mark.parametrize("delete", [False, True])
def test_the_interpreter_exiting_names_clusters_left(delete: bool, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "INSTA_NB_STATE_DIR": str(tmp_path),
        "INSTA_NB_SIM_SPEED": "100",
        "INSTACLUSTR_USERNAME": "",
        "INSTACLUSTR_API_KEY": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT.format(name="left_behind", delete=delete))],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    cluster_id = done.stdout.strip()
    if delete:
        assert "were not deleted" not in done.stderr
    else:
        assert "the interpreter is exiting: 1 cluster(s) this session created" in done.stderr
        assert f"left_behind ({cluster_id})" in done.stderr

"""Checked by mypy --strict in scripts/test (never run): environments are typed in both forms."""

from __future__ import annotations

from typing import assert_type

import insta_nb
from insta_nb.environment import Environment, EnvironmentEntry, EnvironmentEvent, TeardownReport


def typed(session: insta_nb.Session, path: str) -> None:
    spec = insta_nb.load_environment(path)
    assert_type(spec, insta_nb.EnvironmentSpec)

    def show(event: EnvironmentEvent) -> None:
        print(event.describe())

    with session.sync.environment(spec, keep=True, on_event=show) as env:
        assert_type(env, Environment)
        assert_type(env.contact_points, list[str])
    assert_type(session.sync.list_environments(), list[EnvironmentEntry])
    assert_type(session.sync.teardown_environment("ci"), TeardownReport)
    assert_type(session.undeleted_clusters(), dict[str, str])
    session.sync.environment("env.toml")  # type: ignore[arg-type]


async def typed_async(session: insta_nb.Session, spec: insta_nb.EnvironmentSpec) -> None:
    async with session.environment(spec) as env:
        assert_type(env, Environment)
    assert_type(await session.list_environments(), list[EnvironmentEntry])

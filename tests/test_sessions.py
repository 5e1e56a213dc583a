"""Sessions never disturb each other: each keeps its own settings, and pacing is shared
only by sessions to the same API host. Nothing here sends a request (building a session
does not), so no test touches the network."""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

import insta_nb
from insta_nb.session import Session, SyncSession

REAL = ("someone", "provisioning-key-for-tests", "https://api.example.invalid")


@pytest.fixture(autouse=True)
def own_state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSTA_NB_STATE_DIR", str(tmp_path))
    for name in ("INSTA_NB_INTERVAL", "INSTACLUSTR_USERNAME", "INSTACLUSTR_API_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sessions() -> Iterator[list[Session]]:
    made: list[Session] = []
    yield made
    for session in made:
        session.close()


def test_a_later_connect_to_a_simulator_leaves_a_real_api_session_as_it_was(
    sessions: list[Session],
) -> None:
    real = insta_nb.connect(*REAL)
    sessions.append(real)
    engine = real.service.engine
    before = (real.settings, engine.settings, engine.interval, engine.slots)
    demo = insta_nb.connect(simulator=True, interval=0.1)
    sessions.append(demo)
    assert (real.settings, engine.settings, engine.interval, engine.slots) == before
    assert real.settings.interval == 2.5
    assert real.settings.request_timeout == 60.0
    assert demo.service.engine is not engine  # another host: another budget
    assert demo.settings.interval == 0.1


def test_a_real_api_session_after_a_simulator_paces_on_the_real_hosts_budget(
    sessions: list[Session],
) -> None:
    demo = insta_nb.connect(simulator=True, interval=0.1)
    sessions.append(demo)
    real = insta_nb.connect(*REAL)
    sessions.append(real)
    assert real.service.engine is not demo.service.engine
    assert real.service.engine.settings.budget_key == "api.example.invalid"
    assert "api.example.invalid" in str(getattr(real.service.engine.slots, "path", ""))
    assert real.settings.interval == 2.5


def test_sessions_to_one_host_share_its_engine_but_keep_their_own_settings(
    sessions: list[Session],
) -> None:
    first = insta_nb.connect(*REAL)
    sessions.append(first)
    second = insta_nb.connect(*REAL, interval=10.0)
    sessions.append(second)
    assert second.service.engine is first.service.engine  # one budget per host
    assert first.settings.interval == 2.5
    assert second.settings.interval == 10.0
    assert first.service.engine.settings.interval == 2.5


def test_an_interval_below_the_limit_is_refused_for_a_real_api_only(
    sessions: list[Session],
) -> None:
    real = insta_nb.connect(*REAL, interval=0.1)
    sessions.append(real)
    assert real.settings.interval == 2.5
    demo = insta_nb.connect(simulator=True, interval=0.1)
    sessions.append(demo)
    assert demo.settings.interval == 0.1


def test_every_coroutine_of_a_session_has_its_blocking_twin() -> None:
    # A Session is composed of parts (clusters, resources, ...): look at all of them.
    members = {name: inspect.getattr_static(Session, name) for name in dir(Session)}
    coroutines = {
        name
        for name, value in members.items()
        if not name.startswith("_") and inspect.iscoroutinefunction(value)
    }
    assert {"list_clusters", "add_firewall_rule", "resize_sizes"} <= coroutines
    # ``environment`` is a context manager in both forms, not a blocking twin.
    twins = {name for name in vars(SyncSession) if not name.startswith("_")} - {"environment"}
    assert coroutines == twins
    for name in coroutines:
        assert getattr(SyncSession, name)._method is members[name]


def test_a_blocking_twin_keeps_the_signature_and_docstring(sessions: list[Session]) -> None:
    demo = insta_nb.connect(simulator=True, interval=0.01)
    sessions.append(demo)
    twin = demo.sync.create_cluster
    assert twin.__doc__ == Session.create_cluster.__doc__
    assert "adopt" in str(inspect.signature(twin))
    assert demo.sync.list_clusters() == []


@pytest.mark.parametrize("interval", [float("nan"), float("inf"), -1.0, 0.0])
def test_connect_refuses_an_unusable_interval_naming_it(interval: float) -> None:
    with pytest.raises(insta_nb.ConfigurationError, match="interval"):
        insta_nb.connect(*REAL, interval=interval)


def test_connect_refuses_a_bad_environment_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSTA_NB_INTERVAL", "fast")
    with pytest.raises(insta_nb.ConfigurationError, match="INSTA_NB_INTERVAL"):
        insta_nb.connect(*REAL)
    monkeypatch.delenv("INSTA_NB_INTERVAL")
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    monkeypatch.setenv("INSTA_NB_STATE_DIR", str(not_a_dir))
    with pytest.raises(insta_nb.ConfigurationError, match="INSTA_NB_STATE_DIR"):
        insta_nb.connect(*REAL)


def test_a_failing_connect_never_shows_the_key_in_a_verbose_traceback() -> None:
    key = "verbose-traceback-key-0123456789"
    with pytest.raises(insta_nb.ConfigurationError) as info:
        insta_nb.connect("someone", key, "ftp://api.example.invalid")
    shown = traceback.TracebackException.from_exception(info.value, capture_locals=True)
    # Every frame from connect() down (this test's own frame holds the key on purpose).
    shown.stack = traceback.StackSummary.from_list(shown.stack[1:])
    text = "".join(shown.format())
    assert "connect" in text
    assert key not in text

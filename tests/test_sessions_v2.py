"""Choosing the API: ``connect(api=...)``, ``INSTACLUSTR_API``, and how v2 is paced.

Building a session sends no request, so nothing here touches the network.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

import insta_nb
from insta_nb import errors
from insta_nb.config import V2_DOCUMENTED_INTERVAL
from insta_nb.models import BundleSpec, ClusterSpec, ProviderSpec
from insta_nb.session import Session
from tests.client.v2_examples import BODIES, kafka

KEY = "provisioning-key-for-v2-tests"
REAL = ("someone", KEY, "https://api.example.invalid")


@pytest.fixture(autouse=True)
def own_state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSTA_NB_STATE_DIR", str(tmp_path))
    for name in (
        "INSTA_NB_INTERVAL",
        "INSTACLUSTR_USERNAME",
        "INSTACLUSTR_API_KEY",
        "INSTACLUSTR_API",
        "INSTA_NB_V2_PACE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sessions() -> Iterator[list[Session]]:
    made: list[Session] = []
    yield made
    for session in made:
        session.close()


def test_v1_stays_the_default_and_v2_is_asked_for(sessions: list[Session]) -> None:
    sessions.append(v1 := insta_nb.connect(*REAL))
    sessions.append(v2 := insta_nb.connect(*REAL, api="v2"))
    assert (v1.api, v2.api) == ("v1", "v2")
    assert "(v2)" in repr(v2)


def test_the_environment_chooses_the_api(
    sessions: list[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSTACLUSTR_API", "v2")
    sessions.append(session := insta_nb.connect(*REAL))
    assert session.api == "v2"
    sessions.append(explicit := insta_nb.connect(*REAL, api="v1"))
    assert explicit.api == "v1"  # the argument wins


@pytest.mark.parametrize(
    ("where", "setting"),
    [("argument", "api"), ("environment", "INSTACLUSTR_API")],
)
def test_an_unknown_api_is_refused_naming_the_setting(
    where: str, setting: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kwargs = {"api": "v3"} if where == "argument" else {}
    if where == "environment":
        monkeypatch.setenv("INSTACLUSTR_API", "v3")
    with pytest.raises(errors.ConfigurationError) as info:
        insta_nb.connect(*REAL, **kwargs)
    assert setting in str(info.value)
    assert "v1" in str(info.value)


def test_v1_and_v2_sessions_to_one_host_share_its_budget(sessions: list[Session]) -> None:
    sessions.append(v1 := insta_nb.connect(*REAL))
    sessions.append(v2 := insta_nb.connect(*REAL, api="v2"))
    assert v2.service.engine is v1.service.engine
    assert v2.settings.budget_key == v1.settings.budget_key == "api.example.invalid"
    assert v2.settings.interval == 2.5


def test_the_documented_v2_pace_is_a_budget_of_its_own(
    sessions: list[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions.append(v1 := insta_nb.connect(*REAL))
    sessions.append(own := insta_nb.connect(*REAL, api="v2", v2_pace="documented"))
    assert own.service.engine is not v1.service.engine
    assert own.settings.interval == V2_DOCUMENTED_INTERVAL
    assert own.settings.request_timeout == 60.0  # a real API's timeouts, not scaled down
    assert own.service.ctx.settings.fast_poll == 5.0  # polls keep a person's pace
    assert v1.settings.interval == 2.5
    monkeypatch.setenv("INSTA_NB_V2_PACE", "documented")
    sessions.append(env := insta_nb.connect(*REAL, api="v2"))
    assert env.settings.budget_key == own.settings.budget_key
    sessions.append(v1_again := insta_nb.connect(*REAL))  # the setting is v2's alone
    assert v1_again.settings.budget_key == "api.example.invalid"


def test_a_bad_pace_is_refused_naming_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(errors.ConfigurationError) as info:
        insta_nb.connect(*REAL, api="v2", v2_pace="fast")
    assert "v2_pace" in str(info.value)
    monkeypatch.setenv("INSTA_NB_V2_PACE", "fast")
    with pytest.raises(errors.ConfigurationError) as info:
        insta_nb.connect(*REAL, api="v2")
    assert "INSTA_NB_V2_PACE" in str(info.value)


def test_the_key_never_shows_on_v2(sessions: list[Session]) -> None:
    sessions.append(session := insta_nb.connect(*REAL, api="v2"))
    assert KEY not in repr(session) + repr(session.backend)
    try:
        insta_nb.connect(*REAL, api="nope")
    except errors.ConfigurationError as exc:
        shown = "".join(
            traceback.TracebackException.from_exception(exc, capture_locals=True).format()
        )
    assert KEY not in shown


def test_checks_and_preview_speak_the_sessions_api(sessions: list[Session]) -> None:
    sessions.append(v1 := insta_nb.connect(*REAL))
    sessions.append(v2 := insta_nb.connect(*REAL, api="v2"))
    assert v2.validate_spec(kafka()) == {}
    assert v2.preview_create(kafka()) == BODIES["kafka"]
    v1_spec = ClusterSpec("demo", (BundleSpec("KAFKA", "3.5.1"),), ProviderSpec("AWS_VPC"), "X")
    assert list(v2.validate_spec(v1_spec)) == ["spec"]
    assert list(v1.validate_spec(kafka())) == ["spec"]
    with pytest.raises(errors.ValidationError):
        v1.preview_create(kafka())


def test_the_embedded_simulator_speaks_v2_too(sessions: list[Session]) -> None:
    sessions.append(session := insta_nb.connect(simulator=True, api="v2", interval=0.05))
    assert session.api == "v2"
    assert session.sync.list_clusters() == []

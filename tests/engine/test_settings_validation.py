"""Settings are checked once, where they enter, with errors that name the setting.

Before: ``connect(interval=float("nan"))`` (or ``inf``) slipped past the "never below
2.5 s" guard (a NaN compares false) and every call then waited for ever in a busy loop;
``INSTA_NB_INTERVAL=fast`` raised a bare ``ValueError``; an unusable
``INSTA_NB_STATE_DIR`` failed deep in the engine with an OS error and an "Exception
ignored in ``__del__``"; and a process with ``XDG_RUNTIME_DIR`` set used another slot
file than one without it (a desktop kernel and a cron job: two budgets for one IP).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pytest

from insta_nb import errors
from insta_nb.config import (
    DEFAULT_INTERVAL,
    ENV_INTERVAL,
    ENV_SIM_SPEED,
    ENV_STATE_DIR,
    EngineSettings,
    check_interval,
    check_state_dir,
    default_state_dir,
    number_from_env,
    resolve_interval,
)

BAD_NUMBERS: list[Any] = [
    math.nan,
    math.inf,
    -math.inf,
    -1.0,
    0,
    0.0,
    True,
    None,
    "fast",
    "nan",
    "inf",
    "-2",
    "",
    10**400,
    [2.5],
]


# --- intervals --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", BAD_NUMBERS, ids=repr)
def test_an_unusable_interval_argument_is_refused_naming_it(value: Any) -> None:
    with pytest.raises(errors.ConfigurationError, match=r"^interval must be"):
        check_interval(value)
    if value is not None:  # for resolve_interval, None means "not given"
        with pytest.raises(errors.ConfigurationError, match=r"^interval must be"):
            resolve_interval(value, environ={})


@pytest.mark.parametrize(("value", "expected"), [(2.5, 2.5), (1, 1.0), ("0.05", 0.05), (" 3 ", 3)])
def test_a_usable_interval_is_a_float(value: Any, expected: float) -> None:
    assert check_interval(value) == expected
    assert isinstance(check_interval(value), float)


@pytest.mark.parametrize("text", ["fast", "nan", "NaN", "inf", "Infinity", "-1", "0", "2.5s"])
@pytest.mark.parametrize("name", [ENV_INTERVAL, ENV_SIM_SPEED])
def test_an_unusable_numeric_variable_is_refused_naming_it(name: str, text: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=rf"^{name} must be") as info:
        number_from_env(name, {name: text})
    assert repr(text) in str(info.value)


def test_numeric_variables_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert number_from_env(ENV_SIM_SPEED, {ENV_SIM_SPEED: "400"}) == 400.0
    assert number_from_env(ENV_INTERVAL, {ENV_INTERVAL: "0.05"}) == 0.05
    assert number_from_env(ENV_INTERVAL, {}) is None
    assert number_from_env(ENV_INTERVAL, {ENV_INTERVAL: " "}) is None
    monkeypatch.setenv(ENV_INTERVAL, "fast")
    with pytest.raises(errors.ConfigurationError, match=ENV_INTERVAL):
        number_from_env(ENV_INTERVAL)  # the process environment by default
    with pytest.raises(errors.ConfigurationError, match=ENV_INTERVAL):
        resolve_interval(None)


def test_resolve_interval_prefers_the_argument_and_names_where_a_bad_value_came_from() -> None:
    env = {ENV_INTERVAL: "0.5"}
    assert resolve_interval(4.0, environ=env) == 4.0
    assert resolve_interval(None, environ=env) == 0.5
    assert resolve_interval(None, environ={}) is None
    with pytest.raises(errors.ConfigurationError, match=f"^{ENV_INTERVAL} must be"):
        resolve_interval(None, environ={ENV_INTERVAL: "nan"})
    with pytest.raises(errors.ConfigurationError, match=r"^interval must be"):
        resolve_interval(math.nan, environ=env)


def test_a_validated_interval_is_never_below_the_limit_unnoticed() -> None:
    # The guard in connect() compares ``interval < DEFAULT_INTERVAL``: false for NaN.
    # What resolve_interval returns always compares truthfully.
    for value in (0.1, 2.5, 30):
        checked = resolve_interval(value, environ={})
        assert checked is not None
        assert (checked < DEFAULT_INTERVAL) == (value < DEFAULT_INTERVAL)


# --- EngineSettings ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, -2.5, 0.0])
def test_engine_settings_refuse_an_unusable_interval(value: float) -> None:
    with pytest.raises(errors.ConfigurationError, match=r"EngineSettings\.interval"):
        EngineSettings(interval=value)
    with pytest.raises(errors.ConfigurationError, match=r"EngineSettings\.interval"):
        EngineSettings().scaled(value)
    with pytest.raises(errors.ConfigurationError, match=r"EngineSettings\.max_interval"):
        EngineSettings(max_interval=value)


@pytest.mark.parametrize(
    "field", ["request_timeout", "retry_budget", "backoff_cap", "outage_queue_limit", "probe_cap"]
)
def test_engine_settings_refuse_nan_or_negative_durations(field: str) -> None:
    for value in (math.nan, -1.0):
        bad: dict[str, Any] = {field: value}
        with pytest.raises(errors.ConfigurationError, match=rf"EngineSettings\.{field}"):
            EngineSettings(**bad)
    unlimited: dict[str, Any] = {field: math.inf}
    EngineSettings(**unlimited)  # "no limit" stays possible


def test_engine_settings_refuse_a_backoff_factor_that_shrinks_or_is_not_finite() -> None:
    for value in (math.nan, math.inf, 0.5):
        with pytest.raises(errors.ConfigurationError, match="backoff_factor_429"):
            EngineSettings(backoff_factor_429=value)


def test_usable_engine_settings_still_scale() -> None:
    settings = EngineSettings().scaled(0.25)
    assert settings.interval == 0.25
    assert settings.max_interval == pytest.approx(3.0)


# --- the state directory ----------------------------------------------------------------------


def test_one_state_directory_whatever_the_session_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(ENV_STATE_DIR, raising=False)
    runtime = tmp_path / "run-user-1000"
    runtime.mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))  # a desktop session's kernel
    in_session = default_state_dir()
    monkeypatch.delenv("XDG_RUNTIME_DIR")  # a cron job or an ssh script
    outside = default_state_dir()
    monkeypatch.setenv("HOME", str(tmp_path / "elsewhere"))  # sudo -E, a tool's sandbox...
    assert in_session == outside == default_state_dir()
    assert in_session.is_absolute()
    assert in_session.parts[-2:] == (".cache", "insta_nb")


def test_the_variable_still_overrides_the_state_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_STATE_DIR, str(tmp_path / "shared"))
    assert default_state_dir() == tmp_path / "shared"
    monkeypatch.setenv(ENV_STATE_DIR, "~/budget")
    assert default_state_dir() == Path.home() / "budget"


def test_a_usable_state_directory_is_created_private(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    assert check_state_dir(target) == target
    assert target.is_dir()
    assert oct(target.stat().st_mode & 0o777) == oct(0o700 & ~_umask())
    assert list(target.iterdir()) == []  # the write probe leaves nothing behind


def test_check_state_dir_defaults_to_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_STATE_DIR, str(tmp_path / "state"))
    assert check_state_dir() == tmp_path / "state"


def test_a_file_is_not_a_state_directory(tmp_path: Path) -> None:
    path = tmp_path / "state"
    path.write_text("")
    with pytest.raises(errors.ConfigurationError, match=f"not a directory.*{ENV_STATE_DIR}"):
        check_state_dir(path)
    with pytest.raises(errors.ConfigurationError, match=f"cannot be created.*{ENV_STATE_DIR}"):
        check_state_dir(path / "below")


def test_a_relative_state_directory_is_refused(tmp_path: Path) -> None:
    # Processes started in different directories would each get a budget of their own.
    with pytest.raises(errors.ConfigurationError, match=f"{ENV_STATE_DIR} must be an absolute"):
        check_state_dir(Path("state"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through any mode")
def test_a_read_only_state_directory_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state"
    path.mkdir()
    path.chmod(0o500)
    try:
        with pytest.raises(errors.ConfigurationError, match=f"not writable.*{ENV_STATE_DIR}"):
            check_state_dir(path)
    finally:
        path.chmod(0o700)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_a_directory_nobody_can_write_is_refused() -> None:
    # /proc/self is a directory in which no account, root included, can create a file.
    with pytest.raises(errors.ConfigurationError, match=f"not writable.*{ENV_STATE_DIR}"):
        check_state_dir(Path("/proc/self"))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

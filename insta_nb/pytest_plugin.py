"""A pytest plugin: tests get an environment from a TOML file, torn down at session end.

Registered through the ``pytest11`` entry point, so installing insta_nb is enough. It
does nothing until a test asks for the ``insta_nb_environment`` fixture, which gives an
:class:`~insta_nb.environment.Environment` (cluster id, contact points, peering ids).
Which file describes it, first found wins:

* ``@pytest.mark.insta_nb_environment("path/env.toml")`` on the test (or its module or
  class);
* ``--insta-nb-env=FILE`` on the command line;
* ``insta_nb_environment = FILE`` in the ini file (relative to the rootdir).

Each file is provisioned once per test session, when the first test needs it, and torn
down when the session ends: after failures, after an interrupted run (pytest tears
session fixtures down on Ctrl-C too), and a provisioning failure tears down what it made
and errors the tests that need it. ``--insta-nb-keep`` leaves them up (``insta-nb env
down NAME`` removes them). What a teardown could not remove fails the session's last
teardown with :class:`~insta_nb.errors.TeardownError` and is listed in the summary.
Progress goes to the terminal. Credentials come from ``INSTACLUSTR_*`` as for
``insta_nb.connect()``.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from insta_nb import errors

if TYPE_CHECKING:
    from insta_nb.environment import Environment, EnvironmentEvent, SyncEnvironment
    from insta_nb.session import Session

__all__ = ["EnvironmentPool"]

_MARKER = "insta_nb_environment"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("insta_nb", "insta_nb environments")
    group.addoption(
        "--insta-nb-env",
        dest="insta_nb_env",
        metavar="FILE",
        default=None,
        help="TOML file of the environment the insta_nb_environment fixture provisions",
    )
    group.addoption(
        "--insta-nb-keep",
        dest="insta_nb_keep",
        action="store_true",
        help="leave insta_nb environments up at the end (insta-nb env down NAME)",
    )
    parser.addini(_MARKER, "TOML file of the insta_nb_environment fixture's environment")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(file): the environment file the insta_nb_environment fixture uses here",
    )


class EnvironmentPool:
    """The session's environments, one per file, torn down together at the end."""

    def __init__(self, config: pytest.Config, keep: bool) -> None:
        self._config = config
        self._keep = keep
        self._session: Session | None = None
        self._made: dict[Path, tuple[SyncEnvironment, Environment]] = {}
        self._failed: dict[Path, BaseException] = {}
        self._lock = threading.Lock()
        self.left: list[str] = []
        self.lines: list[str] = []

    def _say(self, text: str) -> None:
        self.lines.append(text)
        capture: Any = self._config.pluginmanager.getplugin("capturemanager")
        with self._lock:
            if capture is None:
                print(text, file=sys.stderr, flush=True)
                return
            with capture.global_and_fixture_disabled():
                print(text, file=sys.stderr, flush=True)

    def _event(self, event: EnvironmentEvent) -> None:
        if event.state != "progress":
            self._say(f"insta_nb: {event.describe()}")

    def get(self, path: Path) -> Environment:
        if path in self._failed:
            pytest.fail(
                f"insta_nb environment {path} could not be provisioned: {self._failed[path]}",
                pytrace=False,
            )
        if path in self._made:
            return self._made[path][1]
        from insta_nb.environment_spec import load_environment

        try:
            spec = load_environment(path)
        except errors.ValidationError as exc:
            self._failed[path] = exc
            pytest.fail(f"insta_nb environment {path}: {exc}", pytrace=False)
        if self._session is None:
            import insta_nb

            self._session = insta_nb.connect()
        cm = self._session.sync.environment(spec, keep=self._keep, on_event=self._event)
        try:
            env = cm.__enter__()  # tears down itself if provisioning fails
        except errors.TeardownError as exc:
            self._failed[path] = exc
            self.left.extend(exc.left)
            raise
        except errors.InstaError as exc:
            self._failed[path] = exc
            pytest.fail(f"insta_nb environment {path} (torn down): {exc}", pytrace=False)
        self._made[path] = (cm, env)
        return env

    def close(self) -> None:
        """Tear every environment down; raise TeardownError naming what is left."""
        try:
            for cm, env in reversed(list(self._made.values())):
                try:
                    cm.__exit__(None, None, None)
                except errors.TeardownError as exc:
                    self.left.extend(exc.left)
                if self._keep:
                    self._say(f"insta_nb: kept {env.name} up: insta-nb env down {env.name}")
            self._made.clear()
        finally:
            if self._session is not None:
                self._session.close()
                self._session = None
        if self.left:
            raise errors.TeardownError(tuple(self.left))


@pytest.fixture(scope="session")
def insta_nb_environments(request: pytest.FixtureRequest) -> Iterator[EnvironmentPool]:
    """Every environment of the test session, torn down when it ends."""
    pool = EnvironmentPool(request.config, bool(request.config.getoption("insta_nb_keep")))
    request.config.stash[_POOL] = pool
    yield pool
    pool.close()


@pytest.fixture
def insta_nb_environment(
    request: pytest.FixtureRequest, insta_nb_environments: EnvironmentPool
) -> Environment:
    """The environment of this test's file (marker, ``--insta-nb-env``, or ini)."""
    return insta_nb_environments.get(_file_for(request))


def _file_for(request: pytest.FixtureRequest) -> Path:
    config = request.config
    marker = request.node.get_closest_marker(_MARKER)
    if marker is not None and marker.args:
        base = Path(str(request.node.path)).parent
        return (base / str(marker.args[0])).resolve()
    option = config.getoption("insta_nb_env")
    if option:
        return Path(option).resolve()
    ini = config.getini(_MARKER)
    if ini:
        return (config.rootpath / str(ini)).resolve()
    raise pytest.UsageError(
        "the insta_nb_environment fixture needs a file: @pytest.mark.insta_nb_environment"
        "(FILE), --insta-nb-env=FILE or insta_nb_environment = FILE in the ini file"
    )


_POOL = pytest.StashKey[EnvironmentPool]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    pool = config.stash.get(_POOL, None)
    if pool is None or not (pool.lines or pool.left):
        return
    terminalreporter.section("insta_nb environments")
    for line in pool.lines:
        terminalreporter.write_line(line)
    if pool.left:
        terminalreporter.write_line("TEARDOWN INCOMPLETE: these may still exist (and be billed):")
        for item in pool.left:
            terminalreporter.write_line(f"  - {item}")

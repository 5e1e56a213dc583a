"""The pytest plugin, run by pytester in a subprocess against a simulator on 127.0.0.1:
one environment per file per test session, torn down after failures and interrupts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from insta_nb.simulator import Simulator, SimulatorSettings

from .test_cli_env import FILE, INTERVAL

pytest_plugins = ["pytester"]
pytestmark = [pytest.mark.loopback, pytest.mark.timeout(120)]


@pytest.fixture
def sim(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Iterator[Simulator]:
    served = Simulator(
        settings=SimulatorSettings(interval=INTERVAL, speed=400, peering_accept_seconds=0.5)
    )
    with served.serve() as url:
        creds = served.credentials
        monkeypatch.setenv("INSTACLUSTR_API_URL", url)
        monkeypatch.setenv("INSTACLUSTR_USERNAME", creds.username)
        monkeypatch.setenv("INSTACLUSTR_API_KEY", creds.api_key)
        monkeypatch.setenv("INSTA_NB_INTERVAL", str(INTERVAL))
        monkeypatch.setenv("INSTA_NB_STATE_DIR", str(pytester.path / "state"))
        monkeypatch.delenv("INSTACLUSTR_READ_ONLY", raising=False)
        pytester.makefile(".toml", ci=FILE.format(name="ci"), other=FILE.format(name="other"))
        yield served
    assert served.app_errors == []


def undeleted(sim: Simulator) -> list[str]:
    return sorted(c.name for c in sim.cluster_records() if c.deleted_at is None)


def created(sim: Simulator) -> list[str]:
    return sorted(c.name for c in sim.cluster_records())


def test_tests_share_one_environment_torn_down_after_a_failure(
    pytester: pytest.Pytester, sim: Simulator
) -> None:
    pytester.makepyfile(
        """
        def test_uses_it(insta_nb_environment):
            assert len(insta_nb_environment.contact_points) == 3
            assert insta_nb_environment.peering_ids

        def test_fails(insta_nb_environment):
            assert False, "a failing test"
        """
    )
    result = pytester.runpytest_subprocess("--insta-nb-env=ci.toml", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*insta_nb environments*", "*teardown done*"])
    assert created(sim) == ["ci_db"]
    assert undeleted(sim) == []


def test_an_interrupted_session_still_tears_down(pytester: pytest.Pytester, sim: Simulator) -> None:
    pytester.makeini("[pytest]\ninsta_nb_environment = ci.toml\n")
    pytester.makepyfile(
        """
        def test_interrupted(insta_nb_environment):
            raise KeyboardInterrupt
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert created(sim) == ["ci_db"]
    assert undeleted(sim) == []


def test_a_marker_picks_another_file_and_both_are_torn_down(
    pytester: pytest.Pytester, sim: Simulator
) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_default(insta_nb_environment):
            assert insta_nb_environment.name == "ci"

        @pytest.mark.insta_nb_environment("other.toml")
        def test_other(insta_nb_environment):
            assert insta_nb_environment.name == "other"
        """
    )
    result = pytester.runpytest_subprocess("--insta-nb-env=ci.toml", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    assert created(sim) == ["ci_db", "other_db"]
    assert undeleted(sim) == []


def test_a_bad_file_errors_the_tests_and_creates_nothing(
    pytester: pytest.Pytester, sim: Simulator
) -> None:
    pytester.makefile(
        ".toml", bad=FILE.format(name="bad").replace("nodes_per_rack = 1", 'nodes_per_rack = "1"')
    )
    pytester.makepyfile(
        """
        def test_needs_it(insta_nb_environment):
            pass
        """
    )
    result = pytester.runpytest_subprocess("--insta-nb-env=bad.toml", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*cluster.rack_allocation.nodes_per_rack*"])
    assert "Traceback" not in result.stdout.str()
    assert created(sim) == []


def test_without_a_file_the_fixture_says_how_to_name_one(
    pytester: pytest.Pytester, sim: Simulator
) -> None:
    pytester.makepyfile(
        """
        def test_needs_it(insta_nb_environment):
            pass

        def test_does_not(request):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*--insta-nb-env=FILE*"])
    assert created(sim) == []

"""The ``insta-nb`` command refuses bad numbers while parsing, in one line, naming the option.

``float()`` accepts ``inf``, ``nan`` and ``1e400``: these used to pass the CLI's checks and
reach the simulator's settings, which refused them with a traceback (exit status 1), and a
word such as ``bad`` printed the whole usage before the error.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from insta_nb.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]

#: Every numeric option of every subcommand, with a value it must accept.
NUMERIC_OPTIONS = [
    ("simulator", "--speed", "2"),
    ("simulator", "--interval", "0"),
    ("simulator", "--retry-after", "7"),
    ("simulator", "--peering-accept-seconds", "30"),
    ("simulator", "--resize-node-seconds", "60"),
    ("lab", "--speed", "10"),
    ("lab", "--interval", "2.5"),
]
BAD_NUMBERS = ["bad", "inf", "-inf", "nan", "1e400", "-1", ""]


@pytest.mark.parametrize(("command", "option", "good"), NUMERIC_OPTIONS)
@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_a_bad_number_is_refused_at_parsing_naming_the_option(
    command: str, option: str, good: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Injected: ``bad``, ``inf``, ``-inf``, ``nan``, ``1e400``, ``-1`` and an empty value
    for every number option of ``insta-nb simulator`` and ``insta-nb lab``. Checked:
    exit status 2 with one line naming the option and the value. Bug (fixed in ab4d6d1):
    ``float()`` took inf, nan and 1e400, which reached the simulator's settings and
    ended in a traceback (exit 1); a word printed the whole usage before the error. Fix:
    the options' types refuse non-finite numbers; usage errors are one line."""
    with pytest.raises(SystemExit) as exited:
        main([command, f"{option}={value}"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"insta-nb {command}: error: argument {option}:"), err
    assert repr(value) in err or value in err


def test_lab_with_a_bad_interval_prints_one_line_and_exits_2() -> None:
    """Injected: ``insta-nb lab --interval bad`` as a user types it. Checked: exit status
    2, no traceback, one line naming ``--interval``."""
    done = subprocess.run(
        [sys.executable, "-m", "insta_nb.cli", "lab", "--interval", "bad"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "insta-nb lab: error: argument --interval: must be a number > 0, not 'bad' "
        "(see insta-nb lab --help)"
    ]


def test_lab_with_an_infinite_interval_is_no_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "insta_nb.cli", "lab", "--interval", "inf"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, "Traceback" in done.stderr) == (2, False), done.stderr
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize(("command", "option", "good"), NUMERIC_OPTIONS)
def test_a_good_number_is_taken(command: str, option: str, good: str) -> None:
    args = build_parser().parse_args([command, f"{option}={good}"])
    assert getattr(args, option.removeprefix("--").replace("-", "_")) == float(good)

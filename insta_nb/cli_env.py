"""``insta-nb env up FILE`` / ``env down NAME`` / ``env list``: environments for CI jobs.

The same implementation as ``session.sync.environment(spec)``; this module only parses,
shows progress on stderr and turns outcomes into exit codes a CI job can rely on:

====  ==========================================================================
0     done: provisioned (and torn down unless ``--keep``), removed, or listed
1     provisioning failed, or the API failed; everything made was torn down
2     usage: bad arguments, a bad environment file (each key named), no such
      environment, a read-only key; nothing was created
3     teardown incomplete: resources are left, listed on stderr (may be billed)
4     the command run in the environment (``env up FILE -- CMD``) failed; torn down
130   interrupted (Ctrl-C or SIGTERM); everything made was torn down
====  ==========================================================================

A second Ctrl-C while tearing down does not abandon the teardown: it says what is still
up and keeps going; a third one gives up, lists what is left and exits 3.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from types import FrameType
from typing import TYPE_CHECKING

from insta_nb import errors

if TYPE_CHECKING:
    from insta_nb.environment import Environment, EnvironmentEvent, SyncEnvironment
    from insta_nb.session import Session

__all__ = ["EXIT_CODES", "add_env_command"]

OK, FAILED, USAGE, LEFT, COMMAND_FAILED, INTERRUPTED = 0, 1, 2, 3, 4, 130
EXIT_CODES = """exit codes:
  0    done (provisioned and torn down, or kept with --keep; removed; listed)
  1    provisioning or the API failed; everything made was torn down
  2    usage: bad arguments or environment file (keys named), unknown name, read-only key
  3    teardown incomplete: resources left (listed on stderr, may be billed)
  4    the command run in the environment failed; torn down
  130  interrupted (Ctrl-C or SIGTERM); everything made was torn down"""


def add_env_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``env`` with its ``up``, ``down`` and ``list`` subcommands."""
    env = commands.add_parser(
        "env",
        help="provision, list and tear down environments described in TOML",
        description="A cluster, its firewall rules and VPC peerings as one unit.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = env.add_subparsers(dest="env_command", metavar="ACTION", required=True)
    up = sub.add_parser(
        "up",
        help="provision FILE's environment; tear it down when done",
        description=(
            "Provision the environment FILE describes (create, firewall rules, wait for "
            "the data centre, VPC peerings, wait RUNNING), showing progress on stderr. "
            "With -- COMMAND, run it with INSTA_NB_ENV_* set, then tear down. With "
            "--keep, leave it up and exit (remove it later with env down NAME). With "
            "neither, hold it up until Ctrl-C or SIGTERM, then tear down."
        ),
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    up.add_argument("file", metavar="FILE", help="the environment's TOML file")
    up.add_argument("--keep", action="store_true", help="leave the environment up")
    up.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND to run in it")
    up.set_defaults(handler=_run_up)
    down = sub.add_parser(
        "down",
        help="tear down the recorded environment NAME (from any process)",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    down.add_argument("name", metavar="NAME")
    down.set_defaults(handler=_run_down)
    listing = sub.add_parser(
        "list",
        help="recorded environments with their cluster's status now",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    listing.add_argument("--json", action="store_true", help="one JSON array on stdout")
    listing.set_defaults(handler=_run_list)


# --- output ------------------------------------------------------------------------------


def _say(text: str) -> None:
    print(f"insta-nb env: {text}", file=sys.stderr, flush=True)


class _Progress:
    """Each event as one line on stderr, with the time since the start."""

    def __init__(self) -> None:
        self._start = time.monotonic()
        self._last = ""

    def __call__(self, event: EnvironmentEvent) -> None:
        line = event.describe()
        if event.state == "progress" and line == self._last:
            return  # a wait that saw no change
        self._last = line
        print(f"[{time.monotonic() - self._start:7.1f}s] {line}", file=sys.stderr, flush=True)


def _problems(exc: errors.ValidationError) -> None:
    _say("refused, nothing was created:")
    for key, message in exc.field_errors.items():
        print(f"  {key}: {message}", file=sys.stderr)


def _left(items: list[str] | tuple[str, ...]) -> None:
    _say("TEARDOWN INCOMPLETE: these may still exist (and be billed):")
    for item in items:
        print(f"  - {item}", file=sys.stderr)


def _connect() -> Session:
    import insta_nb

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    return insta_nb.connect()


def _sigterm_is_ctrl_c() -> None:
    """A CI runner cancels a job with SIGTERM: tear down as for Ctrl-C."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


# --- up ----------------------------------------------------------------------------------


def _run_up(args: argparse.Namespace) -> int:
    from insta_nb.environment_spec import load_environment

    try:
        command, keep = _command_and_keep(args.command, args.keep)
    except ValueError as exc:
        _say(str(exc))
        return USAGE
    try:
        spec = load_environment(args.file)
        session = _connect()
    except errors.ValidationError as exc:
        _problems(exc)
        return USAGE
    except errors.ConfigurationError as exc:
        _say(str(exc))
        return USAGE
    _sigterm_is_ctrl_c()
    env = session.sync.environment(spec, keep=keep, on_event=_Progress())
    try:
        return _up(env, command, keep, spec.name)
    finally:
        session.close()


def _command_and_keep(rest: list[str], keep: bool) -> tuple[list[str], bool]:
    """Split what followed FILE: ``--keep`` first, then the command (after ``--``).

    argparse hands everything after the positional FILE over as one remainder (having
    dropped a ``--`` right after FILE), so ``up env.toml --keep`` would otherwise run
    ``--keep`` as a command.
    """
    while rest and rest[0] == "--keep":
        keep, rest = True, rest[1:]
    if rest and rest[0] == "--":
        return rest[1:], keep
    if rest and rest[0].startswith("-"):
        raise ValueError(f"unknown option {rest[0]!r}: give the command after --")
    return rest, keep


def _up(env: SyncEnvironment, command: list[str], keep: bool, name: str) -> int:
    outcome = OK
    try:
        with env as made:
            _announce(made)
            if command:
                code = subprocess.run(command, env=_child_env(made), check=False).returncode
                if code != 0:
                    _say(f"the command exited with {code}; tearing down")
                    outcome = COMMAND_FAILED
            elif keep:
                _say(f"kept up: remove it with `insta-nb env down {name}`")
            else:
                # Ctrl-C is the way to say "done" here: tear down and exit 0. (Say so
                # inside: a Ctrl-C right after the line is read must count as "done".)
                with contextlib.suppress(KeyboardInterrupt):
                    _say("up; press Ctrl-C (or send SIGTERM) to tear it down")
                    threading.Event().wait()
    except errors.TeardownError as exc:
        _left(exc.left)
        return LEFT
    except errors.ValidationError as exc:
        _problems(exc)
        return USAGE
    except errors.ReadOnlyKeyError as exc:
        _say(exc.message)
        return USAGE
    except errors.InstaError as exc:
        _say(f"provisioning failed: {exc}; torn down")
        return FAILED
    except KeyboardInterrupt:
        return _after_interrupt(env)
    return outcome


def _after_interrupt(env: SyncEnvironment) -> int:
    """Interrupted: teardown ran, or still runs after a second Ctrl-C."""
    while env.teardown is not None and not env.teardown.done():
        _say(
            "teardown continues (Ctrl-C again to abandon it); still up: "
            + "; ".join(env.still_up())
        )
        try:
            env.report = env.teardown.result()
        except KeyboardInterrupt:
            _left(env.still_up() or ["(unknown: the teardown was abandoned)"])
            return LEFT
    if env.report is not None and not env.report.complete:
        _left(env.report.left)
        return LEFT
    _say("interrupted; everything made was torn down")
    return INTERRUPTED


def _announce(made: Environment) -> None:
    print(f"environment={made.name}")
    print(f"cluster_id={made.cluster_id}")
    print(f"data_centre_id={made.data_centre_id}")
    print(f"contact_points={','.join(made.contact_points)}")
    print(f"peering_ids={','.join(made.peering_ids)}", flush=True)


def _child_env(made: Environment) -> dict[str, str]:
    return {
        **os.environ,
        "INSTA_NB_ENV_NAME": made.name,
        "INSTA_NB_ENV_CLUSTER_ID": made.cluster_id,
        "INSTA_NB_ENV_DATA_CENTRE_ID": made.data_centre_id,
        "INSTA_NB_ENV_CONTACT_POINTS": ",".join(made.contact_points),
        "INSTA_NB_ENV_PEERING_IDS": ",".join(made.peering_ids),
    }


# --- down and list -------------------------------------------------------------------------


def _run_down(args: argparse.Namespace) -> int:
    try:
        session = _connect()
    except errors.ConfigurationError as exc:
        _say(str(exc))
        return USAGE
    try:
        report = session.sync.teardown_environment(args.name, on_event=_Progress())
    except (errors.ValidationError, errors.UsageError) as exc:
        _say(exc.message)
        return USAGE
    except errors.TeardownError as exc:
        _left(exc.left)
        return LEFT
    except errors.InstaError as exc:
        _say(f"failed: {exc}")
        return FAILED
    except KeyboardInterrupt:
        _say(f"interrupted: run `insta-nb env down {args.name}` again to finish")
        return INTERRUPTED
    finally:
        session.close()
    _say("removed: " + ("; ".join(report.removed) or "nothing was left"))
    return OK


def _run_list(args: argparse.Namespace) -> int:
    try:
        session = _connect()
    except errors.ConfigurationError as exc:
        _say(str(exc))
        return USAGE
    try:
        entries = session.sync.list_environments()
    except errors.InstaError as exc:
        _say(f"failed: {exc}")
        return FAILED
    finally:
        session.close()
    if args.json:
        rows = [
            {
                "name": e.name,
                "cluster_name": e.cluster_name,
                "cluster_id": e.cluster_id,
                "state": e.state,
                "status": e.status,
                "peering_ids": list(e.peering_ids),
                "left": list(e.left),
                "pid": e.pid,
            }
            for e in entries
        ]
        print(json.dumps(rows, indent=1))
        return OK
    if not entries:
        print("no environments recorded")
        return OK
    print(f"{'NAME':<20} {'STATE':<20} {'STATUS':<14} {'CLUSTER':<38} PEERINGS")
    for e in entries:
        print(
            f"{e.name:<20} {e.state:<20} {e.status:<14} {e.cluster_id or '-':<38} "
            f"{','.join(e.peering_ids) or '-'}"
        )
    return OK

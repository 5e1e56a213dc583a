"""The ``insta-nb`` command line.

One function adds each subcommand to the parser and sets its ``handler``; ``main``
only parses and dispatches, so that another subcommand is one more ``_add_...``.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, TextIO, cast

import insta_nb
from insta_nb.cli_env import add_env_command

Handler = Callable[[argparse.Namespace], int]
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class _Parser(argparse.ArgumentParser):
    """A parser whose usage errors are one line (``prog: error: ...``) and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _finite(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number {what}, not {text!r}") from None
    # float() accepts "inf", "nan" and "1e400": refuse them here, naming the option, rather
    # than later as a traceback from the settings they would reach.
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number {what}, not {text!r}")
    return value


def _non_negative(text: str) -> float:
    value = _finite(text, ">= 0")
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, not {text}")
    return value


def _positive(text: str) -> float:
    value = _finite(text, "> 0")
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, not {text}")
    return value


def _add_simulator(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # Imported here rather than at the top: the other subcommands do not need it.
    from insta_nb.simulator import settings as defaults

    parser = commands.add_parser(
        "simulator",
        help="serve the API simulator on loopback in the foreground",
        description=(
            "Serve an in-memory simulator of the Instaclustr Provisioning API v1 and "
            "Cluster Management API v2 (one account behind both) until Ctrl-C. It prints "
            "its URL and the credentials it accepts."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8808, help="port (default 8808; 0 = free)")
    parser.add_argument(
        "--speed", type=_positive, default=1.0, help="lifecycle speed factor (default 1)"
    )
    parser.add_argument(
        "--interval",
        type=_non_negative,
        default=2.5,
        help="rate limit: seconds between requests per client IP (default 2.5; 0 = off)",
    )
    parser.add_argument(
        "--retry-after",
        type=_non_negative,
        default=None,
        help="send Retry-After with 429 (default: no header, like the real API)",
    )
    parser.add_argument("--username", default=defaults.DEFAULT_USERNAME)
    parser.add_argument("--api-key", default=defaults.DEFAULT_API_KEY)
    parser.add_argument("--read-only-key", default=defaults.DEFAULT_READ_ONLY_KEY)
    parser.add_argument("--seed", type=int, default=0, help="seed of ids and random faults")
    parser.add_argument(
        "--peering-accept-seconds",
        type=_non_negative,
        default=defaults.SimulatorSettings.peering_accept_seconds,
        help="the peer side accepts a VPC peering request after this long (default 120)",
    )
    parser.add_argument(
        "--resize-node-seconds",
        type=_non_negative,
        default=defaults.SimulatorSettings.resize_node_seconds,
        help="a resize replaces each batch of nodes in this long (default 300)",
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.set_defaults(handler=_run_simulator)


def _announce(out: TextIO, url: str, args: argparse.Namespace) -> None:
    limit = f"1 request per {args.interval:g} s per client IP" if args.interval else "off"
    lines = [
        f"insta-nb simulator serving the Provisioning API v1 at {url}",
        f"  and the Cluster Management API v2 at {url}/cluster-management/v2 (one account)",
        f"  username:       {args.username}",
        f"  API key:        {args.api_key}  (full access)",
        f"  read-only key:  {args.read_only_key}  (GET only)",
        f"  rate limit:     {limit}; lifecycle speed ×{args.speed:g}",
        "These credentials open this simulator only; they are not secrets. To use it:",
        f"  export INSTACLUSTR_API_URL={url} INSTACLUSTR_USERNAME={args.username} "
        f"INSTACLUSTR_API_KEY={args.api_key}",
        "Press Ctrl-C to stop.",
    ]
    print("\n".join(lines), file=out, flush=True)


def _run_simulator(args: argparse.Namespace) -> int:
    from insta_nb.simulator import Simulator, SimulatorSettings
    from insta_nb.simulator.server import bind, run_foreground, url_for

    try:
        settings = SimulatorSettings(
            username=args.username,
            api_key=args.api_key,
            read_only_key=args.read_only_key,
            interval=args.interval or None,
            retry_after=args.retry_after,
            speed=args.speed,
            seed=args.seed,
            peering_accept_seconds=args.peering_accept_seconds,
            resize_node_seconds=args.resize_node_seconds,
        )
        sock = bind(args.host, args.port)
    except (ValueError, OSError) as exc:
        print(f"insta-nb simulator: {exc}", file=sys.stderr)
        return 2
    if args.host not in _LOOPBACK:
        print(f"warning: serving on {args.host}, not only on this machine", file=sys.stderr)
    sim = Simulator(settings=settings)
    _announce(sys.stdout, url_for(sock), args)
    try:
        run_foreground(sim.app, sock, access_log=args.access_log)
    except KeyboardInterrupt:
        # uvicorn shut down gracefully, then re-raised the Ctrl-C for us: a normal stop.
        pass
    finally:
        sock.close()
    print("insta-nb simulator stopped.", flush=True)
    return 0


def _add_lab(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "lab",
        help="JupyterLab on the quickstart, against a simulator served on loopback",
        description=(
            "Serve the API simulator on 127.0.0.1, point INSTACLUSTR_* at it, and run "
            "JupyterLab on notebooks/quickstart.ipynb until Ctrl-C. Arguments after -- "
            "go to jupyter lab."
        ),
    )
    parser.add_argument(
        "--speed",
        type=_positive,
        default=10.0,
        help="simulator lifecycle speed (default 10: 3 nodes in ~42 s)",
    )
    parser.add_argument(
        "--interval",
        type=_positive,
        default=2.5,
        help="the simulator's rate limit, which the engine keeps (default 2.5)",
    )
    parser.add_argument("--sim-port", type=int, default=0, help="simulator port (default: free)")
    parser.add_argument(
        "--notebook",
        default="notebooks/quickstart.ipynb",
        help="notebook to open (default notebooks/quickstart.ipynb)",
    )
    parser.add_argument(
        "jupyter_args", nargs=argparse.REMAINDER, help="extra arguments for jupyter lab (after --)"
    )
    parser.set_defaults(handler=_run_lab)


def _run_lab(args: argparse.Namespace) -> int:
    import os
    import subprocess
    from pathlib import Path

    from insta_nb.simulator import Simulator, SimulatorSettings

    try:
        settings = SimulatorSettings(speed=args.speed, interval=args.interval)
    except ValueError as exc:
        print(f"insta-nb lab: {exc}", file=sys.stderr)
        return 2
    sim = Simulator(settings=settings)
    notebook = Path(args.notebook)
    extra = [a for a in args.jupyter_args if a != "--"]
    with sim.serve("127.0.0.1", args.sim_port) as url:
        env = dict(os.environ)
        env.update(
            {
                "INSTACLUSTR_API_URL": url,
                "INSTACLUSTR_USERNAME": sim.credentials.username,
                "INSTACLUSTR_API_KEY": sim.credentials.api_key,
                "INSTA_NB_INTERVAL": f"{args.interval:g}",
            }
        )
        env.pop("INSTACLUSTR_READ_ONLY", None)
        print(
            f"insta-nb lab: simulator at {url} (speed ×{args.speed:g}, "
            f"1 request per {args.interval:g} s); starting JupyterLab…",
            flush=True,
        )
        command = [sys.executable, "-m", "jupyter", "lab", "--ip=127.0.0.1"]
        if notebook.exists():
            command.append(str(notebook))
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        try:
            return subprocess.run([*command, *extra], env=env, check=False).returncode
        except KeyboardInterrupt:
            return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``insta-nb`` parser with every subcommand."""
    parser = _Parser(prog="insta-nb", description=insta_nb.__doc__)
    parser.add_argument("--version", action="version", version=insta_nb.__version__)
    # Subcommand parsers are _Parser too (argparse uses the parent's class); typed as the
    # base class so that each _add_... takes the usual argparse type.
    commands = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", metavar="COMMAND"),
    )
    _add_simulator(commands)
    _add_lab(commands)
    add_env_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``insta-nb``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())

"""Nothing the toolkit emits holds the API key, in any form.

A simulator on 127.0.0.1 (in this process) accepts a key made up for the run; the kernel
gets it only the way a user's kernel does, from ``INSTACLUSTR_*`` in its environment.
Each notebook then does what a user does — a quickstart, or an error-heavy session —
while logging everything at DEBUG from the root logger to a file and to the cell output,
printing the repr of every public object, verbose tracebacks (``capture_locals=True``
and ``%xmode Verbose``) and the views' snapshots. The executed notebook (outputs and
widget state) and the log file are then scanned for the keys, raw, URL-encoded and in
base64 (alone, as ``user:key``, and embedded at any alignment).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from insta_nb.simulator import Faults, Simulator, SimulatorSettings
from tests.harness.notebooks import make_notebook, widget_state
from tests.harness.pytest_support import NotebookRunner
from tests.harness.secrets_scan import scan_for_secrets

pytestmark = [pytest.mark.notebook, pytest.mark.timeout(180)]

USERNAME = "reliability.ops"


@dataclass
class Keys:
    full: str
    read_only: str
    wrong: str

    def all(self) -> list[str]:
        return [self.full, self.read_only, self.wrong]


@pytest.fixture(scope="module")
def keys() -> Keys:
    # Random per run, so that no file in the tree can contain them by accident.
    return Keys(*(f"ik-{secrets.token_urlsafe(24)}" for _ in range(3)))


@pytest.fixture(scope="module")
def served(keys: Keys) -> Iterator[tuple[Simulator, str]]:
    sim = Simulator(
        settings=SimulatorSettings(
            username=USERNAME,
            api_key=keys.full,
            read_only_key=keys.read_only,
            interval=0.05,
            speed=400,
        )
    )
    with sim.serve() as url:
        yield sim, url
    assert sim.app_errors == []


PRELUDE = [
    # Everything at DEBUG from the root logger: to a file, and into the notebook itself.
    "import logging, sys, traceback\n"
    "logging.basicConfig(level=logging.DEBUG, force=True, handlers=[\n"
    "    logging.FileHandler('debug.log'), logging.StreamHandler(sys.stdout)])\n"
    "logging.getLogger('asyncio').setLevel(logging.INFO)\n",
    "def verbose(exc):\n"
    "    # What a verbose traceback shows: every frame's locals, the whole chain.\n"
    "    print(''.join(traceback.TracebackException(\n"
    "        type(exc), exc, exc.__traceback__, capture_locals=True, compact=False).format()))\n",
    "import insta_nb\n"
    "from insta_nb import BundleSpec, ClusterSpec, FirewallRuleSpec, ProviderSpec\n"
    "from insta_nb import RackAllocation\n"
    "def spec(name, **kw):\n"
    "    return ClusterSpec(cluster_name=name,\n"
    "        bundles=(BundleSpec('APACHE_CASSANDRA', '4.0.1'),),\n"
    "        provider=ProviderSpec('AWS_VPC'), data_centre='US_WEST_2', node_size='t3.small-v2',\n"
    "        rack_allocation=RackAllocation(3, 1), cluster_network='10.224.0.0/16', **kw)\n",
]

REPRS = (
    "import insta_nb.engine, insta_nb.service, insta_nb.widgets, insta_nb.credentials\n"
    "from insta_nb.credentials import Credentials\n"
    "objects = [getattr(m, n) for m in (insta_nb, insta_nb.engine, insta_nb.service,\n"
    "           insta_nb.widgets, insta_nb.credentials) for n in m.__all__]\n"
    "client = session.backend.client\n"
    "objects += [session, session.sync, client, client._http._credentials,\n"
    "            client._http._http, client._http._http.auth, session.runner,\n"
    "            session.runner.engine, session.runner.thread, session.service,\n"
    "            session.service.inventory, session.service.operations, session.rows(),\n"
    "            session.engine_snapshot(), Credentials.resolve(), Credentials.from_env(),\n"
    "            Credentials.resolve().api_key, vars(session), vars(client),\n"
    "            vars(client._http._credentials), session.dataframe()]\n"
    "for obj in objects:\n"
    "    print(repr(obj)); print(str(obj)); print(f'{obj!s:>10}')\n"
)


def executed(
    run_notebook: NotebookRunner,
    tmp_path: Path,
    cells: list[str],
    env: dict[str, str],
) -> tuple[Path, list[Path]]:
    """Run the notebook; return the saved copy and the files to scan."""
    saved = tmp_path / "executed.ipynb"
    nb = make_notebook([*PRELUDE, *cells])
    run_notebook(nb, env=env, cwd=tmp_path, timeout=120, allow_errors=True, save_to=saved)
    log = tmp_path / "debug.log"
    assert log.exists()
    return saved, [saved, log]


def kernel_env(url: str, key: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "INSTACLUSTR_USERNAME": USERNAME,
        "INSTACLUSTR_API_KEY": key,
        "INSTACLUSTR_API_URL": url,
        "INSTACLUSTR_READ_ONLY": "",
        "INSTA_NB_INTERVAL": "0.05",
        "INSTA_NB_STATE_DIR": str(tmp_path / "state"),
        **extra,
    }


def assert_clean(files: list[Path], keys: Keys) -> None:
    hits = scan_for_secrets(files, keys.all(), usernames=[USERNAME])
    assert hits == [], "\n".join(hits)


def outputs_text(path: Path) -> str:
    return path.read_text()


def test_a_full_quickstart_leaves_no_key_anywhere(
    run_notebook: NotebookRunner,
    tmp_path: Path,
    served: tuple[Simulator, str],
    keys: Keys,
    figure: Callable[[str, object], None],
) -> None:
    """Injected: the quickstart done for real against a loopback simulator holding a
    random key: connect, dashboard (table, form, queue view) displayed and kept in the
    notebook's widget state, create, wait for RUNNING, DataFrame, firewall rule,
    delete; plus every public object's repr/str/format, the views' text and HTML
    snapshots, DEBUG logs of every logger, and a verbose traceback.
    Checked: zero hits for the full key, in any form, in the executed .ipynb (every
    output, the widget state) and the DEBUG log file."""
    _, url = served
    cells = [
        "session = insta_nb.connect()\nsession",
        "from insta_nb.widgets import dashboard, QueueView\nboard = dashboard(session)\nboard",
        "queue = QueueView(session)\nqueue",
        "cluster_id = await session.create_cluster(spec('quickstart_demo'))\ncluster_id",
        "details = await session.wait_for_status(cluster_id, timeout=120)\ndetails",
        "session.dataframe()",
        "await session.add_firewall_rule(cluster_id, FirewallRuleSpec(('CASSANDRA',),"
        " network='203.0.113.7/32'))\nawait session.list_firewall_rules(cluster_id)",
        "board.table.bridge.drain() if not board.table.bridge.loop else None\n"
        "print(board.snapshot_text()); print(board.snapshot_html())\n"
        "print(queue.snapshot_text()); print(queue.snapshot_html())",
        REPRS,
        "try:\n    await session.get_cluster('00000000-0000-0000-0000-000000000000')\n"
        "except insta_nb.InstaError as exc:\n    verbose(exc)",
        "await session.delete_cluster(cluster_id)\n(await session.get_cluster(cluster_id)).status",
        "%xmode Verbose",
        "session.sync.get_cluster('00000000-0000-0000-0000-000000000000')",
    ]
    saved, files = executed(run_notebook, tmp_path, cells, kernel_env(url, keys.full, tmp_path))
    text = outputs_text(saved)
    assert "RUNNING" in text
    assert "NotFoundError" in text
    log = (tmp_path / "debug.log").read_text()
    assert "DEBUG" in log
    assert "httpcore" in log  # the noisiest loggers were on
    assert " = " in text  # locals of verbose tracebacks are there to be scanned
    # A control: the same scan finds the key once it is there.
    (tmp_path / "control.txt").write_text(f"{USERNAME}:{keys.full}")
    assert scan_for_secrets([tmp_path / "control.txt"], keys.all(), usernames=[USERNAME])
    assert_clean(files, keys)
    figure("bytes scanned", sum(f.stat().st_size for f in files))
    figure("widget models saved", len(widget_state(_read(saved))))


def _read(path: Path) -> object:
    import nbformat

    return nbformat.read(path, as_version=4)


ERROR_CELLS = [
    "session = insta_nb.connect()\nsession",
    "from insta_nb.widgets import dashboard\nboard = dashboard(session)\nboard",
    # Creates under faults: some are reconciled, some not created; every error verbose.
    "import asyncio\n"
    "async def attempt(coro):\n"
    "    try:\n        return await coro\n"
    "    except insta_nb.InstaError as exc:\n        verbose(exc); return exc\n"
    "results = [await attempt(session.create_cluster(spec(f'faulty_{i}'))) for i in range(4)]\n"
    "results",
    "await attempt(session.create_cluster(spec('bad name!')))\n"
    "await attempt(session.create_cluster(spec('x', cluster_network='::1/64')))\n"
    "await attempt(session.get_cluster('../../etc/passwd'))\n"
    "await attempt(session.delete_cluster('00000000-0000-0000-0000-000000000000'))\n"
    "await attempt(session.add_firewall_rule('00000000-0000-0000-0000-000000000000',\n"
    "    FirewallRuleSpec(('CASSANDRA',), network='not a cidr')))",
    # A URL where nothing listens: connect errors through httpx and httpcore.
    "nowhere = insta_nb.connect(api_url='http://127.0.0.1:9')\n"
    "await attempt(nowhere.list_clusters())\nnowhere",
    "print(board.snapshot_text()); print(board.snapshot_html())",
    REPRS,
    "%xmode Verbose",
    "nowhere.sync.list_clusters()",
    "session.sync.create_cluster(spec('bad name!'))",
    "session.sync.get_cluster('00000000-0000-0000-0000-000000000000')",
]


def test_an_error_heavy_session_leaves_no_key_anywhere(
    run_notebook: NotebookRunner,
    tmp_path: Path,
    served: tuple[Simulator, str],
    keys: Keys,
) -> None:
    """Injected: the same loopback simulator with every fault on (drops before and after
    apply, 5xx bursts, lost create responses, a 429 storm) while the notebook creates
    clusters, sends invalid specs and ids, talks to a port where nothing listens, and
    lets errors reach the cell with ``%xmode Verbose``; every caught error is also
    printed with ``capture_locals=True``.
    Checked: zero hits for any key in the executed .ipynb and the DEBUG log."""
    sim, url = served
    now = sim.clock.monotonic()
    sim.faults = Faults(
        drop_rate=0.15,
        drop_after_apply=0.5,
        error_rate_5xx=0.15,
        error_after_apply=0.5,
        lose_create_response=0.3,
        storm_429=[(now + 1.0, now + 2.0)],
    )
    try:
        saved, files = executed(
            run_notebook, tmp_path, ERROR_CELLS, kernel_env(url, keys.full, tmp_path)
        )
    finally:
        sim.faults = Faults()
    text = outputs_text(saved)
    assert "ConnectError" in text
    assert "ValidationError" in text
    assert_clean(files, keys)


@pytest.mark.parametrize("which", ["wrong key", "read-only key"])
def test_rejected_and_read_only_keys_leave_no_trace(
    which: str,
    run_notebook: NotebookRunner,
    tmp_path: Path,
    served: tuple[Simulator, str],
    keys: Keys,
) -> None:
    """Injected: a kernel whose environment holds a wrong key (every call answered 401),
    or the read-only key (every mutation refused locally); errors printed verbose and
    left to reach the cell under ``%xmode Verbose``; every repr; DEBUG logs.
    Checked: zero hits for any of the three keys; the read-only session sent no
    mutation."""
    _, url = served
    key, extra = (
        (keys.wrong, {})
        if which == "wrong key"
        else (keys.read_only, {"INSTACLUSTR_READ_ONLY": "1"})
    )
    cells = [
        "session = insta_nb.connect()\nsession",
        "import asyncio\n"
        "async def attempt(coro):\n"
        "    try:\n        return await coro\n"
        "    except insta_nb.InstaError as exc:\n        verbose(exc); return exc\n"
        "await attempt(session.list_clusters())\n"
        "await attempt(session.create_cluster(spec('refused')))\n"
        "await attempt(session.delete_cluster('00000000-0000-0000-0000-000000000000'))",
        "from insta_nb.widgets import dashboard\nboard = dashboard(session)\nboard",
        "print(board.snapshot_text())",
        REPRS,
        "%xmode Verbose",
        "session.sync.create_cluster(spec('refused'))",
        "session.sync.list_clusters()",
    ]
    saved, files = executed(run_notebook, tmp_path, cells, kernel_env(url, key, tmp_path, **extra))
    text = outputs_text(saved)
    expected = "AuthenticationError" if which == "wrong key" else "ReadOnlyKeyError"
    assert expected in text
    assert_clean(files, keys)

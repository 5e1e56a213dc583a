"""Start and stop a real JupyterLab 4, Notebook 7 or Voila server on loopback, isolated.

Every server gets its own port, token, root directory and Jupyter config/data/runtime/
workspace directories, so nothing from the developer's own Jupyter setup (settings, saved
workspaces, user-level extensions) leaks into a test, and nothing a test does leaks out.
The process runs in its own session so it can be stopped as a group; kernels start in
sessions of their own (jupyter_client does that), so leftovers are found by their
connection files, which live in our private runtime directory.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from insta_nb.config import ENV_ADDRESS_ECHO_URL

App = Literal["lab", "notebook", "voila"]

HOST = "127.0.0.1"

# The news toast and the update check would both make the *server* fetch from the internet.
DISABLED_EXTENSIONS: tuple[str, ...] = ("@jupyterlab/apputils-extension:announcements",)
DEFAULT_LAB_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
DARK_THEME_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
}

_MODULES: dict[App, str] = {"lab": "jupyterlab", "notebook": "notebook", "voila": "voila"}
_APP_CLASSES: dict[App, str] = {"lab": "LabApp", "notebook": "JupyterNotebookApp"}

_live_servers: weakref.WeakSet[JupyterServer] = weakref.WeakSet()


class JupyterStartError(RuntimeError):
    """The server did not come up; the message carries the tail of its log."""


@dataclass(eq=False)
class JupyterServer:
    """A running Jupyter server; use `stop()` (or `with`) to end it and its kernels.

    Attributes:
        app: "lab" (JupyterLab 4), "notebook" (Notebook 7) or "voila" (standalone Voila,
            serving root_dir as a tree: each page load runs the notebook in a new kernel).
        port: TCP port on 127.0.0.1.
        token: the random auth token.
        root_dir: the directory the server serves (notebooks are copied here).
        base_dir: holds root_dir, the Jupyter directories and the log.
        log_path: combined stdout/stderr of the server process.
    """

    app: App
    port: int
    token: str
    root_dir: Path
    base_dir: Path
    log_path: Path
    _process: subprocess.Popen[bytes]
    _log_file: IO[bytes]
    _owns_base_dir: bool
    _final_log: str | None = field(default=None, repr=False)

    # -- addresses ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>` without a trailing slash."""
        return f"http://{HOST}:{self.port}"

    @property
    def runtime_dir(self) -> Path:
        """The private JUPYTER_RUNTIME_DIR (kernel connection files live here)."""
        return self.base_dir / "jupyter" / "runtime"

    def url(self, path: str, query: str = "") -> str:
        """Absolute URL for `path` with the token appended (`query` is added before it)."""
        prefix = f"{query}&" if query else ""
        return f"{self.base_url}/{path.lstrip('/')}?{prefix}token={self.token}"

    def notebook_url(self, notebook: str, *, workspace: str | None = None) -> str:
        """URL that opens `notebook` (relative to root_dir) in this server's app.

        For JupyterLab it is a fresh, reset workspace, so no earlier tab is restored; for
        Voila, loading it runs the notebook.
        """
        quoted = urllib.parse.quote(notebook)
        if self.app == "notebook":
            return self.url(f"notebooks/{quoted}")
        if self.app == "voila":
            return self.url(f"voila/render/{quoted}")
        name = workspace or f"t{uuid.uuid4().hex[:12]}"
        return self.url(f"lab/workspaces/{name}/tree/{quoted}", query="reset")

    # -- REST --------------------------------------------------------------------------

    def api(self, method: str, path: str, body: Any = None, *, timeout: float = 10.0) -> Any:
        """Call the server's REST API (`path` like "/api/kernels"); returns decoded JSON."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}/{path.lstrip('/')}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with _opener().open(request, timeout=timeout) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def kernels(self) -> list[dict[str, Any]]:
        """The kernels the server is running (id, name, execution_state, ...).

        Voila has no kernels API: its kernels end with the page or the server.
        """
        if self.app == "voila":
            return []
        result: list[dict[str, Any]] = self.api("GET", "/api/kernels")
        return result

    # -- log and lifetime --------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True while the server process is alive."""
        return self._process.poll() is None

    def log_text(self) -> str:
        """The whole server log so far (still available after `stop()`)."""
        if self._final_log is not None:
            return self._final_log
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")
        return ""

    def log_tail(self, lines: int = 60) -> str:
        """The last `lines` lines of the server log, for failure messages."""
        return "\n".join(self.log_text().splitlines()[-lines:])

    def stop(self, timeout: float = 10.0) -> None:
        """Stop kernels and the server: REST shutdown, SIGTERM to the group, then SIGKILL.

        Idempotent. Afterwards kernel processes still holding one of our connection files
        are killed too, and a temporary base_dir is removed (the log text is kept).
        """
        if self._final_log is not None:
            return
        try:
            if self.running:
                self._shutdown_kernels()
            _stop_process_group(self._process, timeout)
            _kill_orphans(self.runtime_dir)
        finally:
            self._log_file.close()
            self._final_log = ""
            with contextlib.suppress(OSError):
                self._final_log = self.log_path.read_text(errors="replace")
            _live_servers.discard(self)
            if self._owns_base_dir:
                shutil.rmtree(self.base_dir, ignore_errors=True)

    def kernel_pids(self) -> list[int]:
        """Live processes (kernels) holding a connection file of this server's runtime dir.

        Empty after `stop()`: tests can assert that nothing outlived the server.
        """
        # Voila names the runtime dir on its own command line: it is the server, not a kernel.
        return [pid for pid in _pids_mentioning(self.runtime_dir) if pid != self._process.pid]

    def _shutdown_kernels(self) -> None:
        # Polite first: kernels stopped through the API exit cleanly and fast.
        with contextlib.suppress(OSError, ValueError):
            for kernel in self.kernels():
                with contextlib.suppress(OSError, ValueError):
                    self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=5.0)

    def __enter__(self) -> JupyterServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_jupyter_server(
    app: App = "lab",
    *,
    files: Iterable[Path | str] = (),
    base_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    lab_settings: Mapping[str, Mapping[str, Any]] | None = None,
    extra_args: Iterable[str] = (),
    startup_timeout: float = 60.0,
) -> JupyterServer:
    """Start JupyterLab (`app="lab"`) or Notebook 7 (`app="notebook"`) and wait until ready.

    Args:
        app: which frontend to serve.
        files: notebooks (or any files/directories) copied into the served root directory.
        base_dir: where to put root, Jupyter dirs and the log (e.g. pytest's tmp_path, which
            pytest keeps for inspection). Default: a temporary directory removed on stop.
        env: extra environment variables for the server and therefore its kernels
            (e.g. `INSTACLUSTR_API_URL` of a loopback simulator).
        lab_settings: user settings per plugin id, merged over the defaults (which switch
            off news and update checks); e.g. `DARK_THEME_SETTINGS`.
        extra_args: more command-line arguments for the server.
        startup_timeout: seconds to wait for `/api/status` to answer.

    Returns:
        The running server. The caller must `stop()` it.

    Raises:
        JupyterStartError: the server exited or did not answer in time.
    """
    owns = base_dir is None
    base = Path(tempfile.mkdtemp(prefix="insta_nb-jupyter-")) if base_dir is None else base_dir
    try:
        root = base / "root"
        root.mkdir(parents=True, exist_ok=True)
        for source in files:
            _copy_into(Path(source), root)
        server_env = _prepare_jupyter_dirs(base, app, env, lab_settings)
        last_error: JupyterStartError | None = None
        # A port that was free when probed can be taken before the server binds it.
        for _attempt in range(3):
            try:
                return _launch(app, base, root, server_env, list(extra_args), startup_timeout, owns)
            except _PortTaken as error:
                last_error = JupyterStartError(str(error))
        assert last_error is not None
        raise last_error
    except BaseException:
        if owns:
            shutil.rmtree(base, ignore_errors=True)
        raise


@contextlib.contextmanager
def jupyter_server(app: App = "lab", **kwargs: Any) -> Iterator[JupyterServer]:
    """Context-manager form of `start_jupyter_server` (same arguments)."""
    server = start_jupyter_server(app, **kwargs)
    try:
        yield server
    finally:
        server.stop()


# -- internals -------------------------------------------------------------------------


class _PortTaken(Exception):
    pass


def _opener() -> urllib.request.OpenerDirector:
    # Never route loopback calls through a proxy from the environment.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _copy_into(source: Path, root: Path) -> None:
    target = root / source.name
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)


def _prepare_jupyter_dirs(
    base: Path,
    app: App,
    env: Mapping[str, str] | None,
    lab_settings: Mapping[str, Mapping[str, Any]] | None,
) -> dict[str, str]:
    jupyter = base / "jupyter"
    dirs = {
        "JUPYTER_CONFIG_DIR": jupyter / "config",
        "JUPYTER_DATA_DIR": jupyter / "data",
        "JUPYTER_RUNTIME_DIR": jupyter / "runtime",
        "JUPYTERLAB_WORKSPACES_DIR": jupyter / "workspaces",
        "JUPYTERLAB_SETTINGS_DIR": jupyter / "settings",
        "IPYTHONDIR": jupyter / "ipython",
    }
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    config = dirs["JUPYTER_CONFIG_DIR"]
    # Written directly: `jupyter labextension disable` without --level=user would write
    # into the shared venv's etc/jupyter instead of our private config directory.
    (config / "labconfig").mkdir(exist_ok=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": dict.fromkeys(DISABLED_EXTENSIONS, True)})
    )
    lab_config = {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
        # The default ("pypi") manager queries PyPI when the sidebar lists extensions.
        "extension_manager": "readonly",
    }
    server_config = {
        "LabApp": lab_config,
        # The language-server extension probes npm and friends at start: noise for tests.
        "ServerApp": {"jpserver_extensions": {"jupyter_lsp": False}},
    }
    (config / "jupyter_server_config.json").write_text(json.dumps(server_config))
    settings = {**DEFAULT_LAB_SETTINGS, **(lab_settings or {})}
    for plugin_id, values in settings.items():
        package, _, plugin = plugin_id.partition(":")
        target = dirs["JUPYTERLAB_SETTINGS_DIR"] / package / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    server_env = dict(os.environ)
    server_env.update({name: str(path) for name, path in dirs.items()})
    server_env["NO_PROXY"] = server_env["no_proxy"] = f"{HOST},localhost"
    server_env["PYTHONUNBUFFERED"] = "1"
    # "My address" in a kernel of ours asks a dead loopback port, never the real echo.
    server_env.setdefault(ENV_ADDRESS_ECHO_URL, "http://127.0.0.1:9/")
    server_env.update(env or {})
    return server_env


def _launch(
    app: App,
    base: Path,
    root: Path,
    env: dict[str, str],
    extra_args: list[str],
    startup_timeout: float,
    owns_base_dir: bool,
) -> JupyterServer:
    port = _free_port()
    token = secrets.token_hex(16)
    log_path = base / f"jupyter-{app}-{port}.log"
    command = [
        sys.executable,
        "-m",
        _MODULES[app],
        "--no-browser",
        *_app_args(app, port, token, root, base),
        *extra_args,
    ]
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        command,
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    # The base dir is not handed over until the server is up: a retry reuses it.
    server = JupyterServer(app, port, token, root, base, log_path, process, log_file, False)
    _live_servers.add(server)
    try:
        _wait_ready(server, startup_timeout)
    except BaseException:
        tail = server.log_tail()
        server.stop()
        if "already in use" in tail:
            raise _PortTaken(f"port {port} was taken:\n{tail}") from None
        raise
    server._owns_base_dir = owns_base_dir
    return server


def _app_args(app: App, port: int, token: str, root: Path, base: Path) -> list[str]:
    if app == "voila":
        return [
            f"--Voila.ip={HOST}",
            f"--Voila.port={port}",
            "--Voila.port_retries=0",
            f"--token={token}",
            # Voila keeps connection files under the system temp dir by default: ours must
            # be in runtime_dir, where `kernel_pids` and the orphan sweep look for them.
            f"--Voila.connection_dir_root={base / 'jupyter' / 'runtime'}",
            "--VoilaConfiguration.show_tracebacks=True",
            str(root),
        ]
    app_class = _APP_CLASSES[app]
    return [
        "--allow-root",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
        f"--{app_class}.expose_app_in_browser=True",
    ]


def _wait_ready(server: JupyterServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    # Voila has no REST API: its tree page answers once it serves.
    status_path = "" if server.app == "voila" else "api/status"
    status_url = f"{server.base_url}/{status_path}?token={server.token}"
    opener = _opener()
    while time.monotonic() < deadline:
        if not server.running:
            raise JupyterStartError(
                f"jupyter {server.app} exited with {server._process.returncode}:\n"
                f"{server.log_tail()}"
            )
        with contextlib.suppress(OSError), opener.open(status_url, timeout=2.0) as response:
            if response.status == 200:
                return
        time.sleep(0.1)
    raise JupyterStartError(
        f"jupyter {server.app} did not answer within {timeout:.0f} s:\n{server.log_tail()}"
    )


def _stop_process_group(process: subprocess.Popen[bytes], timeout: float) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout)
    # Even after a clean exit, helpers left in the group must not outlive the test.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout)


def _pids_mentioning(runtime_dir: Path) -> list[int]:
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    marker = str(runtime_dir).encode()
    pids: list[int] = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if marker in (entry / "cmdline").read_bytes() and _alive(int(entry.name)):
                pids.append(int(entry.name))
    return pids


def _kill_orphans(runtime_dir: Path) -> None:
    """Kill kernels whose command line names a connection file in our runtime dir."""
    victims = _pids_mentioning(runtime_dir)
    for pid in victims:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            # Kernels lead their own session; take any children they started with them.
            if os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5.0
    while victims and time.monotonic() < deadline:
        victims = [pid for pid in victims if _alive(pid)]
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    # A killed orphan may linger as a zombie until its new parent reaps it: that is dead.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@atexit.register
def _stop_leftovers() -> None:
    for server in list(_live_servers):
        with contextlib.suppress(Exception):
            server.stop(timeout=5.0)

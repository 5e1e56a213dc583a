"""Serving the simulator over real HTTP with uvicorn: in a daemon thread, or in front.

The socket is bound here, before uvicorn starts, so that port 0 yields a free port
whose number is known at once, and a busy port fails in the caller's thread. The
default host is 127.0.0.1: another interface is used only when a caller asks for it.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

from insta_nb.simulator.gate import DELIBERATE_DROP

__all__ = ["bind", "run_foreground", "serve_in_thread", "url_for"]

_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 10.0


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (0 picks a free port)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    # The protocol must be IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted
    # connections only then, and without it every keep-alive response waits ~40 ms.
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def url_for(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket (IPv6 hosts in brackets)."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _QuietDeliberateDrops(logging.Filter):
    """Drops uvicorn's error record about a response the gate left unfinished on purpose.

    It reads a context variable set by the gate in the very task that dropped the
    connection, so any other application's errors pass untouched.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not DELIBERATE_DROP.get()


_QUIET = _QuietDeliberateDrops()


def _config(app: ASGIApp, *, in_thread: bool, access_log: bool = False) -> uvicorn.Config:
    # addFilter ignores a filter already present: serving twice adds it once.
    logging.getLogger("uvicorn.error").addFilter(_QUIET)
    return uvicorn.Config(
        app,
        # Fixed choices: the connection-drop fault relies on h11's behaviour.
        http="h11",
        loop="asyncio",
        lifespan="off",
        # In a thread, never reconfigure the host process's logging.
        log_config=None if in_thread else uvicorn.config.LOGGING_CONFIG,
        log_level="info" if access_log else "warning",
        access_log=access_log,
        timeout_graceful_shutdown=1,
    )


@contextlib.contextmanager
def serve_in_thread(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` from a daemon thread; yields the base URL; stops on exit."""
    sock = bind(host, port)
    server = uvicorn.Server(_config(app, in_thread=True))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="insta_nb-simulator", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the simulator's HTTP server did not start")
            # A real server thread is starting: this is real time, not simulated time.
            time.sleep(0.005)
        yield url_for(sock)
    finally:
        server.should_exit = True
        thread.join(_STOP_TIMEOUT)
        sock.close()


def run_foreground(app: ASGIApp, sock: socket.socket, *, access_log: bool = False) -> None:
    """Serve ``app`` on ``sock`` until interrupted (Ctrl-C or SIGTERM)."""
    uvicorn.Server(_config(app, in_thread=False, access_log=access_log)).run(sockets=[sock])

"""A loopback stand-in for the address echo behind "My address" (checkip.amazonaws.com).

Serves on 127.0.0.1 from a thread: answers each GET with `body` and `status` after
`delay` seconds, and counts what it was asked. Point `INSTA_NB_ADDRESS_ECHO_URL` at its
`url` (the kernel of a browser test inherits it from the server's environment).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class AddressEcho:
    """What the stand-in answers, and what it was asked; change the answer at any time."""

    body: bytes = b"203.0.113.7\n"
    status: int = 200
    delay: float = 0.0
    #: When set, each answer waits until the test sets it (at most 60 s): a lookup that
    #: stays in flight for exactly as long as the test needs.
    gate: threading.Event | None = None
    url: str = ""
    paths: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        """How many GETs arrived."""
        return len(self.paths)


@contextmanager
def address_echo(body: bytes = b"203.0.113.7\n") -> Iterator[AddressEcho]:
    """Serve an `AddressEcho` on 127.0.0.1 until the block ends."""
    echo = AddressEcho(body=body)
    closing = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            echo.paths.append(self.path)
            # A slow service, in the stand-in's own thread; cut short when the block ends.
            if echo.delay and closing.wait(echo.delay):
                return
            if echo.gate is not None:
                echo.gate.wait(60)
                if closing.is_set():
                    return
            try:
                self.send_response(echo.status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(echo.body)))
                self.end_headers()
                self.wfile.write(echo.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting: that is what a timeout test wants

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet test output

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    echo.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="address-echo",
        daemon=True,
    )
    thread.start()
    try:
        yield echo
    finally:
        closing.set()
        if echo.gate is not None:
            echo.gate.set()
        server.shutdown()
        server.server_close()

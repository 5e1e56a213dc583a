"""Drive a real IPython kernel cell by cell (jupyter_client), with cell ids and interrupts.

nbclient runs a notebook from top to bottom; the interruption scenarios need more: run
one cell id twice, interrupt a cell while it waits, and read what the kernel printed.
"""

from __future__ import annotations

import json
import os
import queue
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.manager import KernelManager

__all__ = ["Kernel", "Reply"]

_MARK = "@@json@@"


@dataclass
class Reply:
    """What one execute request produced."""

    status: str
    ename: str | None
    text: str
    values: list[Any] = field(default_factory=list)
    traceback: list[str] = field(default_factory=list)

    @property
    def value(self) -> Any:
        """The last value the cell emitted with ``emit(...)``."""
        assert self.values, f"the cell emitted nothing: {self.text}{self.traceback}"
        return self.values[-1]


class Kernel:
    """One python3 kernel; ``emit(obj)`` is defined in it to send JSON back."""

    def __init__(self, cwd: Path, env: Mapping[str, str] | None = None) -> None:
        self.manager = KernelManager(kernel_name="python3")
        self.manager.start_kernel(cwd=str(cwd), env={**os.environ, **(env or {})})
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.run(
            "import json as _json\n"
            f"def emit(obj):\n    print({_MARK!r} + _json.dumps(obj, default=str), flush=True)\n"
        )

    def run(
        self,
        code: str,
        *,
        cell_id: str | None = None,
        timeout: float = 30.0,
        interrupt_when: str | None = None,
    ) -> Reply:
        """Execute ``code`` (as cell ``cell_id``); interrupt once ``interrupt_when`` is printed."""
        metadata = {"cellId": cell_id} if cell_id else {}
        content = {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": False,
        }
        msg = self.client.session.msg("execute_request", content, metadata=metadata)
        self.client.shell_channel.send(msg)
        msg_id = msg["header"]["msg_id"]
        deadline = time.monotonic() + timeout
        text: list[str] = []
        tb: list[str] = []
        interrupted = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"cell did not finish in {timeout} s: {''.join(text)}")
            try:
                io = self.client.get_iopub_msg(timeout=min(left, 1.0))
            except queue.Empty:
                continue
            if io["parent_header"].get("msg_id") != msg_id:
                continue
            kind, body = io["msg_type"], io["content"]
            if kind == "stream":
                text.append(body["text"])
                if interrupt_when and not interrupted and interrupt_when in "".join(text):
                    self.manager.interrupt_kernel()
                    interrupted = True
            elif kind in ("execute_result", "display_data"):
                text.append(body["data"].get("text/plain", "") + "\n")
            elif kind == "error":
                tb = body["traceback"]
            elif kind == "status" and body["execution_state"] == "idle":
                break
        reply = self.client.get_shell_msg(timeout=max(1.0, deadline - time.monotonic()))
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.client.get_shell_msg(timeout=max(1.0, deadline - time.monotonic()))
        joined = "".join(text)
        values = [
            json.loads(line[len(_MARK) :]) for line in joined.splitlines() if line.startswith(_MARK)
        ]
        plain = "\n".join(line for line in joined.splitlines() if not line.startswith(_MARK))
        return Reply(reply["content"]["status"], reply["content"].get("ename"), plain, values, tb)

    def ok(self, code: str, **kwargs: Any) -> Reply:
        """:meth:`run`, asserting the cell did not raise."""
        reply = self.run(code, **kwargs)
        assert reply.status == "ok", "\n".join([reply.text, *reply.traceback])
        return reply

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)

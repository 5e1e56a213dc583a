"""One process of the shared-budget tests (run as a script by test_processes.py).

Usage: ``python worker.py URL STATE_DIR BUDGET_KEY INTERVAL COUNT SHARED DEADLINE``

Credentials come from ``INSTACLUSTR_USERNAME`` / ``INSTACLUSTR_API_KEY`` through
:meth:`Credentials.resolve`, as in any user's process. The worker builds its own
engine, prints ``ready``, waits for ``go`` on stdin (so that start-up time does not
separate the processes), sends COUNT list calls at once, and prints one JSON report.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from insta_nb.backends.v1 import ApiClient
from insta_nb.config import EngineSettings
from insta_nb.credentials import Credentials
from insta_nb.engine import Engine, JobKind, Request


async def run(creds: Credentials, settings: EngineSettings, count: int, deadline: float) -> Any:
    engine = Engine(settings)
    spans: list[
        tuple[float, float]
    ] = []  # wall-clock (send, response): comparable across processes
    errors: list[str] = []
    async with ApiClient(creds, timeout=settings.request_timeout) as client:

        async def call() -> object:
            sent = time.time()
            try:
                return await client.list_clusters()
            finally:
                spans.append((sent, time.time()))

        async def one() -> None:
            request = Request(call=call, kind=JobKind.READ, label="list", idempotent=True)
            try:
                await engine.run(request)
            except Exception as exc:
                errors.append(type(exc).__name__)

        try:
            await asyncio.wait_for(asyncio.gather(*(one() for _ in range(count))), deadline)
        except TimeoutError:
            errors.append("deadline")
        await engine.aclose()
    return {
        "succeeded": engine.succeeded,
        "sent": engine.sent,
        "rejected_429": engine.rejected_429,
        "errors": errors,
        "spans": spans,
    }


def main(argv: list[str]) -> int:
    url, state_dir, key, interval, count, shared, deadline = argv
    creds = Credentials.resolve(api_url=url)
    if creds is None:
        print("no credentials in the environment", file=sys.stderr)
        return 2
    settings = EngineSettings(
        shared_slots=shared == "1", state_dir=Path(state_dir), budget_key=key
    ).scaled(float(interval))
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 3
    report = asyncio.run(run(creds, settings, int(count), float(deadline)))
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

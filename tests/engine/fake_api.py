"""A scripted stand-in for the API, for engine tests: records when each attempt arrives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from insta_nb.engine import JobKind, Request
from insta_nb.testing import FakeClock


@dataclass
class Attempt:
    label: str
    sent: float
    answered: float


@dataclass
class FakeAPI:
    """Each call takes ``latency`` simulated seconds; ``script`` may raise per attempt."""

    clock: FakeClock
    latency: float = 0.05
    attempts: list[Attempt] = field(default_factory=list)
    #: label -> list of exceptions (or None for success) consumed one per attempt
    script: dict[str, list[BaseException | None]] = field(default_factory=dict)

    def call(self, label: str, result: Any = None) -> Callable[[], Awaitable[Any]]:
        async def attempt() -> Any:
            sent = self.clock.monotonic()
            await self.clock.sleep(self.latency)
            self.attempts.append(Attempt(label, sent, self.clock.monotonic()))
            outcomes = self.script.get(label)
            if outcomes:
                outcome = outcomes.pop(0)
                if outcome is not None:
                    raise outcome
            return result if result is not None else label

        return attempt

    def request(
        self,
        label: str,
        kind: JobKind = JobKind.READ,
        *,
        idempotent: bool = True,
        key: Any = None,
        owner: str | None = None,
        deadline: float | None = None,
        **flags: Any,
    ) -> Request:
        return Request(
            call=self.call(label),
            kind=kind,
            label=label,
            idempotent=idempotent,
            key=key,
            owner=owner,
            deadline=deadline,
            **flags,
        )

    def labels(self) -> list[str]:
        return [a.label for a in self.attempts]

    def gaps(self) -> list[float]:
        """Seconds between each answer and the next send (must never be below the interval)."""
        return [b.sent - a.answered for a, b in zip(self.attempts, self.attempts[1:], strict=False)]

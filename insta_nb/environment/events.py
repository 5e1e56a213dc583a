"""What an environment tells whoever watches it provision and tear down.

Every step reports ``started`` then ``done`` (or ``failed``); waits report ``progress``
in between. The CLI prints them on stderr, a notebook prints them in the cell, a test
can collect them. Listeners are called on the engine thread in the blocking form and
on the caller's loop in the async form.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

__all__ = ["EnvironmentEvent", "EventListener", "Step", "print_progress"]


class Step(enum.StrEnum):
    """The steps of an environment's life, in order."""

    CHECK = "check"
    CREATE = "create cluster"
    FIREWALL = "firewall rule"
    WAIT_PROVISIONED = "wait for data centre"
    PEERING = "VPC peering"
    WAIT_RUNNING = "wait for RUNNING"
    READY = "ready"
    TEARDOWN = "teardown"
    DELETE_PEERING = "delete VPC peering"
    DELETE_CLUSTER = "delete cluster"


@dataclass(frozen=True)
class EnvironmentEvent:
    """One step's news: ``state`` is ``started``, ``progress``, ``done`` or ``failed``."""

    environment: str
    step: Step
    state: str
    message: str = ""

    def describe(self) -> str:
        tail = f": {self.message}" if self.message else ""
        return f"[{self.environment}] {self.step.value} {self.state}{tail}"


EventListener = Callable[[EnvironmentEvent], None]


def print_progress(out: TextIO | None = None) -> EventListener:
    """A listener that prints each event as one line (stderr by default)."""

    def show(event: EnvironmentEvent) -> None:
        print(event.describe(), file=out or sys.stderr, flush=True)

    return show

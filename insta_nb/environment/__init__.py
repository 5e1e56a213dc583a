"""An environment as one unit: provision a cluster, its firewall rules and VPC peerings
in order, use it, and always tear it down.

``provision`` runs the steps on the engine thread; ``context`` gives the two ways in
from code (``async with session.environment(spec)``, ``with session.sync.environment(spec)``);
``registry`` finds environments by name from any process (``insta-nb env list``/``down``);
``records`` keeps them where other processes look; ``events`` reports each step.
"""

from __future__ import annotations

from insta_nb.environment.context import AsyncEnvironment, SyncEnvironment
from insta_nb.environment.events import EnvironmentEvent, EventListener, Step, print_progress
from insta_nb.environment.provision import Environment
from insta_nb.environment.registry import (
    EnvironmentEntry,
    list_environments,
    teardown_environment,
)
from insta_nb.environment.teardown import TeardownReport

__all__ = [
    "AsyncEnvironment",
    "Environment",
    "EnvironmentEntry",
    "EnvironmentEvent",
    "EventListener",
    "Step",
    "SyncEnvironment",
    "TeardownReport",
    "list_environments",
    "print_progress",
    "teardown_environment",
]

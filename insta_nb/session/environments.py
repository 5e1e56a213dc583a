"""A session's environments: a cluster, its rules and peerings provisioned as one unit.

The work lives in :mod:`insta_nb.environment`, which sits above the session and drives
it through its public API; it loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from insta_nb.session.core import SessionCore

if TYPE_CHECKING:
    from insta_nb.environment import (
        AsyncEnvironment,
        EnvironmentEntry,
        EventListener,
        TeardownReport,
    )
    from insta_nb.environment_spec import EnvironmentSpec
    from insta_nb.session.session import Session

__all__ = ["EnvironmentCalls"]


class EnvironmentCalls(SessionCore):
    """Provision, list and tear down environments."""

    def environment(
        self,
        spec: EnvironmentSpec,
        *,
        keep: bool = False,
        on_event: EventListener | None = None,
    ) -> AsyncEnvironment:
        """``async with session.environment(spec) as env:`` provisions, then tears down.

        Provisioning runs create → firewall rules → wait for the data centre → VPC
        peerings → wait RUNNING, reporting each step to ``on_event`` (on this loop).
        Teardown (peerings, then the cluster) always runs, whatever interrupts the block,
        and raises :class:`~insta_nb.errors.TeardownError` naming what it could not
        remove. ``keep=True`` leaves a provisioned environment up (``insta-nb env down``).
        See :mod:`insta_nb.environment.context` for interrupts.
        """
        from insta_nb.environment import AsyncEnvironment

        return AsyncEnvironment(self._whole(), spec, keep=keep, on_event=on_event)

    async def list_environments(self) -> list[EnvironmentEntry]:
        """Environments recorded on this machine for this account, with their status now."""
        from insta_nb.environment import list_environments

        return await self._on_engine(lambda: list_environments(self._whole()))

    async def teardown_environment(
        self, name: str, *, on_event: EventListener | None = None
    ) -> TeardownReport:
        """Remove the recorded environment ``name`` (made by any process): peerings, cluster."""
        from insta_nb.environment import teardown_environment

        return await self._on_engine(lambda: teardown_environment(self._whole(), name, on_event))

    def _whole(self) -> Session:
        # Environments drive every part of the session; only Session composes this one.
        return cast("Session", self)

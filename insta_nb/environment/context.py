"""``async with session.environment(spec)`` and ``with session.sync.environment(spec)``.

Both forms run the one implementation (:class:`~.provision.Provisioner`) on the engine
thread and differ only in how the caller waits:

* provisioning is cancelled by the caller's interrupt (a cancelled task, a
  ``KeyboardInterrupt``, a kernel interrupt): a queued request is dropped, a create
  already sent finishes and is torn down;
* teardown then **always** runs, as an engine task of its own that the caller's
  interrupts cannot cancel. The caller waits for it and raises
  :class:`~insta_nb.errors.TeardownError` listing what it could not remove;
* a **second** interrupt while teardown runs returns control at once with a loud
  warning naming the environment and its cluster: teardown goes on in the engine
  thread for as long as the process lives (a notebook kernel does; a script that exits
  then abandons it, and the leak guard names the clusters still up).

``keep=True`` leaves a provisioned environment up at the end (teardown still runs if
provisioning fails); ``insta-nb env down NAME`` removes it later.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType, TracebackType
from typing import TYPE_CHECKING

from insta_nb.environment.events import EnvironmentEvent, EventListener
from insta_nb.environment.provision import Environment, Provisioner
from insta_nb.environment.records import EnvironmentRecords, FileRecords, MemoryRecords
from insta_nb.environment.teardown import TeardownReport
from insta_nb.environment_spec import EnvironmentSpec

if TYPE_CHECKING:
    from insta_nb.session import Session

__all__ = ["AsyncEnvironment", "SyncEnvironment", "records_for"]

log = logging.getLogger("insta_nb")
#: Records of sessions whose API nobody outside this process can reach (embedded simulator).
_PROCESS_RECORDS = MemoryRecords()


def records_for(session: Session) -> EnvironmentRecords:
    """Where ``session``'s environments are recorded: the state directory, or memory."""
    settings = session.settings
    if not settings.shared_slots:
        return _PROCESS_RECORDS
    directory = settings.resolved_state_dir()
    try:
        shared = os.stat(directory).st_mode & 0o020
    except OSError:
        shared = 0
    return FileRecords(directory, mode=0o660 if shared else 0o600)


def _warn_teardown_continues(prov: Provisioner) -> None:
    cluster = f"cluster {prov.cluster_name}" + (f" ({prov.cluster_id})" if prov.cluster_id else "")
    log.warning(
        "insta_nb: interrupted again: NOT waiting for the teardown of environment %r any "
        "more. It goes on in the background while this process lives; still up: %s%s. "
        "Keep the kernel running until it finishes (session.sync.list_environments() shows "
        "what is left; `insta-nb env down %s` removes it from anywhere).",
        prov.name,
        cluster,
        "".join(f", VPC peering {p}" for _, p in prov.peerings),
        prov.name,
    )


@contextlib.contextmanager
def _sigint_cancels(waiter: asyncio.Future[TeardownReport]) -> Iterator[None]:
    """While waiting for teardown on the main thread, Ctrl-C stops the *wait*.

    ipykernel turns only the first interrupt of a cell into a cancellation and ignores
    the others, and ``asyncio.run`` turns each into one; either way the caller would not
    get control back, or not reliably. This handler makes every interrupt during the
    wait stop it (the teardown task itself is shielded and goes on).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    loop = asyncio.get_running_loop()

    def stop_waiting(signum: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(waiter.cancel)

    previous = signal.signal(signal.SIGINT, stop_waiting)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _Base:
    def __init__(
        self,
        session: Session,
        spec: EnvironmentSpec,
        *,
        keep: bool,
        on_event: EventListener | None,
    ) -> None:
        self._session = session
        self._spec = spec
        self._keep = keep
        self._on_event = on_event
        self._prov: Provisioner | None = None
        #: The last teardown's report (``None`` until one ran).
        self.report: TeardownReport | None = None
        #: The teardown running on the engine thread, once one started: a caller that
        #: stopped waiting (a second interrupt) may wait for it again.
        self.teardown: concurrent.futures.Future[TeardownReport] | None = None

    def still_up(self) -> list[str]:
        """What this environment made that no teardown has removed yet, in words."""
        prov = self._prov
        if prov is None or (self.report is not None and self.report.complete):
            return []
        if self.report is not None:
            return list(self.report.left)
        made = [f"VPC peering {p}" for _, p in prov.peerings]
        if prov.cluster_id is not None:
            made.append(f"cluster {prov.cluster_name} ({prov.cluster_id})")
        elif prov.create_started:
            made.append(f"cluster {prov.cluster_name} (create outcome not known yet)")
        return made

    def _provisioner(self, listener: EventListener | None) -> Provisioner:
        self._prov = Provisioner(
            self._session,
            records_for(self._session),
            name=self._spec.name,
            cluster_name=self._spec.cluster.cluster_name,
            spec=self._spec,
            on_event=listener,
        )
        return self._prov

    def _finish(self, report: TeardownReport, cause: BaseException | None) -> None:
        self.report = report
        if not report.complete:
            raise report.error() from cause


class AsyncEnvironment(_Base):
    """``async with session.environment(spec) as env:`` (see the module docstring)."""

    async def __aenter__(self) -> Environment:
        loop = asyncio.get_running_loop()
        listener: EventListener | None = None
        if self._on_event is not None:
            show = self._on_event

            def listener(event: EnvironmentEvent) -> None:
                try:
                    loop.call_soon_threadsafe(show, event)
                except RuntimeError:  # the caller's loop has closed: tell it here
                    show(event)

        prov = self._provisioner(listener)
        up = self._session.schedule(prov.up)
        try:
            return await asyncio.wrap_future(up)
        except BaseException as exc:
            up.cancel()  # a KeyboardInterrupt in this thread does not cancel it by itself
            await self._teardown(exc)
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._keep:
            log.info("insta_nb: environment %r kept up", self._spec.name)
            return
        await self._teardown(exc)

    async def _teardown(self, cause: BaseException | None) -> None:
        assert self._prov is not None
        down = self.teardown = self._session.schedule(self._prov.down)
        waiter = asyncio.ensure_future(asyncio.shield(asyncio.wrap_future(down)))
        try:
            with _sigint_cancels(waiter):
                report = await waiter
        except (asyncio.CancelledError, KeyboardInterrupt):
            _warn_teardown_continues(self._prov)
            raise
        self._finish(report, cause)


class SyncEnvironment(_Base):
    """``with session.sync.environment(spec) as env:`` (see the module docstring).

    Events are delivered on the engine thread.
    """

    def __enter__(self) -> Environment:
        prov = self._provisioner(self._on_event)
        up = self._session.schedule(prov.up)
        try:
            return up.result()
        except BaseException as exc:
            up.cancel()
            self._teardown(exc)
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._keep:
            log.info("insta_nb: environment %r kept up", self._spec.name)
            return
        self._teardown(exc)

    def _teardown(self, cause: BaseException | None) -> None:
        assert self._prov is not None
        down = self.teardown = self._session.schedule(self._prov.down)
        try:
            report = down.result()
        except KeyboardInterrupt:
            _warn_teardown_continues(self._prov)
            raise
        self._finish(report, cause)

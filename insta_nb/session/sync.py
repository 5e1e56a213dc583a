"""``session.sync``: every coroutine of :class:`~insta_nb.session.Session`, blocking.

Each twin is declared once, ``name = blocking(Session.name)``, and typed from the
coroutine it wraps (a test checks none is missing; ``tests/typing/`` is checked by
mypy). The call runs on the engine thread like the coroutine; the caller's thread
waits for it.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Concatenate, Generic, ParamSpec, TypeVar, overload

from insta_nb import errors
from insta_nb.session.session import Session

if TYPE_CHECKING:
    from insta_nb.environment import EventListener, SyncEnvironment
    from insta_nb.environment_spec import EnvironmentSpec

__all__ = ["SyncSession", "blocking"]

T = TypeVar("T")
P = ParamSpec("P")


class _Blocking(Generic[P, T]):
    """The blocking twin of a :class:`Session` coroutine method, typed from it."""

    def __init__(self, method: Callable[Concatenate[Session, P], Awaitable[T]]) -> None:
        self._method = method

    @overload
    def __get__(self, obj: None, owner: type[SyncSession]) -> _Blocking[P, T]: ...

    @overload
    def __get__(self, obj: SyncSession, owner: type[SyncSession]) -> Callable[P, T]: ...

    def __get__(
        self, obj: SyncSession | None, owner: type[SyncSession]
    ) -> _Blocking[P, T] | Callable[P, T]:
        if obj is None:
            return self
        session, method = obj._session, self._method

        @functools.wraps(method)
        def call(*args: P.args, **kwargs: P.kwargs) -> T:
            if session.runner.thread.in_loop_thread():
                raise errors.UsageError(
                    f"session.sync.{method.__name__}() was called on the engine's own "
                    "thread; use the async API (await ...) there"
                )

            async def run() -> T:
                return await method(session, *args, **kwargs)

            return session.runner.on_loop_sync(run)

        return call


def blocking(method: Callable[Concatenate[Session, P], Awaitable[T]]) -> _Blocking[P, T]:
    """Declare ``method``'s blocking twin on :class:`SyncSession`."""
    return _Blocking(method)


class SyncSession:
    """The same calls as :class:`Session`, blocking until done (``session.sync``).

    A kernel interrupt cancels a queued job; it is an error to call these from the
    engine's own thread (use ``await`` there).
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    list_clusters = blocking(Session.list_clusters)
    get_cluster = blocking(Session.get_cluster)
    create_cluster = blocking(Session.create_cluster)
    create_cluster_legacy = blocking(Session.create_cluster_legacy)
    delete_cluster = blocking(Session.delete_cluster)
    list_firewall_rules = blocking(Session.list_firewall_rules)
    add_firewall_rule = blocking(Session.add_firewall_rule)
    delete_firewall_rule = blocking(Session.delete_firewall_rule)
    list_encryption_keys = blocking(Session.list_encryption_keys)
    add_encryption_key = blocking(Session.add_encryption_key)
    delete_encryption_key = blocking(Session.delete_encryption_key)
    wait_for_status = blocking(Session.wait_for_status)
    create_vpc_peering = blocking(Session.create_vpc_peering)
    list_vpc_peerings = blocking(Session.list_vpc_peerings)
    get_vpc_peering = blocking(Session.get_vpc_peering)
    delete_vpc_peering = blocking(Session.delete_vpc_peering)
    wait_for_vpc_peering = blocking(Session.wait_for_vpc_peering)
    resize_data_centre = blocking(Session.resize_data_centre)
    resize_sizes = blocking(Session.resize_sizes)
    list_environments = blocking(Session.list_environments)
    teardown_environment = blocking(Session.teardown_environment)

    def environment(
        self,
        spec: EnvironmentSpec,
        *,
        keep: bool = False,
        on_event: EventListener | None = None,
    ) -> SyncEnvironment:
        """``with session.sync.environment(spec) as env:`` (see :meth:`Session.environment`).

        ``on_event`` is called on the engine thread. A ``KeyboardInterrupt`` stops
        provisioning and tears down; a second one while tearing down returns at once with
        a warning, the teardown going on in the background.
        """
        from insta_nb.environment import SyncEnvironment

        return SyncEnvironment(self._session, spec, keep=keep, on_event=on_event)

    def __repr__(self) -> str:
        return f"<sync {self._session!r}>"

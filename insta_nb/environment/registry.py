"""Environments by name, from any process: ``env list`` and ``env down NAME``.

The records (:mod:`.records`) say what an ``env up`` made; the API's list says what
exists. :func:`list_environments` shows each record with its cluster's status now and
drops records whose cluster is gone; :func:`teardown_environment` removes what a record
names (peerings, then the cluster), whichever process made it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from insta_nb import errors
from insta_nb.environment.context import records_for
from insta_nb.environment.events import EventListener
from insta_nb.environment.provision import Provisioner
from insta_nb.environment.teardown import TeardownReport

if TYPE_CHECKING:
    from insta_nb.session import Session

__all__ = ["EnvironmentEntry", "list_environments", "teardown_environment"]


@dataclass(frozen=True)
class EnvironmentEntry:
    """One recorded environment and its cluster's status according to the API now."""

    name: str
    cluster_name: str
    cluster_id: str | None
    #: The record's state: ``provisioning``, ``up``, ``tearing down``, ``teardown incomplete``.
    state: str
    #: The cluster's status from the API's list, ``gone`` or ``not created``.
    status: str
    peering_ids: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    #: The process that made it (``None`` once that process is gone).
    pid: int | None = None


def _key(session: Session) -> str:
    return f"{session.backend.api_url}|{session.backend.username}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


async def list_environments(session: Session) -> list[EnvironmentEntry]:
    """Recorded environments of this account, reconciled against one list of clusters."""
    records = records_for(session)
    key = _key(session)
    mine = records.all(key)
    if not mine:
        return []
    clusters = await session.list_clusters()
    by_id = {c.id: c for c in clusters}
    entries: list[EnvironmentEntry] = []
    for record in sorted(mine, key=lambda r: r.name):
        live = _alive(record.pid)
        summary = by_id.get(record.cluster_id or "")
        if summary is None and record.cluster_id is None:
            summary = next((c for c in clusters if c.name == record.cluster_name), None)
        if summary is not None:
            status = summary.status.value
        elif record.cluster_id is None:
            status = "not created"
        else:
            status = "gone"
        if status in ("gone", "not created", "DELETED") and not (
            live and record.state == "provisioning"
        ):
            records.remove(key, record.name)  # the API says nothing is left
        entries.append(
            EnvironmentEntry(
                name=record.name,
                cluster_name=record.cluster_name,
                cluster_id=record.cluster_id or (summary.id if summary else None),
                state=record.state,
                status=status,
                peering_ids=tuple(p for _, p in record.peerings),
                left=record.left,
                pid=record.pid if live else None,
            )
        )
    return entries


async def teardown_environment(
    session: Session, name: str, on_event: EventListener | None = None
) -> TeardownReport:
    """Remove the recorded environment ``name``: its peerings, then its cluster.

    Raises:
        ValidationError: no environment of that name is recorded for this account here.
        UsageError: a live process is still provisioning it (interrupt that process:
            it tears down itself).
        TeardownError: something could not be removed (listed).
    """
    records = records_for(session)
    record = records.get(_key(session), name)
    if record is None:
        raise errors.ValidationError(
            {
                "name": f"no environment named {name!r} is recorded for this account on "
                "this machine (see `insta-nb env list`)"
            }
        )
    if record.state == "provisioning" and record.pid != os.getpid() and _alive(record.pid):
        raise errors.UsageError(
            f"environment {name!r} is being provisioned by process {record.pid}: interrupt "
            "that process instead (it tears the environment down itself)"
        )
    prov = Provisioner.from_record(session, records, record, on_event)
    report = await prov.down()
    if not report.complete:
        raise report.error()
    return report

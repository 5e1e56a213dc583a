"""VPC peerings of the simulated account: records, their ``statusCode`` over time, bodies.

A peering's status is computed from clock times, like every lifecycle here:

- AWS: ``initiating-request``, then ``pending-acceptance`` until the peer account
  accepts (``provisioning``, then ``active``), rejects (``rejected``) or lets the request
  expire (``expired``).
- GCP and Azure (upper-case, GCP's published set): ``GENESIS``, then ``INACTIVE`` until
  the peer side completes its half (``PROVISIONING``, then ``ACTIVE``), or ``FAILED``
  with a ``failureReason`` when it refuses or never answers. Azure's own value set was
  not found; it follows GCP's here.
- Deleted: ``deleting`` for a while, then gone (404, absent from the list).

The peer side acts by a call (:class:`PeeringControl`, reachable as
``Simulator.peerings``) or by the time settings ``peering_accept_seconds``,
``peering_reject_seconds`` and ``peering_expire_seconds``, whichever comes first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from insta_nb.simulator.settings import SimulatorSettings

__all__ = ["PeeringBook", "PeeringControl", "PeeringRec", "render_peering"]

_AWS_STEPS = ("initiating-request", "pending-acceptance", "provisioning", "active")
_UPPER_STEPS = ("GENESIS", "INACTIVE", "PROVISIONING", "ACTIVE")
_REASONS = {
    "reject": "The peer rejected the peering request.",
    "expire": "The peering request expired before the peer accepted it.",
}


@dataclass
class PeeringRec:
    """One peering request and the times at which it moves on."""

    id: str
    cdc_id: str
    #: ``AWS_VPC``, ``GCP`` or ``AZURE_AZ`` (the data centre's create-side provider).
    provider: str
    #: The request's fields as the API echoes them (``peerVpcId``, ``peerSubnets``…).
    fields: dict[str, Any]
    created_at: float
    #: Where the cluster side lives (``vpcId``, ``projectId``, ``vNet``…), for the body.
    own: dict[str, Any] = field(default_factory=dict)
    #: Times the peer side acted by a call (``None``: it has not).
    accepted_at: float | None = None
    rejected_at: float | None = None
    expired_at: float | None = None
    deleted_at: float | None = None

    @property
    def is_aws(self) -> bool:
        return self.provider == "AWS_VPC"


class PeeringBook:
    """Every peering of the account, by id and by data centre."""

    def __init__(self, settings: SimulatorSettings, new_id: Callable[[], str]) -> None:
        self._settings = settings
        self._new_id = new_id
        self._by_id: dict[str, PeeringRec] = {}

    # --- lifecycle ---------------------------------------------------------------------

    def _decision(self, rec: PeeringRec) -> tuple[str, float] | None:
        """What the peer side did first (``accept``, ``reject``, ``expire``) and when."""
        s = self._settings
        waiting_from = rec.created_at + s.scaled(s.peering_initiating_seconds)
        candidates: list[tuple[float, str]] = [
            (rec.created_at + s.scaled(s.peering_expire_seconds), "expire")
        ]
        for when, what in (
            (rec.accepted_at, "accept"),
            (rec.rejected_at, "reject"),
            (rec.expired_at, "expire"),
        ):
            if when is not None:
                candidates.append((max(when, waiting_from), what))
        for after, what in (
            (s.peering_accept_seconds, "accept"),
            (s.peering_reject_seconds, "reject"),
        ):
            if after is not None:
                candidates.append((max(rec.created_at + s.scaled(after), waiting_from), what))
        when, what = min(candidates)
        return what, when

    def status(self, rec: PeeringRec, now: float) -> tuple[str, str | None] | None:
        """``(statusCode, failureReason)`` at ``now``; ``None`` once a deletion finished."""
        s = self._settings
        upper = not rec.is_aws
        if rec.deleted_at is not None:
            if now >= rec.deleted_at + s.scaled(s.peering_deleting_seconds):
                return None
            return ("DELETING" if upper else "deleting"), None
        steps = _UPPER_STEPS if upper else _AWS_STEPS
        if now < rec.created_at + s.scaled(s.peering_initiating_seconds):
            return steps[0], None
        decision = self._decision(rec)
        if decision is None or now < decision[1]:
            return steps[1], None
        what, when = decision
        if what == "accept":
            active = now >= when + s.scaled(s.peering_provisioning_seconds)
            return steps[3] if active else steps[2], None
        if upper:
            return "FAILED", _REASONS[what]
        return ("rejected" if what == "reject" else "expired"), None

    # --- store -------------------------------------------------------------------------

    def add(
        self,
        cdc_id: str,
        provider: str,
        fields: dict[str, Any],
        own: dict[str, Any],
        now: float,
    ) -> PeeringRec:
        rec = PeeringRec(self._new_id(), cdc_id, provider, fields, now, own)
        self._by_id[rec.id] = rec
        return rec

    def get(self, cdc_id: str, peering_id: str, now: float) -> PeeringRec | None:
        """A peering of ``cdc_id`` that still exists at ``now``."""
        rec = self._by_id.get(peering_id)
        if rec is None or rec.cdc_id != cdc_id or self.status(rec, now) is None:
            return None
        return rec

    def of(self, cdc_id: str, now: float) -> list[PeeringRec]:
        """The data centre's peerings that still exist, oldest first."""
        return [
            r
            for r in self._by_id.values()
            if r.cdc_id == cdc_id and self.status(r, now) is not None
        ]

    def delete(self, rec: PeeringRec, now: float) -> None:
        if rec.deleted_at is None:
            rec.deleted_at = now

    def find(self, peering_id: str) -> PeeringRec | None:
        return self._by_id.get(peering_id)


class PeeringControl:
    """The peer side of every peering: accept, reject or let a request expire.

    Each call acts now (on the simulator's clock) and returns whether it applied: only
    a request still waiting for the peer can be answered.
    """

    def __init__(self, book: PeeringBook, now: Callable[[], float]) -> None:
        self._book = book
        self._now = now

    def _waiting(self, peering_id: str) -> PeeringRec | None:
        rec = self._book.find(peering_id)
        if rec is None:
            return None
        status = self._book.status(rec, self._now())
        return (
            rec if status is not None and status[0] in ("pending-acceptance", "INACTIVE") else None
        )

    def accept(self, peering_id: str) -> bool:
        """The peer account accepts the request."""
        rec = self._waiting(peering_id)
        if rec is not None:
            rec.accepted_at = self._now()
        return rec is not None

    def reject(self, peering_id: str) -> bool:
        """The peer account rejects the request."""
        rec = self._waiting(peering_id)
        if rec is not None:
            rec.rejected_at = self._now()
        return rec is not None

    def expire(self, peering_id: str) -> bool:
        """The request expires unanswered, now."""
        rec = self._waiting(peering_id)
        if rec is not None:
            rec.expired_at = self._now()
        return rec is not None

    def status(self, peering_id: str) -> str | None:
        """The peering's ``statusCode`` now (``None``: unknown or gone)."""
        rec = self._book.find(peering_id)
        found = self._book.status(rec, self._now()) if rec is not None else None
        return found[0] if found else None


def render_peering(rec: PeeringRec, status: tuple[str, str | None]) -> dict[str, Any]:
    """One peering as ``GET …/vpc-peering/{cdcId}/{id}`` answers, in its cloud's shape."""
    code, reason = status
    body: dict[str, Any] = {"id": rec.id, **rec.fields, "clusterDataCentre": rec.cdc_id}
    body.update(rec.own)
    if rec.is_aws:
        connected = code in ("provisioning", "active", "deleting")
        body["aws_vpc_connection_id"] = rec.own.get("pcx") if connected else None
        body.pop("pcx", None)
        subnets = rec.fields.get("peerSubnets") or []
        # Terraform reads ``peerSubnet`` as one string (the 2019 shape), so serve that.
        body["peerSubnet"] = subnets[0] if subnets else None
    else:
        body["failureReason"] = reason
        body["name"] = f"peering-{rec.id[:8]}"
        if "peerVNetNetworkName" in rec.fields:  # OPSPEC's response calls it peerVNet
            body["peerVNet"] = rec.fields["peerVNetNetworkName"]
    body["statusCode"] = code
    return body

"""Which data centre of a cluster an action means, when the caller may leave it out."""

from __future__ import annotations

from insta_nb import errors
from insta_nb.models import ClusterDetails, DataCentre

__all__ = ["pick_data_centre"]


def pick_data_centre(details: ClusterDetails, data_centre_id: str | None) -> DataCentre:
    """``data_centre_id`` of the cluster, or its only data centre when none is named.

    Raises:
        ValidationError: Naming ``data_centre_id``: unknown here, or needed because the
            cluster has several data centres.
    """
    dcs = details.data_centres
    if data_centre_id is not None:
        for dc in dcs:
            if dc.id == data_centre_id:
                return dc
        raise errors.ValidationError(
            {"data_centre_id": f"The cluster has no data centre {data_centre_id}."}
        )
    if len(dcs) == 1:
        return dcs[0]
    names = ", ".join(f"{dc.id} ({dc.name or dc.region})" for dc in dcs) or "none yet"
    raise errors.ValidationError(
        {"data_centre_id": f"Name the data centre: the cluster has {len(dcs)} ({names})."}
    )

"""Resizing a data centre on the Provisioning API v1: path, body, sizes and validation.

``POST /provisioning/v1/{clusterId}/{cdcId}/resize`` (reference §2.5, §13). A v1 status
response does not name the cluster's bundle, so the bundle is recognised by the data
centre's node size in :mod:`insta_nb.catalog`; the sizes offered are the other members
of that size's resize family that do not shrink the disk (the API refuses that with
"Resize operations do not support downgrading disk sizes").
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from insta_nb import catalog
from insta_nb.backends.v1.validation import _choices, _Report, _show
from insta_nb.backends.v1.wire import check_path_id, cluster_path
from insta_nb.models import ClusterDetails, DataCentre, ResizeSpec

__all__ = [
    "bundles_of",
    "current_size",
    "disk_of",
    "resize_path",
    "resize_sizes",
    "resize_to_json",
    "validate_resize",
]

#: Status responses say ``AZURE``; the catalogue, like create requests, ``AZURE_AZ``.
_CATALOG_PROVIDER = {"AZURE": "AZURE_AZ"}
#: The disk in GB closing a size name: ``m5l-250-v2`` → 250, ``CAS-DEV-t4g.small-5`` → 5.
_DISK = re.compile(r"-([0-9]{1,6})(?:-[A-Za-z][A-Za-z0-9]*)?\Z")


def resize_path(cluster_id: str, data_centre_id: str) -> str:
    """``/provisioning/v1/{clusterId}/{cdcId}/resize`` after checking both ids."""
    cdc = check_path_id(data_centre_id, "clusterDataCentreId")
    return f"{cluster_path(cluster_id)}/{cdc}/resize"


def resize_to_json(spec: ResizeSpec) -> dict[str, Any]:
    """The body as the schema types it: an int, a JSON boolean, ``nodePurpose`` if any."""
    body: dict[str, Any] = {
        "newNodeSize": spec.node_size,
        "concurrentResizes": spec.concurrent_resizes,
        "notifySupportContacts": bool(spec.notify_support_contacts),
    }
    if spec.node_purpose is not None:
        body["nodePurpose"] = spec.node_purpose
    return body


def disk_of(size: str) -> int | None:
    """The disk size a node size name ends with, if it names one."""
    match = _DISK.search(size)
    return int(match.group(1)) if match else None


def _data_centre(details: ClusterDetails, data_centre_id: str) -> DataCentre | None:
    return next((dc for dc in details.data_centres if dc.id == data_centre_id), None)


def current_size(dc: DataCentre) -> str | None:
    """The size most of the data centre's nodes have (they differ only mid-resize)."""
    sizes = Counter(n.size for n in dc.nodes if n.size)
    return sizes.most_common(1)[0][0] if sizes else None


def bundles_of(dc: DataCentre) -> list[str]:
    """Base bundles whose catalogue sizes on the data centre's provider include its size."""
    size, provider = current_size(dc), _CATALOG_PROVIDER.get(dc.provider or "", dc.provider)
    if size is None or provider is None:
        return []
    return [b for b in catalog.base_bundles() if size in catalog.node_sizes(b, provider)]


def _family(dc: DataCentre) -> tuple[str, ...]:
    size = current_size(dc)
    provider = _CATALOG_PROVIDER.get(dc.provider or "", dc.provider or "")
    for bundle in bundles_of(dc):
        for family in catalog.RESIZE_FAMILIES.get((bundle, provider), ()):
            if size in family:
                return family
    return ()


def resize_sizes(details: ClusterDetails, data_centre_id: str) -> list[str]:
    """Sizes the data centre may be resized to, in the catalogue's order."""
    dc = _data_centre(details, data_centre_id)
    if dc is None:
        return []
    size = current_size(dc)
    disk = disk_of(size) if size else None
    return [s for s in _family(dc) if s != size and (disk is None or (disk_of(s) or 0) >= disk)]


def _largest_rack(dc: DataCentre) -> int:
    racks = Counter(n.rack or "" for n in dc.nodes)
    return max(racks.values(), default=dc.node_count or 1)


def _check_size(report: _Report, dc: DataCentre, size: object, offered: list[str]) -> None:
    field = "newNodeSize"
    now = current_size(dc)
    if not isinstance(size, str) or not size.strip():
        report.add(field, "Choose a node size.")
    elif size == now:
        report.add(field, f"The data centre is already {now}.")
    elif size in offered:
        return
    elif size in _family(dc) and now is not None:
        report.add(field, "Resize operations do not support downgrading disk sizes.")
    elif offered:
        report.add(field, f"{_show(size)} is not offered here: choose {_choices(offered)}.")
    else:
        report.add(field, f"Nodes of size {now or 'unknown'} cannot be resized.")


def _check_purpose(report: _Report, dc: DataCentre, purpose: object) -> None:
    field = "nodePurpose"
    allowed: set[str] = set()
    for bundle in bundles_of(dc):
        allowed.update(catalog.NODE_PURPOSES_BY_BUNDLE.get(bundle, ()))
    several = len(allowed) > 1 and "KAFKA_BROKER" not in allowed
    if purpose is None:
        if several:
            report.add(field, f"Say which nodes to resize: {_choices(sorted(allowed))}.")
    elif not isinstance(purpose, str) or purpose not in catalog.NODE_PURPOSES:
        report.add(field, f"{_show(purpose)} is not a node purpose.")
    elif allowed and purpose not in allowed:
        report.add(field, f"This data centre's nodes are {_choices(sorted(allowed))}.")


def validate_resize(
    details: ClusterDetails, data_centre_id: str, spec: ResizeSpec
) -> dict[str, str]:
    """``{API field: message}`` for what the API would refuse; empty when valid. Never raises."""
    report = _Report()
    with report.guard("newNodeSize"):
        dc = _data_centre(details, data_centre_id)
        if dc is None:
            report.add("clusterDataCentreId", "No such data centre in this cluster.")
            return report.errors
        _check_size(report, dc, spec.node_size, resize_sizes(details, data_centre_id))
        count = spec.concurrent_resizes
        most = _largest_rack(dc)
        if not isinstance(count, int) or isinstance(count, bool):
            report.add("concurrentResizes", "Give a whole number of nodes.")
        elif not 1 <= count <= most:
            report.add("concurrentResizes", f"Give 1 to {most} (the largest rack's nodes).")
        if not isinstance(spec.notify_support_contacts, bool):
            report.add("notifySupportContacts", "Must be true or false.")
        with report.guard("nodePurpose"):
            _check_purpose(report, dc, spec.node_purpose)
    return report.errors

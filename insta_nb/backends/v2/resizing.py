"""Resize through the v2 cluster update (facts §6): ``PUT`` the cluster's data centres.

v2 has no resize endpoint: a ``PUT`` of the cluster carries whole data centre objects
in the create schema, one of them with a new ``nodeSize``, and ``resizeSettings``.
The data centres are rebuilt from the cluster's last GET (the service reads the
cluster right before a resize): read-only fields (ids, statuses, nodes) and ``null``
entries (the API's all-null ``awsSettings``) are left out. OpenSearch sizes node
groups instead (``dataNodes``, ``clusterManagerNodes``), chosen by ``node_purpose``;
Kafka's dedicated ZooKeeper likewise.

The sizes offered are the catalogue's resize family of the current size, as on v1;
a size the catalogue does not know is left to the API to judge.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Mapping
from typing import Any

from insta_nb.backends.v1.resizing import current_size, resize_sizes
from insta_nb.models import ClusterDetails, DataCentre, ResizeSpec

__all__ = ["app_of", "resize_sizes", "resize_to_json", "validate_resize"]

_READ_ONLY = frozenset({"id", "status", "nodes", "deletedNodes", "currentOperations"})
#: ``node_purpose`` → the cluster-level group it resizes, per product.
_GROUPS = {
    ("opensearch", None): "dataNodes",
    ("opensearch", "OPENSEARCH_DATA"): "dataNodes",
    ("opensearch", "OPENSEARCH_MASTER"): "clusterManagerNodes",
    ("kafka", "KAFKA_DEDICATED_ZOOKEEPER"): "dedicatedZookeeper",
}
_DC_PURPOSES = {
    "cassandra": "CASSANDRA",
    "kafka": "KAFKA_BROKER",
    "redis": "REDIS",
    "postgresql": "POSTGRESQL",
}


def app_of(details: ClusterDetails) -> str:
    """The product of a v2 cluster, from the version field its body carries."""
    for app in ("cassandra", "kafka", "redis", "postgresql", "opensearch"):
        if f"{app}Version" in details.raw:
            return app
    return ""


def _index(details: ClusterDetails, data_centre_id: str) -> int | None:
    return next((i for i, dc in enumerate(details.data_centres) if dc.id == data_centre_id), None)


def _empty(value: Any) -> bool:
    """``null``, or the API's ``awsSettings``-style list of entries that are all ``null``."""
    if isinstance(value, list) and value:
        return all(isinstance(i, Mapping) and all(v is None for v in i.values()) for i in value)
    return value is None


def _create_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in raw.items() if k not in _READ_ONLY and not _empty(v)}


def _largest_rack(dc: DataCentre) -> int:
    racks = Counter(n.rack or "" for n in dc.nodes)
    return max(racks.values(), default=dc.node_count or 1)


def _size_now(dc: DataCentre) -> str | None:
    size = dc.raw.get("nodeSize")
    return size if isinstance(size, str) else current_size(dc)


def validate_resize(
    details: ClusterDetails, data_centre_id: str, spec: ResizeSpec
) -> dict[str, str]:
    """``{v2 field: message}`` for what the update would be refused for; empty when valid."""
    app = app_of(details)
    index = _index(details, data_centre_id)
    if index is None:
        return {"dataCentres": "No such data centre in this cluster."}
    dc = details.data_centres[index]
    out: dict[str, str] = {}
    group = _GROUPS.get((app, spec.node_purpose))
    if group is None and spec.node_purpose not in (None, _DC_PURPOSES.get(app)):
        out["nodePurpose"] = f"{spec.node_purpose!r} cannot be resized on a {app} cluster."
    size_field = f"{group}[0].nodeSize" if group else f"dataCentres[{index}].nodeSize"
    if group == "dedicatedZookeeper":
        size_field = "dedicatedZookeeper[0].zookeeperNodeSize"
    now = _size_now(dc) if group is None else None
    offered = resize_sizes(details, data_centre_id) if group is None else []
    if not isinstance(spec.node_size, str) or not spec.node_size.strip():
        out[size_field] = "Choose a node size."
    elif spec.node_size == now:
        out[size_field] = f"The data centre is already {now}."
    elif offered and spec.node_size not in offered:
        out[size_field] = f"{spec.node_size!r} is not offered here: choose {', '.join(offered)}."
    count = spec.concurrent_resizes
    most = _largest_rack(dc)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= most:
        out["resizeSettings[0].concurrency"] = f"Give 1 to {most} (the largest rack's nodes)."
    if not isinstance(spec.notify_support_contacts, bool):
        out["resizeSettings[0].notifySupportContacts"] = "Must be true or false."
    return out


def _group_update(raw: Mapping[str, Any], group: str, size: str) -> list[dict[str, Any]]:
    items = raw.get(group)
    entries = [_create_fields(i) for i in items if isinstance(i, Mapping)] if items else [{}]
    key = "zookeeperNodeSize" if group == "dedicatedZookeeper" else "nodeSize"
    return [e | {key: size} for e in entries]


def resize_to_json(
    details: ClusterDetails, data_centre_id: str, spec: ResizeSpec
) -> dict[str, Any]:
    """The ``PUT`` body resizing ``data_centre_id`` of ``details`` to ``spec.node_size``."""
    app = app_of(details)
    settings = [
        {
            "concurrency": spec.concurrent_resizes,
            "notifySupportContacts": bool(spec.notify_support_contacts),
        }
    ]
    group = _GROUPS.get((app, spec.node_purpose))
    if app == "opensearch":
        group = group or "dataNodes"  # validation refused any other purpose
        body: dict[str, Any] = {
            key: _create_fields_list(details.raw.get(key))
            for key in ("clusterManagerNodes", "dataNodes", "ingestNodes", "opensearchDashboards")
            if details.raw.get(key)
        }
        body[group] = _group_update(details.raw, group, spec.node_size)
        return body | {"resizeSettings": settings}
    data_centres = []
    for dc in details.data_centres:
        fields = _create_fields(dc.raw)
        if dc.id == data_centre_id and group is None:
            fields["nodeSize"] = spec.node_size
        data_centres.append(fields)
    body = {"dataCentres": data_centres, "resizeSettings": settings}
    if group is not None:
        body[group] = [{"zookeeperNodeSize": spec.node_size}]
    return body


def _create_fields_list(value: Any) -> list[dict[str, Any]]:
    return (
        [_create_fields(i) for i in value if isinstance(i, Mapping)]
        if isinstance(value, list)
        else []
    )

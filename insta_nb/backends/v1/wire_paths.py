"""The v1 API's paths, and the check that keeps every id a single safe path segment."""

from __future__ import annotations

import re

from insta_nb.errors import ValidationError

_ROOT = "/provisioning/v1"
#: Terraform and the exporter list without the trailing slash.
LIST_CLUSTERS_PATH = _ROOT
#: Every Instaclustr client writes the extended create with the trailing slash.
CREATE_EXTENDED_PATH = f"{_ROOT}/extended/"
CREATE_LEGACY_PATH = f"{_ROOT}/"
ENCRYPTION_KEYS_PATH = f"{_ROOT}/encryption-keys"

#: What an id may look like before it goes into a path: UUIDs, and the simple ids of
#: fakes ("cluster-uuid-1"). Nothing that could change the path (``/``, ``..``, ``?``,
#: ``%``, whitespace), so the client only ever acts on the resource it was given.
_PATH_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def check_path_id(value: object, field: str = "clusterId") -> str:
    """``value`` if it is safe as one path segment.

    Raises:
        ValidationError: Naming ``field``, when the id is empty or could alter the path.
    """
    if not isinstance(value, str) or not value:
        raise ValidationError({field: "Give an id (a non-empty string)."})
    if _PATH_ID.fullmatch(value) is None or ".." in value:
        raise ValidationError(
            {field: "Not a valid id: use letters, digits, '-', '_', '.' or ':' only, no '..'."}
        )
    return value


def cluster_path(cluster_id: str) -> str:
    """``/provisioning/v1/{clusterId}`` after checking the id."""
    return f"{_ROOT}/{check_path_id(cluster_id)}"


def firewall_rules_path(cluster_id: str) -> str:
    """``/provisioning/v1/{clusterId}/firewallRules/`` (Terraform uses the slash everywhere)."""
    return f"{cluster_path(cluster_id)}/firewallRules/"


def encryption_key_path(key_id: str) -> str:
    """``/provisioning/v1/encryption-keys/{keyId}`` after checking the id."""
    return f"{ENCRYPTION_KEYS_PATH}/{check_path_id(key_id, 'keyId')}"

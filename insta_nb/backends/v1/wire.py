"""The Provisioning API v1 wire format: paths, and JSON ↔ :mod:`insta_nb.models`.

This module gathers the v1 wire names in one place; each concept lives in its own module:
:mod:`.wire_paths` (paths and ids), :mod:`.wire_requests` (bodies the toolkit sends),
:mod:`.wire_responses` (response bodies → models), :mod:`.wire_spec_bodies` (bodies written
by others → specs) and :mod:`.wire_scalars` (loose numbers, flags, text and networks).
Only these modules know v1 field names, so a v2 backend can sit beside them without
touching the engine, service or widgets.

Parsing is tolerant, as real v1 servers and their fakes are loose: unknown fields are
ignored (and kept in each model's ``raw``), ``null`` means absent, numbers and booleans
may arrive as strings, and ``cdcNetwork`` comes either as ``"10.224.0.0/16"`` or as
``{"network": "10.224.0.0", "prefixLength": 16}`` (normalised to the string form).
A body of the wrong *shape* (an object where a list belongs, an item without an id)
raises :class:`~insta_nb.errors.UnexpectedResponseError`, never ``KeyError`` or
``TypeError``. The client fills in the status, method and path of that error.
"""

from __future__ import annotations

from insta_nb.backends.http import shapes
from insta_nb.backends.v1 import (
    wire_paths,
    wire_requests,
    wire_responses,
    wire_scalars,
    wire_spec_bodies,
)
from insta_nb.backends.v1.wire_paths import (
    CREATE_EXTENDED_PATH,
    CREATE_LEGACY_PATH,
    ENCRYPTION_KEYS_PATH,
    LIST_CLUSTERS_PATH,
    check_path_id,
    cluster_path,
    encryption_key_path,
    firewall_rules_path,
)
from insta_nb.backends.v1.wire_requests import (
    encryption_key_to_json,
    firewall_rule_to_json,
    legacy_spec_to_json,
    spec_to_json,
)
from insta_nb.backends.v1.wire_responses import (
    parse_cluster_details,
    parse_cluster_list,
    parse_created_id,
    parse_encryption_keys,
    parse_firewall_rules,
    parse_message,
)
from insta_nb.backends.v1.wire_spec_bodies import firewall_rule_from_json, spec_from_json

__all__ = [
    "CREATE_EXTENDED_PATH",
    "CREATE_LEGACY_PATH",
    "ENCRYPTION_KEYS_PATH",
    "LIST_CLUSTERS_PATH",
    "check_path_id",
    "cluster_path",
    "encryption_key_path",
    "encryption_key_to_json",
    "firewall_rule_from_json",
    "firewall_rule_to_json",
    "firewall_rules_path",
    "legacy_spec_to_json",
    "parse_cluster_details",
    "parse_cluster_list",
    "parse_created_id",
    "parse_encryption_keys",
    "parse_firewall_rules",
    "parse_message",
    "spec_from_json",
    "spec_to_json",
]

# Names outside __all__ that tests and sibling modules reach through ``wire`` (e.g.
# ``wire._int``, ``wire.SPEC_KEYS``): still attributes of this module, as before the split.
_ROOT = wire_paths._ROOT
_PATH_ID = wire_paths._PATH_ID
_drop_none = wire_requests._drop_none
_bundle_to_json = wire_requests._bundle_to_json
_provider_to_json = wire_requests._provider_to_json
_flag_text = wire_requests._flag_text
_unexpected = shapes.unexpected
_object = shapes.json_object
_array = shapes.json_array
_required_id = wire_responses._required_id
_raw = wire_responses._raw
_parse_node = wire_responses._parse_node
_bundle_names = wire_responses._bundle_names
_parse_data_centre = wire_responses._parse_data_centre
_parse_rule_status = wire_responses._parse_rule_status
_text = wire_scalars._text
_first_text = wire_scalars._first_text
_INTEGER = wire_scalars._INTEGER
_int = wire_scalars._int
_bool = wire_scalars._bool
_network = wire_scalars._network
_invalid = wire_spec_bodies._invalid
_spec_object = wire_spec_bodies._spec_object
_nested_rule = wire_spec_bodies._nested_rule
SPEC_KEYS = wire_spec_bodies.SPEC_KEYS
_rack_allocation_from_json = wire_spec_bodies._rack_allocation_from_json
_spec_flag = wire_spec_bodies._spec_flag

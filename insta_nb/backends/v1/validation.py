"""Client-side checks of create requests and firewall rules, against :mod:`insta_nb.catalog`.

Each ``validate_*`` function returns ``{field: message}`` with fields spelled as the API
spells them (``clusterName``, ``bundles[1].version``, ``rackAllocation.nodesPerRack``,
``firewallRules[0].network``…), so a form can show each message next to its field and
API 400 bodies map onto the same names. An empty dict means valid. Messages are short
and say what to do.

These functions never raise, whatever they are given (wrong types, control characters,
huge strings): a rule that cannot run reports :data:`UNCHECKED` for its field instead.
The ``check_*`` functions raise :class:`~insta_nb.errors.ValidationError` instead.

The rules live by concept in :mod:`.validation_spec` (extended create),
:mod:`.validation_legacy` (legacy create), :mod:`.validation_firewall` (firewall rules)
and :mod:`.validation_fields` (the report and checks they share); this module gathers
their names.
"""

from __future__ import annotations

from insta_nb.backends.v1 import (
    validation_fields,
    validation_firewall,
    validation_legacy,
    validation_spec,
    wire_spec_bodies,
)
from insta_nb.backends.v1.validation_fields import UNCHECKED
from insta_nb.backends.v1.validation_firewall import check_firewall_rule, validate_firewall_rule
from insta_nb.backends.v1.validation_legacy import check_legacy_spec, validate_legacy_spec
from insta_nb.backends.v1.validation_spec import check_spec, validate_spec

__all__ = [
    "UNCHECKED",
    "check_firewall_rule",
    "check_legacy_spec",
    "check_spec",
    "validate_firewall_rule",
    "validate_legacy_spec",
    "validate_spec",
]

# Names outside __all__ that sibling modules reach through ``validation`` (e.g. ``_show``,
# ``_Report``): still attributes of this module, as before the split.
_CIDR_SHAPE = validation_fields._CIDR_SHAPE
_PRIVATE_RANGES = validation_fields._PRIVATE_RANGES
_MAX_PARSED = validation_fields._MAX_PARSED
_Report = validation_fields._Report
_REPR = validation_fields._REPR
_show = validation_fields._show
_is_int = validation_fields._is_int
_choices = validation_fields._choices
_blank = validation_fields._blank
_check_name = validation_fields._check_name
_parse_ipv4_network = validation_fields._parse_ipv4_network
_check_private_network = validation_fields._check_private_network
_check_bool = validation_fields._check_bool
_check_version = validation_fields._check_version
_SpecFacts = validation_fields._SpecFacts
_check_disk_key = validation_fields._check_disk_key
_check_region = validation_fields._check_region
_SECURITY_GROUP = validation_firewall._SECURITY_GROUP
_firewall_rule = validation_firewall._firewall_rule
_LEGACY_PROVIDERS = validation_legacy._LEGACY_PROVIDERS
_check_legacy_racks = validation_legacy._check_legacy_racks
_check_bundles = validation_spec._check_bundles
_check_typed_options = validation_spec._check_typed_options
_option = validation_spec._option
_truthy = validation_spec._truthy
_check_options = validation_spec._check_options
_check_node_size = validation_spec._check_node_size
_sizes_in_use = validation_spec._sizes_in_use
_check_sla_tier = validation_spec._check_sla_tier
_check_racks = validation_spec._check_racks
_check_pci = validation_spec._check_pci
_check_provider = validation_spec._check_provider
_check_free_form = validation_spec._check_free_form
SPEC_KEYS = wire_spec_bodies.SPEC_KEYS

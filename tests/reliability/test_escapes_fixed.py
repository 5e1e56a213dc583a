"""The escapes the public-errors property (``test_public_errors.py``) found, one example
each, so that each fix has a test that failed before it (issue 10 §5)."""

from __future__ import annotations

from typing import Any

import pytest

from insta_nb import errors
from insta_nb.backends.v1 import wire


@pytest.mark.parametrize("numeral", ["--5", "+-3", "-+0"])
def test_a_count_int_refuses_is_absent_not_a_crash(numeral: str) -> None:
    """Injected: a list and a status whose counts are ``"--5"`` (``lstrip("+-")`` let it
    reach ``int()``, whose ValueError escaped the HTTP boundary). Now: read as absent."""
    [summary] = wire.parse_cluster_list([{"id": "c-1", "nodeCount": numeral}])
    assert summary.node_count == 0
    details = wire.parse_cluster_details(
        {"id": "c-1", "dataCentres": [{"id": "d", "nodeCount": numeral, "nodes": []}]}
    )
    assert details.data_centres[0].node_count == 0
    network = {"network": "10.0.0.0", "prefixLength": numeral}
    details = wire.parse_cluster_details({"id": "c-1", "dataCentres": [{"cdcNetwork": network}]})
    assert details.data_centres[0].network == "10.0.0.0"  # the prefix is unreadable


@pytest.mark.parametrize("key", ["privateNetworkCluster", "pciCompliantCluster"])
@pytest.mark.parametrize("value", ["maybe", "", 2, [], {"a": 1}, 0.5])
def test_a_flag_that_is_no_boolean_is_refused_naming_it(key: str, value: Any) -> None:
    """Injected: ``"maybe"`` (or 2, a list...) as a create body's flag. Before: read as
    false, so a body asking for something unclear was sent as a plain cluster. Now: a
    ValidationError naming the field."""
    body = {"clusterName": "x", "bundles": [], "provider": {"name": "AWS_VPC"}, key: value}
    with pytest.raises(errors.ValidationError) as raised:
        wire.spec_from_json(body)
    assert set(raised.value.field_errors) == {key}


@pytest.mark.parametrize(("value", "flag"), [(None, False), ("TRUE", True), ("false", False)])
def test_absent_and_spelled_flags_are_still_read(value: Any, flag: bool) -> None:
    body = {"clusterName": "x", "bundles": [], "provider": {"name": "AWS_VPC"}}
    if value is not None:
        body["pciCompliantCluster"] = value
    assert wire.spec_from_json(body).pci_compliant_cluster is flag

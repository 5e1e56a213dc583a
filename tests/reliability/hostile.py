"""Hostile values for the public-errors property (``test_public_errors.py``).

Each strategy mixes values of the right type with wrong content (text with lone
surrogates, numbers that are not finite, ids that could change a path, 100,000
characters) and values of the wrong type, so that every check before queueing is
exercised and every path after it as well.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from hypothesis import strategies as st

from insta_nb import models
from insta_nb.backends.v1 import wire

#: Text the toolkit has met or could meet: numerals ``int()`` refuses, surrogates,
#: control characters, path tricks, and words a flag or a number is not.
AWKWARD_TEXT = [
    "",
    " ",
    "\n",
    "demo\n",
    "--5",
    "+-3",
    "5-",
    "٣",
    "1e400",
    "inf",
    "nan",
    "-0",
    "maybe",
    "true",
    "\ud800",
    "x\udfffy",
    "\x00",
    "../x",
    "a/b",
    "%2e%2e",
    "x" * 100_000,
]
ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=40)
TEXT = st.one_of(st.sampled_from(AWKWARD_TEXT), ANY_TEXT)
NUMBERS = st.one_of(
    st.sampled_from([float("nan"), float("inf"), float("-inf"), -1.0, 0.0, -0.0, 1e308, 2**70]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT, st.binary(max_size=8))


def _wire_keys() -> list[str]:
    """Every field name the v1 wire module reads, found in its source (so that new ones
    are covered without touching this file)."""
    return sorted(set(re.findall(r'"([A-Za-z][A-Za-z0-9]*)"', inspect.getsource(wire))))


WIRE_KEYS = _wire_keys()


def json_values(depth: int = 3) -> st.SearchStrategy[Any]:
    """Any JSON the v1 API could send, biased to the field names the client reads."""
    keys = st.one_of(st.sampled_from(WIRE_KEYS), TEXT)
    return st.recursive(
        st.one_of(st.none(), st.booleans(), NUMBERS, TEXT),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(keys, inner, max_size=6),
        ),
        max_leaves=12 * depth,
    )


ANYTHING = st.one_of(SCALARS, json_values(2), st.builds(object))


def _field_values(annotation: str) -> st.SearchStrategy[Any]:
    """Values for a model field annotated ``annotation`` (a string: the models use
    ``from __future__ import annotations``): mostly of that type, sometimes anything."""
    typed: st.SearchStrategy[Any]
    if annotation.startswith("str"):
        typed = TEXT
    elif annotation.startswith(("int", "float")):
        typed = NUMBERS
    elif annotation.startswith("bool"):
        typed = st.booleans()
    elif annotation.startswith("Mapping"):
        typed = st.dictionaries(TEXT, SCALARS, max_size=3)
    elif annotation.startswith("tuple[BundleSpec"):
        typed = st.lists(model_instances(models.BundleSpec), max_size=2).map(tuple)
    elif annotation.startswith("tuple[FirewallRuleSpec"):
        typed = st.lists(model_instances(models.FirewallRuleSpec), max_size=2).map(tuple)
    elif annotation.startswith("tuple"):
        typed = st.lists(TEXT, max_size=3).map(tuple)
    elif annotation.startswith("ProviderSpec"):
        typed = model_instances(models.ProviderSpec)
    elif annotation.startswith("RackAllocation"):
        typed = st.one_of(st.none(), model_instances(models.RackAllocation))
    else:
        typed = ANYTHING
    if "None" in annotation:
        typed = st.one_of(st.none(), typed)
    return st.one_of(typed, typed, typed, ANYTHING)


def model_instances(cls: type[Any]) -> st.SearchStrategy[Any]:
    """Instances of a public model built through its constructor with hostile fields
    (constructors that refuse their arguments are skipped here: the constructor
    property covers them)."""
    fields = inspect.signature(cls).parameters
    kwargs = {name: _field_values(str(p.annotation)) for name, p in fields.items()}
    return st.fixed_dictionaries(kwargs).flatmap(lambda kw: _construct(cls, kw))


def _construct(cls: type[Any], kwargs: dict[str, Any]) -> st.SearchStrategy[Any]:
    try:
        return st.just(cls(**kwargs))
    except (TypeError, ValueError):
        return st.nothing()


def constructor_kwargs(cls: type[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for ``cls(...)``: hostile values for every field."""
    fields = inspect.signature(cls).parameters
    return st.fixed_dictionaries(
        {name: _field_values(str(p.annotation)) for name, p in fields.items()}
    )


#: A body each v1 parser accepts, to mutate: hostile values in the places the parser
#: reads reach its conversions (``_int``, ``_bool``...), which random JSON rarely does.
#: A parser without a template is still fed random JSON.
_NODE = {
    "id": "n-1",
    "size": "t3.small-v2",
    "rack": "us-west-2a",
    "nodeStatus": "RUNNING",
    "publicAddress": ["1.2.3.4"],
    "privateAddress": "10.0.0.1",
    "sparkMaster": "false",
    "sparkJobserver": False,
    "zeppelin": 0,
}
_DATA_CENTRE = {
    "id": "dc-1",
    "name": "US_WEST_2",
    "provider": {"name": "AWS_VPC"},
    "cdcStatus": "RUNNING",
    "cdcName": "AWS_VPC_US_WEST_2",
    "cdcNetwork": {"network": "10.224.0.0", "prefixLength": "16"},
    "nodeCount": "3",
    "nodes": [_NODE],
    "bundles": [{"bundle": "APACHE_CASSANDRA"}, "SPARK"],
    "encryptionKeyId": ["k-1"],
    "resizeTargetNodeSize": None,
    "privateIPOnly": "true",
}
_RULE = {"network": "10.1.2.3/32", "rules": [{"type": "CASSANDRA", "status": "RUNNING"}]}
_SPEC = {
    "clusterName": "demo",
    "bundles": [{"bundle": "APACHE_CASSANDRA", "version": "4.0.1", "options": {"a": "true"}}],
    "provider": {"name": "AWS_VPC", "tags": {"team": "x"}, "accountName": "acct"},
    "slaTier": "NON_PRODUCTION",
    "nodeSize": "t3.small-v2",
    "dataCentre": "US_WEST_2",
    "clusterNetwork": "10.224.0.0/16",
    "privateNetworkCluster": "false",
    "pciCompliantCluster": False,
    "rackAllocation": {"numberOfRacks": "3", "nodesPerRack": 1},
    "firewallRules": [_RULE],
}
WIRE_TEMPLATES: dict[str, Any] = {
    "parse_cluster_list": [
        {
            "id": "c-1",
            "clusterName": "demo",
            "derivedStatus": "RUNNING",
            "nodeCount": "3",
            "runningNodeCount": 3.0,
            "cassandraVersion": "4.0.1",
            "slaTier": "NON_PRODUCTION",
            "pciCompliance": "DISABLED",
        }
    ],
    "parse_cluster_details": {
        "id": "c-1",
        "clusterName": "demo",
        "clusterStatus": "RUNNING",
        "cassandraVersion": "4.0.1",
        "slaTier": "NON_PRODUCTION",
        "pciCompliance": "DISABLED",
        "dataCentres": [_DATA_CENTRE],
    },
    "parse_firewall_rules": [_RULE],
    "parse_encryption_keys": [
        {"id": "k-1", "alias": "key", "arn": "arn:aws:kms:x", "provider": "AWS_VPC"}
    ],
    "parse_created_id": {"id": "c-1"},
    "parse_message": {"message": "ok"},
    "firewall_rule_from_json": _RULE,
    "spec_from_json": _SPEC,
}


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into ``value`` (keys and indexes), the root included."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _places(item, (*path, index))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(copy[path[0]], path[1:], new)
    return copy


#: What replaces a template's value: mostly the awkward values themselves.
LEAVES = st.one_of(
    st.sampled_from(AWKWARD_TEXT),
    st.sampled_from(AWKWARD_TEXT),
    NUMBERS,
    SCALARS.filter(lambda v: not isinstance(v, bytes)),
    json_values(1),
)


@st.composite
def mutated(draw: st.DrawFn, template: Any) -> Any:
    """``template`` with one to three of its values replaced by hostile JSON."""
    body = template
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_places(body)))
        body = _replaced(body, path, draw(LEAVES))
    return body

"""The v2 client never refuses what the simulator takes, and names the same fields.

The client (``insta_nb.backends.v2``) judges a product spec with ``validate_spec`` and
sends ``wire.spec_to_json``; the simulator judges that body with its own rules (it
imports neither). On each product's facts example and on variants of every field
(same type, awkward values), whatever the client refuses the simulator refuses too,
naming at least those fields. The simulator may refuse more; intended differences:

- versions, regions and node sizes: the client takes any ``x.y.z`` version and any
  region and size text, leaving the lists to the API; the simulator checks versions
  against SPEC (TF2 for Cassandra), regions against the catalogue, sizes for shape;
- a replication factor out of range: the client also names ``numberOfNodes`` (not a
  multiple of it); the simulator names only the factor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from insta_nb.backends.v2 import validation, wire
from insta_nb.products import ProductClusterSpec
from insta_nb.simulator import Simulator, SimulatorSettings
from insta_nb.testing import FakeClock
from tests.client.v2_examples import SPECS
from tests.simulator.support import Harness
from tests.simulator.v2_support import collection

TEXT = [
    "",
    "ab",
    "x" * 49,
    "-a",
    "a b",
    "x\n",
    "US_EAST_1",
    "MOON_1",
    "us-east1",
    "AZURE",
    "GCP",
    "ONPREMISES",
    "10.0.0.0/8",
    "10.0.0.0/23",
    "10.0.0.0/26",
    "8.8.0.0/16",
    "10.0.0.1/16",
    "PRODUCTION",
    "GOLD",
    "0.0.1",
    "3.5.1",
    "ASYNCHRONOUS",
    "bad size",
]
NUMBERS = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 99, 100, 101]
#: Client-only field names when a replication factor is out of range (see above).
ALSO_NAMED_BY_THE_CLIENT = {"dataCentres[0].numberOfNodes"}


def _variants(obj: Any) -> Iterator[tuple[str, Any]]:
    for field in dataclasses.fields(obj):
        value = getattr(obj, field.name)
        if isinstance(value, bool):
            yield field.name, not value
        elif isinstance(value, int):
            yield from ((field.name, n) for n in NUMBERS)
        elif isinstance(value, str):
            yield from ((field.name, t) for t in TEXT)


def _cases() -> Iterator[tuple[str, str, ProductClusterSpec]]:
    for app, spec in SPECS.items():
        yield app, "example", spec
        for name, value in _variants(spec):
            yield app, f"{name}={value!r}", dataclasses.replace(spec, **{name: value})
        dc = spec.data_centres[0]
        for name, value in _variants(dc):
            changed = dataclasses.replace(dc, **{name: value})
            yield app, f"dc.{name}={value!r}", dataclasses.replace(spec, data_centres=(changed,))


CASES = list(_cases())


@pytest.fixture(scope="module")
def api() -> Harness:
    clock = FakeClock()
    return Harness(Simulator(clock=clock, settings=SimulatorSettings(interval=None)), clock)


@pytest.mark.parametrize(
    ("app", "label", "spec"), CASES, ids=[f"{app}-{label}" for app, label, _ in CASES]
)
def test_the_simulator_refuses_whatever_the_client_refuses(
    api: Harness, app: str, label: str, spec: ProductClusterSpec
) -> None:
    client = set(validation.validate_spec(spec))
    response = api.post(collection(app), json=wire.spec_to_json(spec))
    assert response.status_code in (202, 400), response.text
    simulator = (
        set() if response.status_code == 202 else {e["name"] for e in response.json()["errors"]}
    )
    if label == "example":
        assert client == simulator == set()
    assert client - ALSO_NAMED_BY_THE_CLIENT <= simulator, (label, client, simulator)
    assert bool(client) <= bool(simulator), (label, client, simulator)
    assert api.sim.app_errors == []

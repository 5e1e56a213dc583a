"""Checks shared by every v1 validator: the per-field report, how values appear in messages,
and field rules used by more than one request (names, networks, versions, regions, keys).
"""

from __future__ import annotations

import ipaddress
import re
import reprlib
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeGuard

from insta_nb import catalog

#: The message of a rule that could not run on a value (it never should).
UNCHECKED = "Could not check this value."

#: Checked before ``ipaddress`` sees the text: ASCII digits only (``\d`` would take any
#: script's digits), no netmask form, nothing before or after.
_CIDR_SHAPE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}/[0-9]{1,2}")
_PRIVATE_RANGES = tuple(
    ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)
#: Longest text a rule parses; longer input is simply wrong.
_MAX_PARSED = 200


class _Report:
    """Collects the first message per field."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def merge(self, prefix: str, errors: Mapping[str, str]) -> None:
        for field, message in errors.items():
            self.add(f"{prefix}.{field}", message)

    @contextmanager
    def guard(self, field: str) -> Iterator[None]:
        """Run one rule; if it breaks on odd input, report that instead of raising."""
        try:
            yield
        except Exception:
            self.add(field, UNCHECKED)


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 34
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 3
_REPR.maxlevel = 2


#: Longest a value may take in a message (reprlib cuts each string, not a container of
#: three escaped strings, which reached 121 characters beside a field).
_SHOWN = 60


def _show(value: object) -> str:
    """A value as it may appear in a message: quoted, escaped and cut short."""
    try:
        shown = _REPR.repr(value)
    except Exception:  # a hostile __repr__
        return f"a {type(value).__name__}"
    return shown if len(shown) <= _SHOWN else shown[: _SHOWN - 1] + "…"


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _choices(values: Collection[str], limit: int = 8) -> str:
    """``a, b or c``; ``a, b, c and others`` past ``limit``."""
    items = list(values)
    if len(items) > limit:
        return ", ".join(items[:limit]) + " and others"
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_name(report: _Report, field: str, name: object) -> None:
    if not isinstance(name, str) or not name.strip():
        report.add(field, "Enter a cluster name.")
    elif len(name) > catalog.CLUSTER_NAME_MAX:
        report.add(field, f"Use at most {catalog.CLUSTER_NAME_MAX} characters (now {len(name)}).")
    elif catalog.CLUSTER_NAME_PATTERN.fullmatch(name) is None:
        # fullmatch, not match: the catalogue's ``$`` would accept a trailing newline.
        report.add(field, "Use letters, digits, '_' and '-' only, starting with a letter or digit.")


def _parse_ipv4_network(value: object, example: str) -> tuple[ipaddress.IPv4Network | None, str]:
    """The network, or ``None`` and why not."""
    hint = f"Enter an IPv4 network in CIDR form, e.g. {example}."
    if not isinstance(value, str) or not value.strip():
        return None, hint
    if len(value) > _MAX_PARSED or _CIDR_SHAPE.fullmatch(value) is None:
        return None, "Use IPv4, not IPv6." if ":" in value[:_MAX_PARSED] else hint
    try:
        return ipaddress.IPv4Network(value, strict=True), ""
    except ValueError:
        pass
    try:
        loose = ipaddress.IPv4Network(value, strict=False)
    except ValueError:
        return None, f"Not a valid IPv4 network (e.g. {example})."
    return None, f"Host bits are set: use {loose}."


def _check_private_network(report: _Report, field: str, value: object) -> None:
    network, problem = _parse_ipv4_network(value, catalog.DEFAULT_CLUSTER_NETWORK)
    if network is None:
        report.add(field, problem)
    elif not catalog.NETWORK_PREFIX_MIN <= network.prefixlen <= catalog.NETWORK_PREFIX_MAX:
        report.add(
            field,
            f"Use a prefix from /{catalog.NETWORK_PREFIX_MIN} to /{catalog.NETWORK_PREFIX_MAX}.",
        )
    elif not any(network.subnet_of(r) for r in _PRIVATE_RANGES):
        report.add(field, "Use a private range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.")


def _check_bool(report: _Report, field: str, value: object) -> None:
    if not isinstance(value, bool):
        report.add(field, "Must be true or false.")


def _check_version(report: _Report, field: str, bundle: str, version: object) -> None:
    info = catalog.BUNDLES[bundle]
    if not isinstance(version, str) or not version.strip():
        report.add(field, "Choose a version.")
    elif len(version) > _MAX_PARSED or catalog.normalise_version(bundle, version) is None:
        report.add(field, f"Not a version of {bundle}; choose {_choices(info.versions)}.")


class _SpecFacts:
    """What earlier rules established, for later rules to build on."""

    def __init__(self) -> None:
        self.provider: str | None = None  # a catalogue provider, or None
        self.base: str | None = None  # the valid main bundle, or None
        self.bundles: list[str] = []  # every known bundle named


def _check_disk_key(
    report: _Report, facts: _SpecFacts, key: object, known: Collection[str] | None, field: str
) -> None:
    if key is None:
        return
    if not isinstance(key, str) or not key.strip():
        report.add(field, "Give the key's id, or leave it empty.")
    elif facts.provider is not None and facts.provider != "AWS_VPC":
        report.add(field, "Disk encryption keys are only available on AWS_VPC.")
    elif known is not None and key not in set(known):
        report.add(field, "No such key in this account: register it first.")


def _check_region(report: _Report, facts: _SpecFacts, field: str, region: object) -> None:
    if not isinstance(region, str) or not region.strip():
        report.add(field, "Choose a region.")
    elif facts.provider is not None and region not in catalog.regions(facts.provider):
        report.add(field, f"{_show(region)} is not a region of {facts.provider}.")

"""Bundles: their versions, their node sizes per provider, which are add-ons, and which may
not be part of a PCI-compliant cluster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "BUNDLES",
    "NO_PCI_WITH",
    "BundleInfo",
    "addons_for",
    "base_bundles",
    "node_sizes",
    "normalise_version",
]

#: Bundles a PCI-compliant cluster may not include (reference §5.8: from Instaclustr's
#: public docs page; not seen in any client's code or tests).
NO_PCI_WITH: tuple[str, ...] = ("SPARK", "ZEPPELIN")


@dataclass(frozen=True)
class BundleInfo:
    """One bundle: its versions, node sizes per provider and what it may be added to."""

    name: str
    versions: tuple[str, ...]
    #: ``None`` for a base bundle; else the base bundles this add-on goes with.
    addon_of: tuple[str, ...] | None = None
    sizes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Version prefixes the API also accepts (``apache-cassandra-3.11.4``).
    version_prefixes: tuple[str, ...] = ()
    supports_rack_allocation: bool = True
    #: Sizes are given in bundle options (``masterNodeSize``) instead of ``nodeSize``.
    sizes_in_options: bool = False


_CASSANDRA_AWS = (
    "t3.small",
    "t3-small",
    "t3.small-v2",
    "t3.medium-v2",
    "m5l-250-v2",
    "m5l-400-v2",
    "m5xl-400-v2",
    "m5xl-800-v2",
    "m5xl-1600-v2",
    "resizeable-small(r5-l)-v2",
    "resizeable-small(r5-xl)-v2",
    "resizeable-large(r5-xl)-v2",
    "resizeable-small(r5-l)",
    "resizeable-small(r5-xl)",
    "resizeable-small(r4-xl)",
    "CAS-DEV-t4g.small-5",
    "CAS-DEV-t4g.medium-30",
    "CAS-PRD-m6g.large-120",
    "t2.small",
)

BUNDLES: dict[str, BundleInfo] = {
    b.name: b
    for b in (
        BundleInfo(
            "APACHE_CASSANDRA",
            ("2.2.18", "3.0.19", "3.11.4", "3.11.8", "4.0", "4.0.1", "4.1.3"),
            sizes=(
                ("AWS_VPC", _CASSANDRA_AWS),
                ("GCP", ("n1-standard-2", "n1-standard-4")),
                ("AZURE_AZ", ("Standard_DS2_v2-256", "Standard_DS12_v2-512")),
            ),
            version_prefixes=("apache-cassandra-",),
        ),
        BundleInfo(
            "SPARK",
            ("2.1.3", "2.3.2"),
            addon_of=("APACHE_CASSANDRA",),
            version_prefixes=("apache-spark:",),
        ),
        BundleInfo(
            "ZEPPELIN",
            ("0.8.0-spark-2.3.2", "0.7.1-spark-2.1.1"),
            addon_of=("APACHE_CASSANDRA",),
            version_prefixes=("apache-zeppelin:",),
        ),
        BundleInfo(
            "KAFKA",
            ("2.8.2", "3.0.2", "3.1.2"),
            sizes=(
                (
                    "AWS_VPC",
                    (
                        "KFK-DEV-t4g.small-5",
                        "KFK-DEV-t4g.medium-80",
                        "KFK-PRD-r6g.large-250",
                        "t3.medium-80-r",
                    ),
                ),
                ("GCP", ("n1-standard-2-80",)),
                ("AZURE_AZ", ("Standard_DS2_v2-80",)),
            ),
        ),
        BundleInfo("KAFKA_REST_PROXY", ("5.0.0",), addon_of=("KAFKA",)),
        BundleInfo("KAFKA_SCHEMA_REGISTRY", ("5.0.0", "5.0.4"), addon_of=("KAFKA",)),
        BundleInfo(
            "OPENSEARCH",
            ("1.3.7", "2.2.1"),
            sizes=(
                (
                    "AWS_VPC",
                    (
                        "SRH-DEV-t4g.small-5",
                        "SRH-DEV-t4g.small-30",
                        "SRH-PRD-m6g.large-120",
                        "SRH-PRD-m6g.large-400",
                        "SRH-DM-t3.small-v2",
                    ),
                ),
                ("GCP", ("n1-standard-2-80",)),
                ("AZURE_AZ", ("Standard_DS2_v2-80",)),
            ),
            sizes_in_options=True,
        ),
        BundleInfo(
            "REDIS",
            ("6.2.7",),
            sizes=(
                ("AWS_VPC", ("t3.small-20-r", "r5.large-100-r", "r6g.large-100-r")),
                ("GCP", ("n1-standard-2-20-r",)),
                ("AZURE_AZ", ("Standard_DS2_v2-20-r",)),
            ),
            supports_rack_allocation=False,
        ),
        BundleInfo(
            "POSTGRESQL",
            ("13.9", "14.6", "15.1"),
            sizes=(
                ("AWS_VPC", ("PGS-DEV-t3.small-5", "PGS-DEV-t4g.small-5", "PGS-DEV-t4g.medium-30")),
                ("GCP", ("n1-standard-2-30",)),
                ("AZURE_AZ", ("Standard_DS2_v2-30",)),
            ),
        ),
        BundleInfo(
            "PGBOUNCER", ("1.17.0",), addon_of=("POSTGRESQL",), version_prefixes=("pgbouncer:",)
        ),
    )
}


def base_bundles() -> tuple[str, ...]:
    """Bundles that can be the first (main) bundle of a cluster."""
    return tuple(name for name, b in BUNDLES.items() if b.addon_of is None)


def addons_for(base: str) -> tuple[str, ...]:
    """Add-on bundles that may accompany ``base``."""
    return tuple(name for name, b in BUNDLES.items() if b.addon_of and base in b.addon_of)


def node_sizes(bundle: str, provider: str) -> tuple[str, ...]:
    """Node sizes of ``bundle`` on ``provider`` (empty when either is unknown)."""
    info = BUNDLES.get(bundle)
    if info is None:
        return ()
    return dict(info.sizes).get(provider, ())


def normalise_version(bundle: str, version: str) -> str | None:
    """The catalogue version that ``version`` names, accepting prefixed and ``.icN`` forms.

    ``apache-cassandra-3.11.4.ic2`` → ``3.11.4``; returns ``None`` when unknown.
    """
    info = BUNDLES.get(bundle)
    if info is None:
        return None
    text = version.strip()
    for prefix in info.version_prefixes:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    text = re.sub(r"\.ic\d+$", "", text)
    return text if text in info.versions else None

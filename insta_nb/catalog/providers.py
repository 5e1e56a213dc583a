"""Cloud providers, their regions and racks, and the AWS regions a VPC peering may name."""

from __future__ import annotations

__all__ = ["AWS_PEER_REGIONS", "PROVIDERS", "racks", "regions"]

#: Provider names accepted in ``provider.name`` of an extended create.
PROVIDERS: tuple[str, ...] = ("AWS_VPC", "AZURE_AZ", "GCP")

_REGIONS: dict[str, tuple[str, ...]] = {
    "AWS_VPC": (
        "US_EAST_1",
        "US_EAST_2",
        "US_WEST_1",
        "US_WEST_2",
        "CA_CENTRAL_1",
        "EU_WEST_1",
        "EU_WEST_2",
        "EU_CENTRAL_1",
        "AP_SOUTHEAST_1",
        "AP_SOUTHEAST_2",
        "AP_NORTHEAST_1",
        "SA_EAST_1",
    ),
    "GCP": ("us-east1", "us-central1", "us-west1", "europe-west1", "asia-southeast1"),
    "AZURE_AZ": ("CENTRAL_US", "EAST_US", "WEST_US_2", "NORTH_EUROPE", "WEST_EUROPE"),
}


def regions(provider: str) -> tuple[str, ...]:
    """Regions offered by ``provider`` (empty for an unknown provider)."""
    return _REGIONS.get(provider, ())


def racks(provider: str, region: str) -> tuple[str, ...]:
    """Availability zones used as rack names, e.g. ``us-west-2a``."""
    if region not in regions(provider):
        return ()
    if provider == "AWS_VPC":
        base = region.lower().replace("_", "-")
        return (f"{base}a", f"{base}b", f"{base}c")
    if provider == "GCP":
        return (f"{region}-b", f"{region}-c", f"{region}-d")
    base = region.lower().replace("_", "")
    return (f"{base}-1", f"{base}-2", f"{base}-3")


#: ``peerRegion`` of an AWS peering (OPSPEC's AWS region enum).
AWS_PEER_REGIONS: tuple[str, ...] = (
    "US_EAST_1",
    "US_EAST_2",
    "US_WEST_1",
    "US_WEST_2",
    "GovCloud",
    "US_GOV_EAST_1",
    "EU_WEST_1",
    "EU_WEST_2",
    "EU_WEST_3",
    "EU_CENTRAL_1",
    "EU_CENTRAL_2",
    "EU_NORTH_1",
    "EU_SOUTH_1",
    "EU_SOUTH_2",
    "AP_EAST_1",
    "AP_SOUTH_1",
    "AP_SOUTH_2",
    "AP_SOUTHEAST_1",
    "AP_SOUTHEAST_2",
    "AP_SOUTHEAST_3",
    "AP_SOUTHEAST_4",
    "AP_NORTHEAST_1",
    "AP_NORTHEAST_2",
    "AP_NORTHEAST_3",
    "SA_EAST_1",
    "CN_NORTH_1",
    "CN_NORTHWEST_1",
    "CA_CENTRAL_1",
    "ME_CENTRAL_1",
    "ME_SOUTH_1",
    "AF_SOUTH_1",
    "US_ISO_EAST_1",
    "US_ISOB_EAST_1",
    "US_ISO_WEST_1",
)

"""Where a data centre's nodes go: rack names and the order nodes are placed in."""

from __future__ import annotations

from insta_nb import catalog
from insta_nb.simulator.plan import NodePlan

__all__ = ["layout", "rack_names"]


def rack_names(provider: str, region: str, count: int) -> tuple[str, ...]:
    """``count`` rack names: the region's zones, then ``<zone>-ic1``... when more are asked."""
    zones = catalog.racks(provider, region) or (region.lower(),)
    return tuple(
        zones[i % len(zones)] if i < len(zones) else f"{zones[i % len(zones)]}-ic{i // len(zones)}"
        for i in range(max(count, 1))
    )


def layout(
    racks: tuple[str, ...], count: int, size: str, extra: tuple[str, ...] = ()
) -> tuple[NodePlan, ...]:
    """``count`` nodes of ``size`` spread round-robin over ``racks``, then ``extra`` sizes.

    Round-robin order is also the order nodes turn RUNNING, so racks fill evenly.
    """
    sizes = (size,) * count + extra
    return tuple(NodePlan(racks[i % len(racks)], s) for i, s in enumerate(sizes))

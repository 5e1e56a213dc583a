"""The Cluster Management API v2: ``client`` (endpoints), ``wire`` (paths and bodies),
``parse`` (responses), ``validation`` (what the API refuses, by field), ``directory``
(products and rule ids learned along the way) and ``backend`` (the seam)."""

from __future__ import annotations

from insta_nb.backends.v2.backend import V2Backend
from insta_nb.backends.v2.client import V2Client

__all__ = ["V2Backend", "V2Client"]

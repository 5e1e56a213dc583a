"""The Provisioning API v1: ``client`` (endpoints), ``wire`` (paths and JSON),
``validation`` (what the API refuses, by field) and ``backend`` (the seam)."""

from __future__ import annotations

from insta_nb.backends.v1.backend import V1Backend
from insta_nb.backends.v1.client import ApiClient

__all__ = ["ApiClient", "V1Backend"]

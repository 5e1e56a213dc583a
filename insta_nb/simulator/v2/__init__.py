"""The Cluster Management API v2, served by the same simulator as v1.

(Full route table and decisions: see the end of this docstring.)
"""

from __future__ import annotations

from insta_nb.simulator.v2.errors import V2_ROOT, gate_reply, is_v2, is_v2_create, reason
from insta_nb.simulator.v2.routes import v2_table

__all__ = ["V2_ROOT", "gate_reply", "is_v2", "is_v2_create", "reason", "v2_table"]

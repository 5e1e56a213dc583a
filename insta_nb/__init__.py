"""insta_nb: provision, watch and tear down Instaclustr clusters from Jupyter notebooks.

Layers, from the bottom: ``models``/``errors``/``config``/``catalog`` (vocabulary),
``client`` (HTTP), ``engine`` (pacing, retries, the shared loop thread), ``service``
(inventory, watching, create reconciliation), ``frame`` (DataFrame view) and
``widgets`` (ipywidgets). ``simulator`` is an independent implementation of the API.
"""

from __future__ import annotations

from importlib import metadata as _metadata

from insta_nb.clock import Clock, SystemClock
from insta_nb.config import EngineSettings
from insta_nb.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    ConnectError,
    CreateNotConfirmedError,
    DeadlineExceededError,
    InstaError,
    JobCancelledError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitedError,
    ReadOnlyKeyError,
    ServerError,
    TimeoutError,
    TransportError,
    UnexpectedResponseError,
    UsageError,
    ValidationError,
)
from insta_nb.models import (
    BundleSpec,
    ClusterDetails,
    ClusterSpec,
    ClusterStatus,
    ClusterSummary,
    DataCentre,
    EncryptionKey,
    FirewallRule,
    FirewallRuleSpec,
    LegacyClusterSpec,
    LegacyRack,
    Node,
    ProviderSpec,
    RackAllocation,
    RuleStatus,
)

try:
    __version__ = _metadata.version("insta_nb")
except _metadata.PackageNotFoundError:  # pragma: no cover - source tree, not installed
    __version__ = "0+unknown"

__all__ = [
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "BundleSpec",
    "Clock",
    "ClusterDetails",
    "ClusterSpec",
    "ClusterStatus",
    "ClusterSummary",
    "ConfigurationError",
    "ConflictError",
    "ConnectError",
    "CreateNotConfirmedError",
    "DataCentre",
    "DeadlineExceededError",
    "EncryptionKey",
    "EngineSettings",
    "FirewallRule",
    "FirewallRuleSpec",
    "InstaError",
    "JobCancelledError",
    "LegacyClusterSpec",
    "LegacyRack",
    "Node",
    "NotFoundError",
    "PermissionDeniedError",
    "ProtocolError",
    "ProviderSpec",
    "RackAllocation",
    "RateLimitedError",
    "ReadOnlyKeyError",
    "RuleStatus",
    "ServerError",
    "SystemClock",
    "TimeoutError",
    "TransportError",
    "UnexpectedResponseError",
    "UsageError",
    "ValidationError",
    "__version__",
]

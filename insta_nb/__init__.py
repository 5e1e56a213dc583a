"""insta_nb: provision, watch and tear down Instaclustr clusters from Jupyter notebooks.

Layers, from the bottom: ``models``/``errors``/``config``/``catalog`` (vocabulary),
``client`` (HTTP), ``engine`` (pacing, retries, the shared loop thread), ``service``
(inventory, watching, create reconciliation), ``frame`` (DataFrame view) and
``widgets`` (ipywidgets). ``simulator`` is an independent implementation of the API.
"""

from __future__ import annotations

from importlib import metadata as _metadata

from insta_nb.client import ApiClient
from insta_nb.clock import Clock, SystemClock
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.credentials import Credentials, Secret
from insta_nb.engine import EngineSnapshot, JobKind
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
from insta_nb.service import ClusterRow, Operation, OperationState
from insta_nb.session import Session, SyncSession, connect
from insta_nb.widgets import dashboard

try:
    __version__ = _metadata.version("insta_nb")
except _metadata.PackageNotFoundError:  # pragma: no cover - source tree, not installed
    __version__ = "0+unknown"

__all__ = [
    "APIError",
    "ApiClient",
    "AuthenticationError",
    "BadRequestError",
    "BundleSpec",
    "Clock",
    "ClusterDetails",
    "ClusterRow",
    "ClusterSpec",
    "ClusterStatus",
    "ClusterSummary",
    "ConfigurationError",
    "ConflictError",
    "ConnectError",
    "CreateNotConfirmedError",
    "Credentials",
    "DataCentre",
    "DeadlineExceededError",
    "EncryptionKey",
    "EngineSettings",
    "EngineSnapshot",
    "FirewallRule",
    "FirewallRuleSpec",
    "InstaError",
    "JobCancelledError",
    "JobKind",
    "LegacyClusterSpec",
    "LegacyRack",
    "Node",
    "NotFoundError",
    "Operation",
    "OperationState",
    "PermissionDeniedError",
    "ProtocolError",
    "ProviderSpec",
    "RackAllocation",
    "RateLimitedError",
    "ReadOnlyKeyError",
    "RuleStatus",
    "Secret",
    "ServerError",
    "ServiceSettings",
    "Session",
    "SyncSession",
    "SystemClock",
    "TimeoutError",
    "TransportError",
    "UnexpectedResponseError",
    "UsageError",
    "ValidationError",
    "__version__",
    "connect",
    "dashboard",
]

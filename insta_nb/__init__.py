"""insta_nb: provision, watch and tear down Instaclustr clusters from Jupyter notebooks.

Layers, from the bottom: ``models``/``errors``/``config``/``catalog``/``clock``
(vocabulary), ``engine`` (pacing, retries, the create journal, the shared loop thread),
``backend`` (the seam: a protocol in the toolkit's models) with one package per API
under ``backends`` (``v1``: paths, wire format, validation), ``service`` (inventory,
watching, creates), ``session`` (the front door), ``frame`` (DataFrame view) and
``widgets`` (ipywidgets). ``simulator`` is an independent implementation of the API.

``import insta_nb`` loads neither ipywidgets nor pandas: they load on first use of a
widget or a DataFrame.
"""

from __future__ import annotations

import typing as _typing
from importlib import metadata as _metadata

from insta_nb.backend import Backend
from insta_nb.backends.v1 import ApiClient
from insta_nb.clock import Clock, SystemClock
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.credentials import Credentials, Secret
from insta_nb.engine import EngineSnapshot, JobKind
from insta_nb.environment_spec import EnvironmentSpec, load_environment
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
    TeardownError,
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
    ResizeSpec,
    RuleStatus,
)
from insta_nb.peering import (
    AwsVpcPeeringSpec,
    AzureVpcPeeringSpec,
    GcpVpcPeeringSpec,
    PeeringStatus,
    VpcPeering,
    VpcPeeringSpec,
)
from insta_nb.products import (
    CassandraClusterSpec,
    CassandraDataCentre,
    KafkaClusterSpec,
    KafkaDataCentre,
    OpenSearchClusterSpec,
    OpenSearchDataCentre,
    OpenSearchNodes,
    PostgresqlClusterSpec,
    PostgresqlDataCentre,
    Product,
    ProductClusterSpec,
    RedisClusterSpec,
    RedisDataCentre,
    ZookeeperNodes,
)
from insta_nb.session import (
    ClusterRow,
    Operation,
    OperationState,
    Session,
    SyncSession,
    Watch,
    connect,
)

if _typing.TYPE_CHECKING:
    from insta_nb.widgets import Dashboard


def dashboard(session: Session | None = None, **options: _typing.Any) -> Dashboard:
    """The create form, the live cluster table and the request queue, together.

    Loads ipywidgets on first use; see :func:`insta_nb.widgets.dashboard` for options.
    """
    from insta_nb.widgets import dashboard as make_dashboard

    return make_dashboard(session, **options)


try:
    __version__ = _metadata.version("insta_nb")
except _metadata.PackageNotFoundError:  # pragma: no cover - source tree, not installed
    __version__ = "0+unknown"

__all__ = [
    "APIError",
    "ApiClient",
    "AuthenticationError",
    "AwsVpcPeeringSpec",
    "AzureVpcPeeringSpec",
    "Backend",
    "BadRequestError",
    "BundleSpec",
    "CassandraClusterSpec",
    "CassandraDataCentre",
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
    "EnvironmentSpec",
    "FirewallRule",
    "FirewallRuleSpec",
    "GcpVpcPeeringSpec",
    "InstaError",
    "JobCancelledError",
    "JobKind",
    "KafkaClusterSpec",
    "KafkaDataCentre",
    "LegacyClusterSpec",
    "LegacyRack",
    "Node",
    "NotFoundError",
    "OpenSearchClusterSpec",
    "OpenSearchDataCentre",
    "OpenSearchNodes",
    "Operation",
    "OperationState",
    "PeeringStatus",
    "PermissionDeniedError",
    "PostgresqlClusterSpec",
    "PostgresqlDataCentre",
    "Product",
    "ProductClusterSpec",
    "ProtocolError",
    "ProviderSpec",
    "RackAllocation",
    "RateLimitedError",
    "ReadOnlyKeyError",
    "RedisClusterSpec",
    "RedisDataCentre",
    "ResizeSpec",
    "RuleStatus",
    "Secret",
    "ServerError",
    "ServiceSettings",
    "Session",
    "SyncSession",
    "SystemClock",
    "TeardownError",
    "TimeoutError",
    "TransportError",
    "UnexpectedResponseError",
    "UsageError",
    "ValidationError",
    "VpcPeering",
    "VpcPeeringSpec",
    "Watch",
    "ZookeeperNodes",
    "__version__",
    "connect",
    "dashboard",
    "load_environment",
]

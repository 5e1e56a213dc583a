"""An embedded, faithful simulator of the Instaclustr Provisioning API v1.

It also serves the Cluster Management API v2 over the same account (one store, one
gate, one rate limit): see :mod:`insta_nb.simulator.v2` for its routes and choices.

An independent second implementation of the wire contract: it shares only data
(:mod:`insta_nb.catalog`), status names (:class:`insta_nb.models.ClusterStatus`) and
the :class:`insta_nb.clock.Clock` protocol with the rest of the toolkit, never client,
engine or service code, and builds its JSON by hand, so that it can catch their bugs.

Use it in-process (``sim.transport()``, no sockets) or over loopback HTTP
(``with sim.serve() as url``), or from a shell with ``insta-nb simulator``.

Endpoints (a trailing slash is optional everywhere; every response is JSON):

============================================================  =====================
``GET /provisioning/v1``                                      200 list; 404 if empty
``POST /provisioning/v1/extended/``, ``POST /provisioning/v1/``  202 ``{"id"}``
``GET /provisioning/v1/{id}``                                 202 status
``GET /provisioning/v1/{id}/terraform-description``           202
``PUT /provisioning/v1/{id}``                                 200 (description, 2FA)
``DELETE /provisioning/v1/{id}``                              202 marked for deletion
``POST /provisioning/v1/{id}/cluster-data-centres``           202 ``{"id"}`` of the DC
``GET|POST|PUT|DELETE /provisioning/v1/{id}/firewallRules``   200 / 202
``GET|POST /provisioning/v1/encryption-keys``                 200 / 202 ``{"id"}``
``DELETE /provisioning/v1/encryption-keys/{id}``              202
============================================================  =====================

Choices where the API reference is silent or uncertain (each is what real clients
depend on, or the stricter reading):

- **Order of checks**: latency, outage window (503), 429 storm, dropped connection,
  rate limiter (429), injected 5xx, auth (401/403), body size (413), routing (404/405),
  body (415/400), then the endpoint. Every request that reaches the limiter counts,
  whatever it later gets (401 and 404 included).
- **Rate limit**: per client IP, by arrival time, one request per ``interval``
  (default 2.5 s). Rejected requests do not extend the window unless
  ``count_rejected``; ``Retry-After`` is sent only when ``retry_after`` is set (the
  real API is not known to send it). Body ``{"message": ...}``.
- **Errors**: ``{"message": ...}``; a 400 from validation adds ``"errors"``, mapping
  each offending field to its message. Fields use the API's spelling; problems inside
  ``bundles``, ``dataCentres``, ``firewallRules`` and ``rackAllocation`` are reported
  under that top-level name, each message naming the entry (``bundles[1].version``);
  ``provider`` problems under ``provider.name``, ``provider.diskEncryptionKey``...
  Text that cannot be encoded as UTF-8 (a lone surrogate, ``"\\ud800"``, escaped or
  raw) is refused with a 400 naming each field before any endpoint sees the body, so
  nothing stored can make a later read fail.
- **Auth**: 401 ``{"message": "Not Authorized"}`` with ``WWW-Authenticate: Basic``,
  the same for an unknown username and a wrong key; 403 for the read-only key on any
  method but GET/HEAD.
- **Loose typing**: booleans as ``"true"``/``"false"`` and integers as strings
  (``"3"``) are accepted wherever the API takes booleans and integers; unknown keys
  are ignored (option keys included).
- **Lifecycle** (speed 1): GENESIS 30 s, PROVISIONING 120 s, PROVISIONED 30 s, then
  one node turns RUNNING every 80 s (3 nodes: 420 s). Node addresses appear at
  PROVISIONED; the cluster stays PROVISIONED until every node settled. A data centre
  added to a running cluster provisions the same way while the cluster is JOINING.
  ``cassandraVersion`` is the catalogue version of the base bundle (e.g. ``3.11.4``),
  whatever the bundle.
- **Node faults**: a failing node ends DEFERRED or FAILED when it would have turned
  RUNNING; once every node settled, the cluster is FAILED if any node failed, else
  DEFERRED if any was deferred.
- **Deletion**: DELETE → DELETING (60 s) → DELETED. A DELETING cluster is still listed;
  a DELETED one is not. ``GET /{id}`` answers 202 with DELETED for
  ``deleted_retention`` (600 s), then 404. A second DELETE gets 409 while DELETING and
  404 once DELETED. Names need not be unique (the real API does not promise it; the
  client's reconciliation is what keeps one cluster per name).
- **Create validation**: against :mod:`insta_nb.catalog`, agreeing with the client's
  validation except where ``tests/reliability/test_validation_parity.py`` lists an
  intended difference. ``rackAllocation`` is required where the bundle takes one
  (Redis refuses one); networks are ``a.b.c.d/n`` exactly (no spaces, no netmask form,
  no host bits); multi-DC only for APACHE_CASSANDRA; PCI only on AWS_VPC, not with
  ``catalog.NO_PCI_WITH``, and with Cassandra's ``authnAuthz`` and ``clientEncryption``
  on (the reference's failing PCI example has neither; the client does not check
  this); SPARK is refused with Cassandra ``clientEncryption``; PRODUCTION is refused
  with ``-DEV-`` node sizes.
- **Firewall rules**: start PROVISIONING and turn RUNNING after 20 s. POST answers 409
  only when every listed type is already open to that target (otherwise it opens the
  missing ones); PUT replaces the target's types; DELETE closes the listed types, or
  all when it lists none, and 404s when none were open. Unknown keys (such as the
  Terraform fixture's ``rule_cidr``) are ignored.
- **Encryption keys**: the list is 200 ``[]`` when empty; ``provider`` echoes
  ``providerAccount`` (default ``INSTACLUSTR``); deleting a key that a cluster not yet
  DELETED uses gives 409.
- **Faults**: an outage window answers 503 JSON (it does not drop connections: use
  ``drop_rate`` for that). A dropped connection raises ``httpx.RemoteProtocolError``
  in-process; over HTTP the server starts a response and closes the connection (also
  a protocol error for the client; uvicorn logs one line about it). A lost create
  response raises ``httpx.ReadTimeout`` in-process; over HTTP the response is held
  ``lost_response_hold`` seconds (default 0) and the connection is then closed, so
  set it above the client's timeout to see a timeout instead.
- **Statuses of firewall rules** use the same enum as clusters.
"""

from __future__ import annotations

from insta_nb.simulator.faults import Faults
from insta_nb.simulator.records import ClusterRecord, RequestRecord, SimulatorStats
from insta_nb.simulator.settings import (
    DEFAULT_API_KEY,
    DEFAULT_READ_ONLY_KEY,
    DEFAULT_USERNAME,
    SimulatorCredentials,
    SimulatorSettings,
)
from insta_nb.simulator.simulator import Simulator

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_READ_ONLY_KEY",
    "DEFAULT_USERNAME",
    "ClusterRecord",
    "Faults",
    "RequestRecord",
    "Simulator",
    "SimulatorCredentials",
    "SimulatorSettings",
    "SimulatorStats",
]

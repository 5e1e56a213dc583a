"""The Cluster Management API v2, served by the same simulator as v1 (one account).

Facts: ``/work/shared/api/instaclustr-cluster-management-v2.md``; source tags as there
(SPEC: Instaclustr's OpenAPI file in the operator repository; OP: the Kubernetes
operator; TF2: the Terraform provider; DIK: its generator; [I]: inferred).

Endpoints under ``/cluster-management/v2`` (a trailing slash is optional everywhere;
``{app}`` is ``cassandra``, ``kafka``, ``redis``, ``postgresql`` or ``opensearch``):

=====================================================================  ===================
``POST /resources/applications/{app}/clusters/v2``                     202; 400
``GET  /resources/applications/{app}/clusters/v2/{id}``                200; 404
``PUT  /resources/applications/{app}/clusters/v2/{id}`` (resize)       202; 400; 404; 409
``DELETE /resources/applications/{app}/clusters/v2/{id}``              204; 404
``GET  /data-sources/clusters/v2[?search=name:<name>]``                200
``POST /resources/network-firewall-rules/v2``                          202; 400; 404; 409
``GET|DELETE /resources/network-firewall-rules/v2/{id}``               200|204; 404
``GET  /data-sources/cluster/{id}/network-firewall-rules/v2``          200; 404
``POST /resources/providers/aws/vpc-peers/v2``                         202; 400; 404; 409
``GET|PUT|DELETE /resources/providers/aws/vpc-peers/v2/{id}``          200|202|204; 404
``GET  /data-sources/providers/aws/vpc-peers/v2``                      200
``GET  /data-sources/cluster-data-centres/v2/{cdc}/resize/operations/v2``  200; 404
=====================================================================  ===================

Choices where the facts are uncertain (each module's docstring has the details):

- **One store** [C OP, §11]: a v2 cluster is a v1 cluster of the product's bundle, so
  ``GET /provisioning/v1`` and ``/provisioning/v1/{id}`` show it at once (the operator
  reads v1 right after a v2 create); a v1 cluster of those bundles reads through v2
  under its product [I, TF's ``terraform import`` path]. Firewall rules open types in
  the shared v1 firewall; VPC peers are records of the shared peering book; a PUT
  resize is the same rolling resize v1's resize endpoint runs.
- **One gate**: the same credentials, read-only key (GET only: 403 otherwise), body
  limit, faults and one rate limiter per client IP cover both APIs [C RL2: one limit
  per user]. A lost create response (``Faults.lose_create_response``) strikes v2
  cluster creates too.
- **Errors** [C SPEC §9]: 400 and route 404s in the list shape
  ``{"errors": [{"name", "message"}]}``, ``name`` being the field
  (``dataCentres[0].nodeSize``); 409 and the gate's answers (401, 403, 413, 415, 429,
  503) in the single shape ``{"name", "message"}``. Never a 500: bodies are read by
  :func:`insta_nb.simulator.responses.parse_json` (unencodable text refused, naming the
  field), every check returns a problem instead of raising.
- **Lifecycle** [C SPEC poll marks, OP; I §10]: the v1 lifecycle (GENESIS →
  PROVISIONING → PROVISIONED → nodes RUNNING one by one); ``currentClusterOperationStatus``
  is OPERATION_IN_PROGRESS until the cluster is RUNNING (or a resize is done) and
  NO_OPERATION from the same instant; OPERATION_FAILED when nodes failed. A DELETING
  cluster still reads; a DELETED one is 404 (both clients read 404 as gone); a second
  DELETE while DELETING is 204 again, so a retried teardown never fails.
- **Validation**: per product, as SPEC requires (see :mod:`.cassandra`, :mod:`.kafka`,
  :mod:`.redis`, :mod:`.postgresql`, :mod:`.opensearch`, :mod:`.common`); booleans and
  integers may come as strings (TF2 sends them so); unknown keys are ignored; node
  sizes are checked for shape only (the per-region lists are not in the facts).
- **Names** need not be unique, as on v1: the operator checks the list for a clash
  before it creates, so the API is not relied on to refuse one [C OP; I].
- **List** [C OP ``ListClustersByName``; I]: always one account object; ``search``
  supports ``name:<exact name>`` (what the operator sends); DELETING and DELETED
  clusters are not listed ("only active clusters").
- **Not simulated**: changing a node count through PUT (400 saying so), resize
  cancel, two-factor delete, other products (Kafka Connect, Cadence, ZooKeeper), and
  PUT resize of OpenSearch clusters created through v1 (400 naming ``clusterId``).
"""

from __future__ import annotations

from insta_nb.simulator.v2.errors import V2_ROOT, gate_reply, is_v2, is_v2_create, reason
from insta_nb.simulator.v2.routes import v2_table

__all__ = ["V2_ROOT", "gate_reply", "is_v2", "is_v2_create", "reason", "v2_table"]

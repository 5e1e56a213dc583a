"""The five v2 products: path segment, list ``application``, v1 bundle and validator.

The v1 bundle is how a v2-created cluster appears to v1 reads (one account store);
the reverse mapping lets v2 read a v1-created cluster under the same id [I, facts §11].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from insta_nb.simulator.problems import Problems
from insta_nb.simulator.v2 import cassandra, kafka, opensearch, postgresql, redis
from insta_nb.simulator.v2.plan import V2Plan

__all__ = ["PRODUCTS", "Product", "application_of", "product_of_bundle"]


@dataclass(frozen=True)
class Product:
    """One v2 product."""

    app: str
    #: ``application`` in the cluster-list data source [C SPEC].
    application: str
    #: The v1 bundle of the same product.
    bundle: str
    version_field: str
    validate: Callable[[object], V2Plan | Problems]
    #: Roles of a node of a v1-created cluster read through v2.
    roles: tuple[str, ...]
    #: Whether GET shows ``defaultUserPassword`` (all but Redis) [C SPEC].
    has_password: bool = True

    def check(self, body: object) -> V2Plan | Problems:
        """Validate a create body (anything but an object is refused as a whole)."""
        if not isinstance(body, dict):
            problems = Problems()
            problems.add("body", "must be a JSON object")
            return problems
        return self.validate(body)


PRODUCTS: dict[str, Product] = {
    p.app: p
    for p in (
        Product(
            "cassandra",
            "APACHE_CASSANDRA",
            "APACHE_CASSANDRA",
            "cassandraVersion",
            cassandra.validate,
            ("CASSANDRA",),
        ),
        Product("kafka", "KAFKA", "KAFKA", "kafkaVersion", kafka.validate, ("KAFKA_BROKER",)),
        Product(
            "redis",
            "REDIS",
            "REDIS",
            "redisVersion",
            redis.validate,
            ("REDIS_MASTER",),
            has_password=False,
        ),
        Product(
            "postgresql",
            "POSTGRESQL",
            "POSTGRESQL",
            "postgresqlVersion",
            postgresql.validate,
            ("POSTGRESQL",),
        ),
        Product(
            "opensearch",
            "OPENSEARCH",
            "OPENSEARCH",
            "opensearchVersion",
            opensearch.validate,
            ("OPENSEARCH_MASTER", "OPENSEARCH_DATA"),
        ),
    )
}
_BY_BUNDLE = {p.bundle: p for p in PRODUCTS.values()}
#: v1 bundles that are v2 applications without a v2 product here [C SPEC enum].
_OTHER_APPLICATIONS = {"KAFKA_CONNECT": "KAFKA_CONNECT", "APACHE_ZOOKEEPER": "APACHE_ZOOKEEPER"}


def product_of_bundle(bundle: str) -> Product | None:
    """The v2 product of a v1 base bundle (``None`` when v2 has none here)."""
    return _BY_BUNDLE.get(bundle)


def application_of(bundle: str) -> str:
    """The list's ``application`` for a v1 base bundle; ``UNKNOWN`` when it has none."""
    product = _BY_BUNDLE.get(bundle)
    return product.application if product else _OTHER_APPLICATIONS.get(bundle, "UNKNOWN")

"""The create form on a v2 session: a product picker, each product's spec fields, messages
by the API's field names next to their control, the body preview, duplicate names."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from insta_nb import errors
from insta_nb.products import KafkaClusterSpec, Product
from insta_nb.service import Operation, OperationState
from insta_nb.widgets import CreateForm
from insta_nb.widgets._product_fields import layout_of
from insta_nb.widgets.product_form import ProductForm, create_form_for

from .conftest import World, close_world
from .v2_world import make_v2_world, v2_world  # noqa: F401  (a fixture)


@pytest.fixture
def form(v2_world: World) -> Iterator[ProductForm]:  # noqa: F811
    f = ProductForm(v2_world.session, bridge=v2_world.bridge())
    f.bridge.drain()
    yield f
    f.close()


def kafka(form: ProductForm, name: str = "orders_kafka") -> None:
    form.product.value = Product.KAFKA
    form.controls.control("name").value = name


def body(form: ProductForm) -> dict[str, object]:
    text = re.sub(r"<[^>]+>", "", form.preview.value)
    return dict(json.loads(text.replace("&quot;", '"').replace("&#x27;", "'")))


def test_the_picker_offers_the_five_products_and_each_its_own_fields(form: ProductForm) -> None:
    labels = [label for label, _ in form.product.options]
    assert labels == ["Cassandra", "Kafka", "Redis", "PostgreSQL", "OpenSearch"]
    form.product.value = Product.KAFKA
    keys = {f.key for f in form.layout_now.fields}
    assert {"default_replication_factor", "data_centres.number_of_nodes"} <= keys
    assert "password_and_user_auth" not in keys  # Cassandra's, not Kafka's
    tip = form.controls.control("data_centres.number_of_nodes").tooltip
    assert tip == "Sent as dataCentres[0].numberOfNodes"  # asked of the backend
    form.product.value = Product.OPENSEARCH
    assert "cluster_manager_node_size" in {f.key for f in form.layout_now.fields}
    form.product.value = Product.REDIS
    assert "data_centres.master_nodes" in {f.key for f in form.layout_now.fields}


def test_a_field_added_to_a_spec_appears_without_ui_code() -> None:
    @dataclass(frozen=True, kw_only=True)
    class TieredKafka(KafkaClusterSpec):
        tiered_storage: bool = False

    keys = [f.key for f in layout_of(Product.KAFKA, TieredKafka).fields]
    assert "tiered_storage" in keys


def test_messages_by_api_field_appear_next_to_their_control(form: ProductForm) -> None:
    kafka(form)
    assert not form.submit.disabled
    form.controls.control("data_centres.number_of_nodes").value = 4
    assert "multiple of defaultReplicationFactor" in form.message_of("data_centres.number_of_nodes")
    assert form.submit.disabled
    form.controls.control("default_replication_factor").value = 2
    assert form.message_of("data_centres.number_of_nodes") == ""
    assert not form.submit.disabled
    form.controls.control("version").value = "3.5"
    assert "x.y.z" in form.message_of("version")  # kafkaVersion, shown by "Version"


def test_an_untouched_empty_name_shows_only_when_create_is_pressed(
    form: ProductForm,
    v2_world: World,  # noqa: F811
) -> None:
    form.product.value = Product.KAFKA
    assert form.message_of("name") == ""
    assert form.submit.disabled
    form._on_submit()
    assert "3 to 48 characters" in form.message_of("name")
    form.bridge.drain()
    assert v2_world.sent("POST") == 0


def test_the_preview_is_the_body_the_backend_would_send(form: ProductForm) -> None:
    kafka(form)
    assert body(form) == dict(form.session.preview_create(form.spec()))
    assert body(form)["kafkaVersion"] == "3.5.1"
    assert "kafka" in form.preview_box.get_title(0)
    form.controls.toggle("dedicated_zookeeper").value = True
    assert body(form)["dedicatedZookeeper"] == [
        {"zookeeperNodeSize": "KDZ-DEV-t4g.small-30", "zookeeperNodeCount": 3}
    ]
    form.controls.control("dedicated_zookeeper.node_count").value = 4
    assert form.message_of("dedicated_zookeeper.node_count") == "Must be 3 or 5."


def test_a_bad_number_is_a_message_never_a_crash(form: ProductForm) -> None:
    form.product.value = Product.REDIS
    form.controls.control("name").value = "cache"
    form.controls.control("data_centres.replica_nodes").value = "three"
    assert form.message_of("data_centres.replica_nodes") == "Give a whole number."
    assert form.submit.disabled
    form.controls.control("data_centres.replica_nodes").value = ""  # left to the API
    assert not form.submit.disabled


def test_create_sends_one_request_to_the_products_endpoint(
    form: ProductForm,
    v2_world: World,  # noqa: F811
) -> None:
    kafka(form)
    form.submit.click()
    form.submit.click()  # a double click sends one create
    form._on_submit()
    form.bridge.drain()
    assert v2_world.sent("POST", "/applications/kafka/clusters/v2") == 1
    assert form.created_id is not None
    assert "✓ Created" in form.outcome_text
    assert form.message_of("name") == "A cluster named 'orders_kafka' exists or is being created."
    assert form.submit.disabled


def test_a_name_in_the_table_or_being_created_is_refused(
    v2_world: World,  # noqa: F811
) -> None:
    def being_created() -> None:
        op = Operation("create", "in_flight_name", state=OperationState.SENT)
        v2_world.session.service.operations.append(op)

    v2_world.runner.thread.loop.call_soon_threadsafe(being_created)
    v2_world.on_engine(v2_world.session.service.list_clusters)
    form = ProductForm(v2_world.session, bridge=v2_world.bridge())
    kafka(form, "in_flight_name")
    assert "being created" in form.message_of("name")
    assert form.submit.disabled
    assert form.force.layout.display is None  # offered, as on v1
    form.force.value = True
    assert not form.submit.disabled
    form.close()


def test_the_apis_refusal_shows_next_to_its_field_until_it_changes(
    form: ProductForm,
    v2_world: World,  # noqa: F811
) -> None:
    kafka(form)
    form.controls.control("version").value = "9.9.9"  # well-formed; the API knows no such
    assert not form.submit.disabled
    form.submit.click()
    form.bridge.drain()
    assert form.message_of("version").startswith("API: ")
    assert "Not sent" in form.outcome_text or "Not created" in form.outcome_text
    form.controls.control("version").value = "3.5.1"
    assert form.message_of("version") == ""


def test_a_read_only_key_cannot_create() -> None:
    world = make_v2_world(read_only=True)
    form = ProductForm(world.session, bridge=world.bridge())
    kafka(form)
    assert form.submit.disabled
    assert "read-only" in form.submit.tooltip
    form.close()
    close_world(world)


def test_the_static_snapshot_names_the_product_values_and_problems(form: ProductForm) -> None:
    kafka(form)
    form.controls.control("data_centres.number_of_nodes").value = 4
    text = form.snapshot_text()
    assert "Create a cluster (v2) (embedded simulator)" in text
    assert "Product: Kafka" in text
    assert "Cluster name: orders_kafka" in text
    assert "⚠ dataCentres[0].numberOfNodes: Must be a multiple" in text
    html = form._repr_mimebundle_()["text/html"]
    assert "orders_kafka" in html


@pytest.mark.parametrize("product", list(Product))
def test_each_products_starting_values_create_a_cluster(product: Product) -> None:
    world = make_v2_world()
    form = ProductForm(world.session, bridge=world.bridge())
    assert world.sent("GET") + world.sent("POST") == 0  # building the form sends nothing
    form.product.value = product
    form.controls.control("name").value = f"first_{product.value}"
    if product is Product.KAFKA:
        form.controls.toggle("dedicated_zookeeper").value = True
    assert not form.submit.disabled, form.problems
    form.submit.click()
    form.bridge.drain()
    assert form.created_id is not None, form.outcome_text
    assert world.sent("POST", f"/applications/{product.value}/clusters/v2") == 1
    form.close()
    world.on_engine(lambda: world.session.service.delete_cluster(form.created_id or ""))
    close_world(world)


def test_a_v1_session_is_told_to_use_the_bundle_form(world: World) -> None:
    with pytest.raises(errors.UsageError, match="use CreateForm"):
        ProductForm(world.session, bridge=world.bridge())
    assert isinstance(create_form_for(world.session, bridge=world.bridge()), CreateForm)

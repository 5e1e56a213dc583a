"""The create form: dependent choices, messages per field, Submit guarding, outcomes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from insta_nb import catalog
from insta_nb.simulator import Faults
from insta_nb.widgets import CreateForm
from insta_nb.widgets.create_form import slot_of

from .conftest import World, close_world, make_world


@pytest.fixture
def form(world: World) -> Iterator[CreateForm]:
    bridge = world.bridge()
    f = CreateForm(world.session, bridge=bridge)
    bridge.drain()
    yield f
    f.close()


def drain(form: CreateForm) -> None:
    form.bridge.drain()


def test_versions_addons_and_options_follow_the_bundle(form: CreateForm) -> None:
    assert form.bundle.options == catalog.base_bundles()
    assert set(form.bundle.options) == {
        "APACHE_CASSANDRA", "KAFKA", "OPENSEARCH", "REDIS", "POSTGRESQL",
    }  # fmt: skip
    assert form.version.options == catalog.BUNDLES["APACHE_CASSANDRA"].versions
    assert [a.name for a in form._addons.values()] == ["SPARK", "ZEPPELIN"]
    form.bundle.value = "KAFKA"
    assert form.version.options == catalog.BUNDLES["KAFKA"].versions
    assert form.version.value == catalog.BUNDLES["KAFKA"].versions[-1]
    assert form.size.options == catalog.node_sizes("KAFKA", "AWS_VPC")
    assert "SPARK" not in form._addons
    form.bundle.value = "REDIS"
    assert form.racks_box.layout.display == "none"
    assert form.spec().rack_allocation is None
    assert form.spec().bundles[0].options["masterNodes"] == 3
    form.bundle.value = "OPENSEARCH"
    assert form.racks_box.layout.display is None
    spec = form.spec()
    assert spec.node_size is None
    assert spec.bundles[0].options["masterNodeSize"] == form.size.value


def test_region_and_size_follow_the_provider(form: CreateForm) -> None:
    form.provider.value = "GCP"
    assert form.region.options == catalog.regions("GCP")
    assert form.size.options == catalog.node_sizes("APACHE_CASSANDRA", "GCP")
    assert form.key_box.layout.display == "none"  # encryption keys: AWS only
    form.region.value = "europe-west1"
    form.provider.value = "AZURE_AZ"
    assert form.region.value in catalog.regions("AZURE_AZ")
    form.provider.value = "AWS_VPC"
    assert form.key_box.layout.display is None
    form.region.value = "EU_WEST_1"
    form.bundle.value = "KAFKA"
    assert form.region.value == "EU_WEST_1"  # a still-valid choice is kept


def test_pci_is_offered_only_on_aws_without_spark_or_zeppelin(form: CreateForm) -> None:
    assert not form.pci.disabled
    form.pci.value = True
    form._addons["SPARK"].enabled.value = True
    assert form.pci.disabled
    assert form.pci.value is False
    form._addons["SPARK"].enabled.value = False
    assert not form.pci.disabled
    form.provider.value = "GCP"
    assert form.pci.disabled
    assert form.spec().pci_compliant_cluster is False


def test_messages_appear_next_to_each_field_as_you_type(form: CreateForm) -> None:
    assert form.slot_messages()["name"] == ""  # nothing typed yet is not an error yet
    assert form.submit.disabled
    assert form.submit.tooltip == "Fix 1 problem(s) first"
    form.name.value = "x"
    form.name.value = ""
    assert form.slot_messages()["name"] == "Enter a cluster name."  # touched, then emptied
    form.name.value = "bad name!"
    assert "letters, digits" in form.slot_messages()["name"]
    form.name.value = "good_name"
    assert form.slot_messages()["name"] == ""
    form.network.value = "10.0.0.0/30"
    assert "/12 to /22" in form.slot_messages()["network"]
    assert form.submit.disabled
    form.network.value = "10.224.0.0/16"
    form.racks.value = 9
    assert "1 to 5 racks" in form.slot_messages()["racks"]
    form.racks.value = 3
    form.sla.value = "PRODUCTION"
    form.size.value = "CAS-DEV-t4g.small-5"
    assert "PRODUCTION" in form.slot_messages()["sla"]
    form.sla.value = "NON_PRODUCTION"
    assert not form.problems
    assert not form.submit.disabled


def test_preview_shows_the_exact_body(form: CreateForm) -> None:
    form.name.value = "preview_me"
    form.rule_cidr.value = "203.0.113.7/32"
    form.rule_add.click()
    assert "&quot;clusterName&quot;: &quot;preview_me&quot;" in form.preview.value
    assert "203.0.113.7/32" in form.preview.value
    assert form.spec().firewall_rules[0].rule_types == ("CASSANDRA",)


def test_firewall_rules_are_checked_before_they_are_added(form: CreateForm) -> None:
    form.rule_cidr.value = "300.1.1.1/32"
    assert form.rule_add.disabled
    assert form.slot_messages()["rules"]
    form.rule_add.click()
    assert form.spec().firewall_rules == ()
    form.rule_cidr.value = "198.51.100.0/24"
    assert not form.rule_add.disabled
    form.rule_add.click()
    form.rule_cidr.value = "198.51.100.0/24"
    assert form.slot_messages()["rules"] == "Already in the list."
    assert [r.network for r in form.spec().firewall_rules] == ["198.51.100.0/24"]
    remove = form.rules_box.children[0].children[1]
    assert remove.tooltip
    remove.click()
    assert form.spec().firewall_rules == ()


def test_a_double_click_sends_one_create_and_shows_the_new_id(
    world: World, form: CreateForm
) -> None:
    form.name.value = "once_only"
    assert not form.submit.disabled
    form.submit.click()
    # Headless, the answer waits for drain(): this is the in-flight state.
    assert form.submit.disabled
    assert form.in_flight
    form.submit.click()
    form._on_submit()
    drain(form)
    assert world.sent("POST", "extended") == 1
    assert form.created_id
    assert form.created_id in form.outcome_text
    assert not form.in_flight
    # The name is now taken: the form says so before anything is sent.
    assert "already exists" in form.slot_messages()["name"]
    assert form.submit.disabled
    form.force.value = True
    assert not form.submit.disabled


def test_the_api_error_is_shown_next_to_the_field_it_names(world: World, form: CreateForm) -> None:
    form.bundle.value = "REDIS"
    form.name.value = "few_masters"
    form.redis_masters.value = 1  # only the API knows Redis needs 3 or more
    assert not form.problems
    form.submit.click()
    drain(form)
    assert world.sent("POST", "extended") == 1
    assert "masterNodes" in form.slot_messages()["options"]
    assert form.slot_messages()["options"].startswith("API:")
    assert form.outcome_text.startswith("✖ Not created")
    assert not form.in_flight
    # Changing that field clears the API's message; other edits do not.
    form.private.value = True
    assert "masterNodes" in form.slot_messages()["options"]
    form.redis_masters.value = 3
    assert form.slot_messages()["options"] == ""


def test_reconciling_is_shown_while_a_lost_create_is_looked_for() -> None:
    world = make_world(faults=Faults(lose_create_response=1))
    try:
        bridge = world.bridge()
        form = CreateForm(world.session, bridge=bridge)
        bridge.drain()
        shown: list[str] = []
        form.outcome.observe(lambda c: shown.append(form.outcome_text), names="value")
        form.name.value = "lost_answer"
        form.submit.click()
        bridge.drain(timeout=30)
        assert any(text.startswith("⟳ Reconciling") for text in shown)
        assert form.created_id is not None
        assert world.sent("POST", "extended") == 1  # found by name, never sent twice
        assert form.outcome_text.startswith("✓ Created lost_answer")
        form.close()
    finally:
        close_world(world)


def test_read_only_session_never_enables_submit() -> None:
    world = make_world(read_only=True)
    try:
        bridge = world.bridge()
        form = CreateForm(world.session, bridge=bridge)
        bridge.drain()
        form.name.value = "nope"
        assert not form.problems
        assert form.submit.disabled
        assert "read-only" in form.submit.tooltip
        form._on_submit()
        bridge.drain()
        assert world.sent("POST") == 0
        form.close()
    finally:
        close_world(world)


def test_bad_input_never_breaks_the_form(form: CreateForm) -> None:
    for value in ("", " ", "\x00", "a" * 5000, "名前", "<script>alert(1)</script>"):
        form.name.value = value
        form.network.value = value
        form.rule_cidr.value = value
        form.rule_add.click()
    form.racks.value = -5
    form.nodes_per_rack.value = 10**9
    assert form.submit.disabled
    assert "<script>" not in form.preview.value
    assert "<script>" not in form.messages["name"].value


def test_encryption_keys_are_offered_from_the_account(world: World) -> None:
    key_id = world.on_engine(
        lambda: world.session.service.add_encryption_key(
            "orders", "arn:aws:kms:us-east-1:123456789012:key/abcd"
        )
    )
    bridge = world.bridge()
    form = CreateForm(world.session, bridge=bridge)
    bridge.drain()
    assert key_id in [value for _, value in form.key.options]
    form.key.value = key_id
    form.name.value = "with_key"
    assert form.spec().provider.disk_encryption_key == key_id
    assert not form.problems
    form.provider.value = "GCP"
    assert form.spec().provider.disk_encryption_key is None
    form.close()


def test_closing_cancels_the_forms_queued_requests(world: World) -> None:
    bridge = world.bridge()
    form = CreateForm(world.session, bridge=bridge, load_keys=False)
    form.close()
    bridge.drain()
    assert form.submit.comm is None


@pytest.mark.parametrize(
    ("field", "slot"),
    [
        ("clusterName", "name"),
        ("bundles[0].options.clientEncryption", "options"),
        ("bundles[0].options.masterNodeSize", "size"),
        ("bundles[1].version", "addons"),
        ("bundles", "bundle"),
        ("provider.diskEncryptionKey", "key"),
        ("provider.name", "provider"),
        ("dataCentre", "region"),
        ("rackAllocation.nodesPerRack", "racks"),
        ("firewallRules[0].network", "rules"),
        ("somethingNew", "general"),
    ],
)
def test_api_fields_map_to_form_slots(field: str, slot: str) -> None:
    assert slot_of(field) == slot


def test_an_untouched_empty_name_is_shown_once_create_is_pressed(world: World) -> None:
    form = CreateForm(world.session, bridge=world.bridge())
    form.bridge.drain()
    assert form.slot_messages()["name"] == ""
    assert form.preview_box.selected_index is None  # the request body starts collapsed
    form._on_submit()  # Create (e.g. pressed while disabled): says what is missing
    assert form.slot_messages()["name"] == "Enter a cluster name."
    form.bridge.drain()
    assert world.sent("POST") == 0
    form.close()


def test_the_create_button_keeps_its_width_next_to_a_long_outcome(form: CreateForm) -> None:
    layout = form.submit.layout
    assert layout.flex == "0 0 auto"  # never shrinks to "Crea…"
    assert layout.min_width
    form._show_outcome("ok", "✓ " + "a long outcome message " * 10)
    assert form.submit.layout.flex == "0 0 auto"

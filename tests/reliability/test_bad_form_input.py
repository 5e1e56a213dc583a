"""The create form, driven headless with any input a browser could send."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from insta_nb.widgets import CreateForm

from .widget_world import WidgetWorld, make_widget_world

TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None), max_size=12),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,34}", fullmatch=True),
    st.sampled_from(["", "\x00", "a\tb", "名前", "x" * 100_000, "ok-name", "\u202edrop"]),
)
CIDR_TEXT = st.one_of(
    TEXT,
    st.sampled_from(
        ["203.0.113.7/32", "10.0.0.0/8", "10.0.0.1/8", "1.2.3.4", "::1/128", "1.2.3.4/33", " "]
    ),
)
VALID_NAME = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,20}", fullmatch=True)
NETWORK_TEXT = st.one_of(
    TEXT, st.sampled_from(["10.224.0.0/16", "192.168.0.0/18", "10.0.0.0/33", "8.8.0.0/16"])
)


def pick(data: st.DataObject, dropdown: Any) -> None:
    """Choose one of a dropdown's options, as a user can."""
    values = [o[1] if isinstance(o, tuple) else o for o in dropdown.options]
    if values:
        dropdown.value = data.draw(st.sampled_from(values))


def fill(form: CreateForm, data: st.DataObject) -> None:
    """Set every control the way a browser would: dropdowns to one of their options,
    text to any text, numbers to any integer."""
    for dropdown in (form.bundle, form.provider, form.region, form.version, form.size, form.sla):
        if data.draw(st.booleans()):
            pick(data, dropdown)
    # Each field is valid half the time, so that Submit is reached as well.
    form.name.value = data.draw(st.one_of(VALID_NAME, TEXT))
    form.network.value = data.draw(st.one_of(st.just("10.224.0.0/16"), NETWORK_TEXT))
    form.racks.value = data.draw(st.one_of(st.integers(1, 5), st.integers(-5, 50)))
    form.nodes_per_rack.value = data.draw(st.one_of(st.integers(1, 3), st.integers(-5, 50)))
    form.private.value = data.draw(st.booleans())
    if not form.pci.disabled:
        form.pci.value = data.draw(st.booleans())
    for _ in range(data.draw(st.integers(0, 2))):
        form.rule_cidr.value = data.draw(CIDR_TEXT)
        form.rule_add.click()
    form.rule_cidr.value = data.draw(st.one_of(st.just(""), CIDR_TEXT))


def posts(world: WidgetWorld) -> int:
    return sum(1 for r in world.sim.log if r.method == "POST")


def test_any_form_input_is_refused_naming_the_field_or_created() -> None:
    """Injected: hypothesis-driven form input: every dropdown at any of its options, names
    and networks of any text (unicode, control characters, 100,000 characters), any
    integers for racks and nodes, firewall rules typed with any text, then Submit.
    Checked: the form never raises and always renders (text and HTML snapshots, JSON
    preview); Submit is disabled exactly while a problem is shown, and a click then sends
    nothing; otherwise the one POST sent either created that cluster (its id shown) or
    came back with the API's message next to a named field."""
    world = make_widget_world()
    try:
        check_forms(world)
    finally:
        world.close()


def check_forms(world: WidgetWorld) -> None:
    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def one(data: st.DataObject) -> None:
        form = CreateForm(world.session, load_keys=False)
        try:
            form.bridge.drain()
            fill(form, data)
            problems = dict(form.problems)
            assert form.submit.disabled == bool(problems)
            assert form.snapshot_text()
            assert form.snapshot_html()
            before = posts(world)
            form.submit.click()
            form.bridge.drain()
            if problems:
                event("refused in the form")
                assert posts(world) == before
                for field, message in problems.items():
                    assert field
                    assert message
                return
            assert posts(world) == before + 1
            if form.created_id is not None:
                event("created")
                names = {c.id: c.name for c in world.sim.cluster_records()}
                assert names[form.created_id] == form.name.value
                assert form.created_id in form.outcome_text
            else:
                event("refused by the API")
                assert form.outcome_text.startswith("✖")
                assert form.problems, form.outcome_text
            assert form.snapshot_text()
            assert form.snapshot_html()
        finally:
            form.close()

    one()

"""The v1 wire parsers fed hostile JSON raise only the toolkit's errors (issue 10 §5).

Part of the public-errors property (``test_public_errors.py``): every parser of
:mod:`insta_nb.backends.v1.wire` (found by name) gets random JSON and mutations of a body
it accepts; every path builder gets hostile ids. Nothing but an
:class:`~insta_nb.errors.InstaError` may come out: a body from the wire is never an
argument error.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insta_nb import errors
from insta_nb.backends.v1 import wire

from .hostile import ANYTHING, TEXT, WIRE_TEMPLATES, json_values, mutated

#: Wire functions left out, and why.
WIRE_EXCLUDED = {
    "spec_to_json": "fed only specs that validation passed (preview_create covers it)",
    "legacy_spec_to_json": "fed only legacy specs that validation passed",
    "firewall_rule_to_json": "fed only rules that validation passed",
    "encryption_key_to_json": "fed only key fields that validation passed",
}

# --- the wire parsers ---------------------------------------------------------------------------


def wire_parsers() -> list[str]:
    return sorted(
        n
        for n in wire.__all__
        if callable(getattr(wire, n))
        and n not in WIRE_EXCLUDED
        and (n.startswith("parse_") or n.endswith("_from_json"))
    )


def wire_path_builders() -> list[str]:
    return sorted(
        n
        for n in wire.__all__
        if callable(getattr(wire, n)) and n not in WIRE_EXCLUDED and n not in wire_parsers()
    )


def test_every_wire_function_is_a_parser_a_path_builder_or_excluded() -> None:
    named = set(wire_parsers()) | set(wire_path_builders()) | set(WIRE_EXCLUDED)
    assert {n for n in wire.__all__ if callable(getattr(wire, n))} == named
    assert all(n.endswith("_path") or n == "check_path_id" for n in wire_path_builders())


@pytest.mark.parametrize("name", wire_parsers())
def test_a_wire_parser_fed_hostile_json_raises_only_the_toolkits_errors(name: str) -> None:
    """Injected: random JSON and mutations of a body each v1 parser accepts (awkward
    numerals, non-finite numbers, surrogates, wrong shapes in the places it reads).
    Checked: a value or an InstaError with a message; nothing else."""
    parse = getattr(wire, name)
    extra = {p: "c-1" for p in inspect.signature(parse).parameters if p == "cluster_id"}

    bodies = json_values()
    if name in WIRE_TEMPLATES:
        parse(WIRE_TEMPLATES[name], **extra)  # the template itself is accepted
        bodies = st.one_of(bodies, mutated(WIRE_TEMPLATES[name]), mutated(WIRE_TEMPLATES[name]))

    @settings(max_examples=300, deadline=None)
    @given(body=bodies)
    def prop(body: Any) -> None:
        try:
            parse(body, **extra)
        except errors.InstaError as exc:
            error = exc
        else:
            return
        assert str(error).strip(), f"{name} raised an error saying nothing"

    prop()


@pytest.mark.parametrize("name", wire_path_builders())
def test_a_path_builder_refuses_a_bad_id_with_the_toolkits_error(name: str) -> None:
    """Injected: hostile ids to every path builder. Checked: a ValidationError, or a path
    with no ``..`` segment and no query."""

    @settings(max_examples=200, deadline=None)
    @given(value=st.one_of(TEXT, ANYTHING))
    def prop(value: Any) -> None:
        try:
            path = getattr(wire, name)(value)
        except errors.ValidationError:
            return
        assert isinstance(path, str)
        assert "/../" not in f"{path}/"
        assert "?" not in path

    prop()

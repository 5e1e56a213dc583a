""" "My address": the address an echo sees, asked on click; the local one as a fallback.

The echo is a loopback stand-in (`tests/harness/address_echo.py`) named by
`INSTA_NB_ADDRESS_ECHO_URL`, as a user would set it; the lookup runs on the engine's
thread and its answer reaches the form when the headless bridge is drained.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from insta_nb.config import ENV_ADDRESS_ECHO_URL
from insta_nb.widgets import CreateForm
from insta_nb.widgets._myaddress import MyAddress, local_ipv4_addresses, my_address_guess
from tests.harness.address_echo import AddressEcho, address_echo

from .conftest import World

pytestmark = pytest.mark.loopback

DEAD_ECHO = "http://127.0.0.1:9/"  # nothing listens on the discard port


@pytest.fixture
def form(world: World) -> Iterator[CreateForm]:
    bridge = world.bridge()
    f = CreateForm(world.session, bridge=bridge, load_keys=False)
    bridge.drain()
    yield f
    f.close()


@pytest.fixture
def echo(monkeypatch: pytest.MonkeyPatch) -> Iterator[AddressEcho]:
    with address_echo(b"203.0.113.7\n") as stand_in:
        monkeypatch.setenv(ENV_ADDRESS_ECHO_URL, stand_in.url)
        yield stand_in


def service(echo: AddressEcho) -> str:
    return echo.url.removeprefix("http://").rstrip("/")


def note(form: CreateForm) -> str:
    return form.slot_messages()["rules"]


def test_the_tooltip_names_the_default_echo_over_https(
    form: CreateForm, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_ADDRESS_ECHO_URL)
    tip = MyAddress(type(form.rule_mine)(), form.bridge, lambda *_: None).button.tooltip
    assert "one HTTPS request to checkip.amazonaws.com, sent only when you click" in tip


def local_guess(monkeypatch: pytest.MonkeyPatch, address: str | None) -> None:
    monkeypatch.setattr("insta_nb.widgets._myaddress.my_address_guess", lambda: address)


def test_a_click_asks_the_echo_once_and_fills_in_what_it_sees(
    echo: AddressEcho, form: CreateForm
) -> None:
    button = form.rule_mine
    assert f"one HTTP request to {service(echo)}" in button.tooltip
    assert "only when you click" in button.tooltip
    assert echo.requests == 0  # building the form asks nothing

    button.click()
    # The click returns at once: the answer arrives later, on the widgets' thread.
    assert (button.description, button.disabled) == (MyAddress.BUSY, True)
    assert note(form) == f"Asking {service(echo)} which address it sees you from…"
    button.click()  # a second click while looking up asks nothing more
    form.bridge.drain()

    assert form.rule_cidr.value == "203.0.113.7/32"
    assert note(form).startswith(f"203.0.113.7 is the address {service(echo)} sees you from")
    assert (button.description, button.disabled) == (MyAddress.IDLE, False)
    assert not form.rule_add.disabled  # a valid rule, ready to add
    assert echo.requests == 1


def test_an_unreachable_echo_falls_back_to_the_local_address_and_says_so(
    form: CreateForm, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_ADDRESS_ECHO_URL, DEAD_ECHO)
    local_guess(monkeypatch, "192.0.2.44")
    form.rule_mine.click()
    form.bridge.drain()
    assert form.rule_cidr.value == "192.0.2.44/32"
    assert note(form) == (
        "Could not reach 127.0.0.1:9 (could not connect). 192.0.2.44 is your local address, "
        "which a firewall behind NAT will not see: check it before adding."
    )
    assert form.rule_mine.description == MyAddress.IDLE


def test_an_answer_that_is_not_an_address_is_refused(
    echo: AddressEcho, form: CreateForm, monkeypatch: pytest.MonkeyPatch
) -> None:
    echo.body = b"<html><body>Please log in to the hotel wifi</body></html>"
    local_guess(monkeypatch, None)
    form.rule_mine.click()
    form.bridge.drain()
    assert form.rule_cidr.value == ""
    assert note(form) == (
        f"Could not reach {service(echo)} (the answer is not an IP address). No local "
        "address was found either: type your public address."
    )


def test_a_bad_setting_is_named_and_nothing_is_sent(
    echo: AddressEcho, form: CreateForm, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_ADDRESS_ECHO_URL, "http://checkip.example.org")
    local_guess(monkeypatch, "192.0.2.44")
    form.rule_mine.click()
    form.bridge.drain()
    assert ENV_ADDRESS_ECHO_URL in note(form)
    assert "which a firewall behind NAT will not see" in note(form)
    assert form.rule_cidr.value == "192.0.2.44/32"
    assert echo.requests == 0


# -- the local fallback ---------------------------------------------------------------------


def test_public_beats_private_and_loopback_is_skipped() -> None:
    found = ["127.0.0.1", "169.254.3.4", "10.1.2.3", "1.2.3.4"]
    assert my_address_guess(found) == "1.2.3.4"
    assert my_address_guess(["127.0.0.1", "10.1.2.3", "not an address"]) == "10.1.2.3"
    assert my_address_guess(["127.0.0.1"]) is None
    assert my_address_guess([]) is None


def test_interfaces_are_read_locally() -> None:
    addresses = local_ipv4_addresses()
    assert all(a.count(".") == 3 for a in addresses)

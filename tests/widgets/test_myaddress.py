"""The "my address" guess is local: interface addresses, public first, no traffic."""

from __future__ import annotations

from insta_nb.widgets._myaddress import local_ipv4_addresses, my_address_guess


def test_public_beats_private_and_loopback_is_skipped() -> None:
    found = ["127.0.0.1", "169.254.3.4", "10.1.2.3", "1.2.3.4"]
    assert my_address_guess(found) == "1.2.3.4"
    assert my_address_guess(["127.0.0.1", "10.1.2.3", "not an address"]) == "10.1.2.3"
    assert my_address_guess(["127.0.0.1"]) is None
    assert my_address_guess([]) is None


def test_interfaces_are_read_locally() -> None:
    addresses = local_ipv4_addresses()
    assert all(a.count(".") == 3 for a in addresses)

"""Webhooks reach public addresses, and private ones only in the networks a center allows."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.channels.webhook_targets import TargetRefusedError, allowed, checked, networks

LAN = networks(["10.1.0.0/16", " fd00::/8 ", ""])


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.5", "192.168.1.10", "172.16.0.1", "169.254.169.254", "0.0.0.0",  # noqa: S104
     "::1",
     "fe80::1", "224.0.0.1", "100.64.0.1", "::ffff:127.0.0.1"],
)  # fmt: skip
def test_loopback_private_link_local_and_multicast_are_refused(address: str) -> None:
    with pytest.raises(TargetRefusedError, match="not a public address"):
        checked("crm.example", [address], ())


def test_public_addresses_pass_and_the_first_is_connected_to() -> None:
    assert checked("crm.example", ["93.184.216.34", "2606:2800:220:1::1"], ()) == "93.184.216.34"


def test_one_private_address_among_public_ones_refuses_the_host() -> None:
    with pytest.raises(TargetRefusedError, match=r"10\.0\.0\.5"):
        checked("crm.example", ["93.184.216.34", "10.0.0.5"], ())


def test_an_allowed_network_lets_its_addresses_through_and_no_other() -> None:
    assert checked("crm.lan", ["10.1.2.3"], LAN) == "10.1.2.3"
    assert checked("crm.lan", ["fd12::5"], LAN) == "fd12::5"
    with pytest.raises(TargetRefusedError):
        checked("crm.lan", ["10.2.0.1"], LAN)
    with pytest.raises(TargetRefusedError, match="does not resolve"):
        checked("nowhere.example", [], LAN)


@given(st.ip_addresses())
def test_an_address_passes_exactly_when_public_or_in_an_allowed_network(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    expected = (address.is_global and not address.is_multicast) or any(address in n for n in LAN)
    assert allowed(address, LAN) == expected
    if expected:
        assert checked("h", [str(address)], LAN) == str(address)
    else:
        with pytest.raises(TargetRefusedError):
            checked("h", [str(address)], LAN)

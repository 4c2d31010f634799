import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtp_tui.core.addresses import (
    InputError,
    is_ip_address,
    parse_address,
    parse_domain,
    parse_target,
)


def test_internationalized_domains_are_shown_both_ways():
    domain = parse_domain("Bücher.test")
    assert domain.ascii == "xn--bcher-kva.test"
    assert domain.unicode == "bücher.test"
    assert domain.shown() == "bücher.test (xn--bcher-kva.test)"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "nodot",
        "a..b.test",
        "-bad.test",
        "under_score.test",
        "sp ace.test",
        "x" * 64 + ".t",
        "192.0.2.1",
        "a@b.test",
        "evil\x1b.test",
    ],
)
def test_malformed_domains_get_a_clear_error(bad):
    with pytest.raises(InputError):
        parse_domain(bad)


def test_addresses_accept_optional_brackets():
    assert parse_address("<bob@example.test>").text == "bob@example.test"
    assert parse_address("bob@Example.TEST").domain.ascii == "example.test"


@pytest.mark.parametrize(
    "bad",
    [
        "bob",
        "@example.test",
        "bob@",
        "b ob@example.test",
        "bob@exa mple.test",
        "x" * 65 + "@a.test",
    ],
)
def test_malformed_addresses_get_a_clear_error(bad):
    with pytest.raises(InputError):
        parse_address(bad)


def test_target_is_an_address_or_a_domain():
    domain, address = parse_target("alice@example.test")
    assert domain.ascii == "example.test" and address and address.local == "alice"
    domain, address = parse_target("example.test")
    assert address is None


def _ipaddress_says(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    "text",
    [
        "192.0.2.1",
        "[192.0.2.1]",
        "0.0.0.0",
        "255.255.255.255",
        "256.1.1.1",
        "01.2.3.4",
        "1.2.3",
        "1.2.3.4.5",
        "1..2.3",
        "1.2.3.4.",
        "",
        "::1",
        "[2001:db8::25]",
        "fe80::1%eth0",
        "2001:db8::g",
        "mx1.example.test",
        "192.0.2.1x",
        "١٢٣.1.1.1",
    ],
)
def test_ip_addresses_are_told_as_ipaddress_tells_them(text):
    """The dotted quad is checked by the C library, not ipaddress (issue 15): same answers."""
    assert is_ip_address(text) == _ipaddress_says(text)


@given(st.lists(st.text("0123456789", max_size=4), min_size=1, max_size=6).map(".".join))
def test_any_dotted_digits_are_told_as_ipaddress_tells_them(text):
    assert is_ip_address(text) == _ipaddress_says(text)

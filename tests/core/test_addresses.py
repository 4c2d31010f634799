import pytest

from smtp_tui.core.addresses import InputError, parse_address, parse_domain, parse_target


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

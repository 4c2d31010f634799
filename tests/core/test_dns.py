"""Each DNS case against the lab's DNS server."""

import pytest

from smtp_tui.core.addresses import InputError, parse_domain
from smtp_tui.core.dns import DnsError, DnsFailure, lookup_mx, make_resolver, parse_dns_server


async def mx(resolver, name):
    return await lookup_mx(parse_domain(name), resolver)


async def test_mx_records_come_sorted_by_preference_with_addresses(resolver):
    result = await mx(resolver, "example.test")
    assert [(h.preference, h.host) for h in result.hosts] == [
        (10, "mx1.example.test"),
        (20, "mx2.example.test"),
    ]
    assert result.hosts[0].addresses == ("127.0.25.1",)
    assert not result.implicit and not result.null_mx


async def test_equal_preferences_are_flagged(resolver):
    result = await mx(resolver, "equal.test")
    assert all("shares preference" in h.notes[0] for h in result.hosts)
    assert any("random" in note for note in result.notes)


async def test_no_mx_falls_back_to_the_implicit_mx(resolver):
    result = await mx(resolver, "implicit.test")
    assert result.implicit
    assert result.hosts[0].host == "implicit.test"
    assert result.hosts[0].addresses == ("127.0.25.1",)


async def test_null_mx_says_the_domain_accepts_no_mail(resolver):
    result = await mx(resolver, "nullmx.test")
    assert result.null_mx and not result.hosts
    assert "accepts no mail" in result.notes[0]


async def test_cname_mx_target_is_warned_about(resolver):
    result = await mx(resolver, "cname.test")
    assert "CNAME" in result.hosts[0].notes[0]
    assert result.hosts[0].addresses == ("127.0.25.1",)


async def test_ip_literal_mx_target_is_warned_about(resolver):
    result = await mx(resolver, "iplit.test")
    assert "IP address" in result.hosts[0].notes[0]


async def test_mx_host_without_address_is_reported(resolver):
    result = await mx(resolver, "noaddr.test")
    assert not result.hosts[0].usable
    assert any("cannot be delivered" in note for note in result.notes)


async def test_internationalized_domain_is_looked_up_in_ascii(resolver):
    result = await mx(resolver, "bücher.test")
    assert result.domain.ascii == "xn--bcher-kva.test"
    assert result.hosts[0].host == "mx1.example.test"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("nowhere.test", DnsFailure.NXDOMAIN),
        ("empty.test", DnsFailure.NO_ANSWER),
        ("servfail.test", DnsFailure.SERVFAIL),
        ("blackhole.test", DnsFailure.TIMEOUT),
    ],
)
async def test_dns_failures_are_told_apart(resolver, name, kind):
    with pytest.raises(DnsError) as caught:
        await mx(resolver, name)
    assert caught.value.kind is kind


async def test_unreachable_resolver_is_its_own_failure(lab):
    # A port on loopback where nothing listens: ICMP port unreachable, at once.
    resolver = make_resolver(parse_dns_server(f"127.0.0.1:{lab.smtp_port}"), timeout=1.0)
    with pytest.raises(DnsError) as caught:
        await mx(resolver, "example.test")
    assert caught.value.kind in (DnsFailure.NO_NAMESERVERS, DnsFailure.TIMEOUT)


def test_resolver_address_is_checked():
    assert parse_dns_server("127.0.0.1:5353").port == 5353
    assert parse_dns_server("[::1]:5353").server == "::1"
    assert parse_dns_server("::1").port == 53
    for bad in ("dns.google", "127.0.0.1:99999", "[::1]x"):
        with pytest.raises(InputError):
            parse_dns_server(bad)

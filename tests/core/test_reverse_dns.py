"""Reverse DNS per family: PTR, forward-confirmed, generic naming, EHLO match; DNS failures
are "could not check", never "no PTR"."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator

import dns.asyncresolver
import dns.zone
import pytest

from smtp_tui.core.dns import make_resolver, parse_dns_server
from smtp_tui.core.reverse_dns import check_reverse_dns, looks_generic
from smtp_tui.lab.dns_server import LabDnsServer, load_lab_zones

# IPv4 PTRs outside the lab's reverse.zone: a generic name and a proper one.
REVERSE_26 = """
$ORIGIN 26.0.127.in-addr.arpa.
$TTL 60
@ IN SOA ns.lab.test. hostmaster.lab.test. 1 3600 600 86400 60
@ IN NS ns.lab.test.
7 IN PTR relay.sender.test.
8 IN PTR 127-0-26-8.dynamic.sender.test.
"""


@pytest.fixture
async def resolver26() -> AsyncIterator[dns.asyncresolver.Resolver]:
    extra = dns.zone.from_text(REVERSE_26, origin="26.0.127.in-addr.arpa.", relativize=False)
    server = LabDnsServer([extra, *load_lab_zones()])
    await server.start()
    try:
        yield make_resolver(parse_dns_server(f"127.0.0.1:{server.port}"), timeout=1.0)
    finally:
        await server.stop()


async def test_proper_ipv4_ptr(resolver):
    found = await check_reverse_dns(resolver, "127.0.0.1", "client.lab.test")
    assert found.as_json() == {
        "ip": "127.0.0.1",
        "ptr": "client.lab.test",
        "forward_confirmed": True,
        "generic": False,
        "matches_helo": True,
    }
    assert found.problems == () and found.family == "ipv4"


async def test_proper_ipv6_ptr_is_confirmed_through_aaaa(resolver):
    found = await check_reverse_dns(resolver, "2001:db8:25::7", "mail.sender.test")
    assert found.family == "ipv6" and found.ptr == "mail.sender.test"
    assert found.forward_confirmed and found.matches_helo and not found.generic


@pytest.mark.parametrize("ip", ["2001:db8:25::8"])
async def test_generic_ipv6_ptr(resolver, ip):
    found = await check_reverse_dns(resolver, ip, "mail.sender.test")
    assert found.generic and found.forward_confirmed and found.matches_helo is False
    assert any("looks generic" in problem for problem in found.problems)


async def test_generic_and_proper_ipv4_ptr(resolver26):
    generic = await check_reverse_dns(resolver26, "127.0.26.8")
    assert generic.generic and generic.forward_confirmed  # generic, though confirmed
    proper = await check_reverse_dns(resolver26, "127.0.26.7", "relay.sender.test")
    assert proper.generic is False and proper.forward_confirmed and proper.matches_helo


@pytest.mark.parametrize("ip", ["127.0.25.66", "2001:db8:25::a"])
async def test_ptr_that_does_not_lead_back(resolver, ip):
    found = await check_reverse_dns(resolver, ip)
    assert found.ptr is not None and found.forward_confirmed is False
    assert "does not resolve back" in found.problems[0]


@pytest.mark.parametrize("ip", ["127.0.25.99", "2001:db8:25::9"])
async def test_no_ptr(resolver, ip):
    found = await check_reverse_dns(resolver, ip, "client.lab.test")
    assert found.has_ptr is False and found.ptr is None
    assert found.as_json()["forward_confirmed"] is None
    assert "no reverse DNS" in found.problems[0]


async def test_a_dns_failure_is_could_not_check_not_no_ptr(resolver):
    # The lab serves no 10.in-addr.arpa zone: its server answers REFUSED.
    found = await check_reverse_dns(resolver, "10.1.2.3")
    assert found.has_ptr is None and found.error is not None
    assert found.problems == ()
    assert "could not check" in found.lines()[0]


async def test_ipv4_mapped_is_checked_as_ipv4(resolver):
    found = await check_reverse_dns(resolver, "::ffff:127.0.0.1")
    assert found.ip == "127.0.0.1" and found.ptr == "client.lab.test"


@pytest.mark.parametrize(
    ("name", "ip", "generic"),
    [
        ("dsl-192-0-2-7.pool.example.net", "192.0.2.7", True),
        ("7.2.0.192.customers.example.net", "192.0.2.7", True),
        ("c0000207.example.net", "192.0.2.7", True),
        ("host.dynamic.example.net", "192.0.2.7", True),
        ("mail.example.com", "192.0.2.7", False),
        ("smtp-out.example.com", "192.0.2.7", False),
        ("client.lab.test", "127.0.0.1", False),
        ("2001-db8--7.ip.example.net", "2001:db8::7", True),
        ("mx.example.com", "2001:db8::7", False),
    ],
)
def test_generic_naming(name, ip, generic):
    assert looks_generic(name, ipaddress.ip_address(ip)) is generic

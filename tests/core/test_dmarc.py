"""DMARC: the record a receiver would find (RFC 7489 and DMARCbis), its tags, SPF alignment."""

from __future__ import annotations

from collections.abc import AsyncIterator

import dns.asyncresolver
import dns.zone
import pytest

from smtp_tui.core.dmarc import aligned, check_dmarc, organisational_domain, parse_dmarc
from smtp_tui.core.dns import make_resolver, parse_dns_server
from smtp_tui.lab.dns_server import LabDnsServer, load_lab_zones

# example.co.uk-style names to check the small public-suffix rule, and an intermediate record
# that only DMARCbis's tree walk finds.
WALK_ZONE = """
$ORIGIN walk.test.
$TTL 60
@ IN SOA ns.lab.test. hostmaster.lab.test. 1 3600 600 86400 60
@ IN NS ns.lab.test.
_dmarc IN TXT "v=DMARC1; p=reject; sp=quarantine"
_dmarc.mid IN TXT "v=DMARC1; p=none"
_dmarc.two IN TXT "v=DMARC1; p=none"
_dmarc.two IN TXT "v=DMARC1; p=reject"
_dmarc.norua IN TXT "v=DMARC1; p=bogus"
_dmarc.onlyrua IN TXT "v=DMARC1; rua=mailto:r@walk.test"
_dmarc.notfirst IN TXT "p=reject; v=DMARC1"
"""


@pytest.fixture
async def walk_resolver() -> AsyncIterator[dns.asyncresolver.Resolver]:
    walk = dns.zone.from_text(WALK_ZONE, origin="walk.test.", relativize=False)
    server = LabDnsServer([walk, *load_lab_zones()])
    await server.start()
    try:
        yield make_resolver(parse_dns_server(f"127.0.0.1:{server.port}"), timeout=1.0)
    finally:
        await server.stop()


@pytest.mark.parametrize(
    ("domain", "policy", "inherited"),
    [
        ("pass.sender.test", "reject", False),
        ("softfail.sender.test", "quarantine", False),
        ("neutral.sender.test", "none", True),  # the organisational domain's record
    ],
)
async def test_the_lab_has_each_policy(resolver, domain, policy, inherited):
    result = await check_dmarc(resolver, domain)
    assert result.applied_policy == policy and result.inherited is inherited
    assert result.error is None and not result.missing


async def test_tags_and_json(resolver):
    result = await check_dmarc(
        resolver, "pass.sender.test", mail_from_domain="pass.sender.test", spf_passed=True
    )
    assert result.record is not None and result.record.rua == ("mailto:dmarc@pass.sender.test",)
    assert result.as_json() == {
        "domain": "pass.sender.test",
        "record": "v=DMARC1; p=reject; aspf=s; adkim=s; rua=mailto:dmarc@pass.sender.test",
        "policy": "reject",
        "subdomain_policy": "reject",
        "aspf": "s",
        "adkim": "s",
        "spf_aligned": True,
    }


async def test_strict_spf_alignment_fails_for_a_subdomain_bounce_address(resolver):
    result = await check_dmarc(
        resolver, "pass.sender.test", mail_from_domain="bounce.pass.sender.test", spf_passed=True
    )
    assert result.spf_aligned is False  # aspf=s
    relaxed = await check_dmarc(
        resolver, "neutral.sender.test", mail_from_domain="pass.sender.test", spf_passed=True
    )
    assert relaxed.spf_aligned is True  # same organisational domain, aspf=r
    failed = await check_dmarc(
        resolver, "pass.sender.test", mail_from_domain="pass.sender.test", spf_passed=False
    )
    assert failed.spf_aligned is False
    unknown = await check_dmarc(resolver, "pass.sender.test", mail_from_domain="pass.sender.test")
    assert unknown.spf_aligned is None


async def test_no_record_anywhere_is_missing_and_a_dns_failure_is_not(resolver, walk_resolver):
    missing = await check_dmarc(resolver, "example.test")
    assert missing.missing and missing.as_json()["record"] is None
    assert "no record" in missing.lines()[0]
    failed = await check_dmarc(resolver, "x.servfail.test")
    assert failed.error is not None and not failed.missing
    assert "could not check" in failed.lines()[0]


async def test_dmarcbis_tree_walk_is_named_when_it_finds_a_nearer_record(walk_resolver):
    result = await check_dmarc(walk_resolver, "a.mid.walk.test")
    assert result.record is not None and result.record.found_at == "walk.test"  # RFC 7489
    assert result.applied_policy == "quarantine"  # sp of the organisational domain
    assert result.bis_record is not None and result.bis_record.found_at == "mid.walk.test"
    assert any("DMARCbis" in line for line in result.lines())


async def test_record_rules(walk_resolver):
    two = await check_dmarc(walk_resolver, "two.walk.test")  # two records: none applies
    assert two.record is not None and two.record.found_at == "walk.test"
    bad = await check_dmarc(walk_resolver, "norua.walk.test")
    assert bad.record is not None and bad.record.policy is None
    rua_only = await check_dmarc(walk_resolver, "onlyrua.walk.test")
    assert rua_only.record is not None and rua_only.record.policy == "none"
    not_first = await check_dmarc(walk_resolver, "notfirst.walk.test")
    assert not_first.record is not None and not_first.record.found_at == "walk.test"


def test_organisational_domain_with_the_small_suffix_rule():
    assert organisational_domain("a.b.example.com") == "example.com"
    assert organisational_domain("mail.example.co.uk") == "example.co.uk"
    assert organisational_domain("example.com") == "example.com"
    assert aligned("bounce.example.com", "example.com", "r")
    assert not aligned("bounce.example.com", "example.com", "s")
    assert not aligned("example.net", "example.com", "r")


def test_parse_needs_v_first():
    assert parse_dmarc("v=DMARC1; p=none", "x.test") is not None
    assert parse_dmarc("v=DMARC1;p=none", "x.test") is not None
    assert parse_dmarc("p=none; v=DMARC1", "x.test") is None
    assert parse_dmarc("v=spf1 -all", "x.test") is None

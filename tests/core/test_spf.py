"""SPF evaluated per RFC 7208 check_host(), against the lab's DNS and a zone made for each rule."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator

import dns.asyncresolver
import dns.zone
import pytest

from smtp_tui.core.dns import make_resolver, parse_dns_server
from smtp_tui.core.spf import SpfCheck, SpfLookups, SpfResult, check_spf
from smtp_tui.core.spf_syntax import (
    MacroContext,
    SpfSyntaxError,
    expand,
    is_spf_record,
    parse_record,
)
from smtp_tui.lab.dns_server import LabDnsServer, load_lab_zones

# One name per rule; every record is evaluated for 192.0.2.3 or 2001:db8::cb01 unless a test
# says otherwise.
UNIT_ZONE = """
$ORIGIN unit.test.
$TTL 60
@ IN SOA ns.lab.test. hostmaster.lab.test. 1 3600 600 86400 60
@ IN NS ns.lab.test.
cidr          IN TXT "v=spf1 a:host.unit.test/24//64 -all"
host          IN A    192.0.2.200
host          IN AAAA 2001:db8::1
mx            IN TXT "v=spf1 mx -all"
mx            IN MX  10 host.unit.test.
mx24          IN TXT "v=spf1 mx/24 -all"
mx24          IN MX  10 host.unit.test.
manymx        IN TXT "v=spf1 mx -all"
manymx        IN MX  1 m1.unit.test.
manymx        IN MX  2 m2.unit.test.
manymx        IN MX  3 m3.unit.test.
manymx        IN MX  4 m4.unit.test.
manymx        IN MX  5 m5.unit.test.
manymx        IN MX  6 m6.unit.test.
manymx        IN MX  7 m7.unit.test.
manymx        IN MX  8 m8.unit.test.
manymx        IN MX  9 m9.unit.test.
manymx        IN MX  10 m10.unit.test.
manymx        IN MX  11 m11.unit.test.
ptr           IN TXT "v=spf1 ptr:client.lab.test -all"
ptrnomatch    IN TXT "v=spf1 ptr:elsewhere.test -all"
ip6           IN TXT "v=spf1 ip6:2001:db8::/32 -all"
twice         IN TXT "v=spf1 -all"
twice         IN TXT "v=spf1 +all"
spf2          IN TXT "v=spf10 +all"
spf2          IN TXT "spf2.0/pra +all"
inclnone      IN TXT "v=spf1 include:none.sender.test -all"
inclfail      IN TXT "v=spf1 include:fail.sender.test ~all"
redirnone     IN TXT "v=spf1 redirect=none.sender.test"
allfirst      IN TXT "v=spf1 -all redirect=pass.sender.test"
unknownmod    IN TXT "v=spf1 foo=bar exp=explain.unit.test ip4:192.0.2.0/24 -all"
badmech       IN TXT "v=spf1 ipv4:192.0.2.3 -all"
badmacro      IN TXT "v=spf1 exists:%{x}.unit.test -all"
errfirst      IN TXT "v=spf1 include:spf.servfail.test ip4:192.0.2.3 -all"
errlater      IN TXT "v=spf1 ip4:192.0.2.3 include:spf.servfail.test -all"
qualifiers    IN TXT "v=spf1 ?ip4:192.0.2.3 -all"
nospf         IN TXT "just text"
sender        IN TXT "v=spf1 exists:%{l}.users.unit.test -all"
strong-bad.users IN A 127.0.0.2
"""


@pytest.fixture
async def resolver() -> AsyncIterator[dns.asyncresolver.Resolver]:
    unit = dns.zone.from_text(UNIT_ZONE, origin="unit.test.", relativize=False)
    server = LabDnsServer([unit, *load_lab_zones()])
    await server.start()
    try:
        yield make_resolver(parse_dns_server(f"127.0.0.1:{server.port}"), timeout=1.0)
    finally:
        await server.stop()


async def spf(
    resolver: dns.asyncresolver.Resolver, domain: str, ip: str = "192.0.2.3", **kwargs: str
) -> SpfCheck:
    lookups = SpfLookups(resolver)
    try:
        return await check_spf(lookups, ip, domain, **kwargs)
    finally:
        await lookups.close()


# ------------------------------------------------------------------ the lab's outcomes


@pytest.mark.parametrize("ip", ["127.0.0.1", "2001:db8:25::7"])
async def test_pass_through_a_chain_of_includes_names_every_deciding_term(resolver, ip):
    result = await spf(resolver, "pass.sender.test", ip)
    assert result.result is SpfResult.PASS
    assert result.mechanism is not None
    assert result.mechanism.startswith("include:_spf1.pass.sender.test > include:_spf2")
    assert result.mechanism.endswith("ip4:127.0.0.0/8" if "." in ip else "ip6:2001:db8:25::/48")
    assert result.lookups == 3
    assert result.record == "v=spf1 include:_spf1.pass.sender.test mx -all"


@pytest.mark.parametrize(
    ("domain", "expected", "mechanism"),
    [
        ("fail.sender.test", SpfResult.FAIL, "-all"),
        ("softfail.sender.test", SpfResult.SOFTFAIL, "~all"),
        ("neutral.sender.test", SpfResult.NEUTRAL, "?all"),
        ("none.sender.test", SpfResult.NONE, None),
        ("nowhere.sender.test", SpfResult.NONE, None),
        ("macro.sender.test", SpfResult.PASS, "exists:%{ir}.%{v}._spf.%{d}"),
    ],
)
async def test_each_lab_domain_gives_its_outcome(resolver, domain, expected, mechanism):
    result = await spf(resolver, domain, "127.0.0.1")
    assert result.result is expected
    assert result.mechanism == mechanism


async def test_a_redirect_takes_the_other_domains_result_and_counts_as_a_lookup(resolver):
    result = await spf(resolver, "redirect.sender.test", "127.0.0.1")
    assert result.result is SpfResult.PASS
    assert result.mechanism is not None and result.mechanism.startswith("redirect=pass.sender")
    assert result.lookups == 4


async def test_more_than_ten_dns_terms_is_permerror_with_the_count(resolver):
    result = await spf(resolver, "toomany.sender.test", "127.0.0.1")
    assert result.result is SpfResult.PERMERROR
    assert result.lookups == 11 and "More than 10" in result.detail


async def test_more_than_two_void_lookups_is_permerror(resolver):
    result = await spf(resolver, "void.sender.test", "127.0.0.1")
    assert result.result is SpfResult.PERMERROR
    assert result.void_lookups == 3 and "void" in result.detail


async def test_a_syntax_error_anywhere_is_permerror_before_evaluation(resolver):
    result = await spf(resolver, "badsyntax.sender.test", "127.0.0.1")
    assert result.result is SpfResult.PERMERROR and "ip4:127.0.0.1/33" in result.detail
    assert result.record == "v=spf1 ip4:127.0.0.1/33 -all"
    for name in ("badmech.unit.test", "badmacro.unit.test"):
        assert (await spf(resolver, name)).result is SpfResult.PERMERROR


async def test_a_dns_failure_is_temperror_never_none(resolver):
    result = await spf(resolver, "temperror.sender.test", "127.0.0.1")
    assert result.result is SpfResult.TEMPERROR and "servfail" in result.detail
    direct = await spf(resolver, "spf.servfail.test")
    assert direct.result is SpfResult.TEMPERROR


# ------------------------------------------------------------------ mechanisms and rules


@pytest.mark.parametrize(
    ("domain", "ip", "expected"),
    [
        ("cidr.unit.test", "192.0.2.3", SpfResult.PASS),  # a/24 covers host's 192.0.2.200
        ("cidr.unit.test", "198.51.100.1", SpfResult.FAIL),
        ("cidr.unit.test", "2001:db8::cb01", SpfResult.PASS),  # //64
        ("mx.unit.test", "192.0.2.200", SpfResult.PASS),
        ("mx.unit.test", "192.0.2.3", SpfResult.FAIL),
        ("mx24.unit.test", "192.0.2.3", SpfResult.PASS),
        ("ip6.unit.test", "2001:db8::cb01", SpfResult.PASS),
        ("ip6.unit.test", "192.0.2.3", SpfResult.FAIL),  # ip6 never matches an IPv4 sender
        ("ptr.unit.test", "127.0.0.1", SpfResult.PASS),  # PTR client.lab.test, confirmed
        ("ptrnomatch.unit.test", "127.0.0.1", SpfResult.FAIL),
        ("ptr.unit.test", "127.0.25.66", SpfResult.FAIL),  # PTR exists, not confirmed
        ("qualifiers.unit.test", "192.0.2.3", SpfResult.NEUTRAL),
        ("unknownmod.unit.test", "192.0.2.3", SpfResult.PASS),  # unknown modifier, exp ignored
        ("allfirst.unit.test", "127.0.0.1", SpfResult.FAIL),  # redirect only when nothing matched
        ("inclfail.unit.test", "127.0.0.1", SpfResult.SOFTFAIL),  # inner fail: no match
        ("::ffff:127.0.0.1", "127.0.0.1", SpfResult.NONE),  # not a domain at all
    ],
)
async def test_mechanisms(resolver, domain, ip, expected):
    assert (await spf(resolver, domain, ip)).result is expected


async def test_ipv4_mapped_ipv6_is_checked_as_ipv4(resolver):
    result = await spf(resolver, "pass.sender.test", "::ffff:127.0.0.1")
    assert result.result is SpfResult.PASS and result.ip == "127.0.0.1"


@pytest.mark.parametrize(
    "domain", ["twice.unit.test", "inclnone.unit.test", "redirnone.unit.test", "manymx.unit.test"]
)
async def test_permerrors(resolver, domain):
    assert (await spf(resolver, domain)).result is SpfResult.PERMERROR


async def test_records_that_only_look_like_spf_are_not_spf(resolver):
    assert (await spf(resolver, "spf2.unit.test")).result is SpfResult.NONE
    assert (await spf(resolver, "nospf.unit.test")).result is SpfResult.NONE


async def test_rfc_order_a_failure_before_a_match_is_temperror_after_it_is_not(resolver):
    assert (await spf(resolver, "errfirst.unit.test")).result is SpfResult.TEMPERROR
    later = await spf(resolver, "errlater.unit.test")
    assert later.result is SpfResult.PASS and later.lookups == 0  # prefetching changed nothing


async def test_the_sender_feeds_the_macros(resolver):
    found = await spf(resolver, "sender.unit.test", sender="strong-bad@sender.unit.test")
    assert found.result is SpfResult.PASS
    other = await spf(resolver, "sender.unit.test", sender="someone@sender.unit.test")
    assert other.result is SpfResult.FAIL


async def test_the_helo_identity_uses_postmaster_at_the_helo_name(resolver):
    result = await spf(resolver, "mail.sender.test", "127.0.0.1", identity="helo")
    assert result.result is SpfResult.PASS and result.identity == "helo"
    assert result.as_json() == {
        "domain": "mail.sender.test",
        "result": "pass",
        "mechanism": "a",
        "lookups": 1,
        "record": "v=spf1 a -all",
    }


async def test_both_identities_share_one_set_of_answers(resolver):
    lookups = SpfLookups(resolver)
    await check_spf(lookups, "127.0.0.1", "pass.sender.test")
    asked = lookups.queries
    again = await check_spf(lookups, "127.0.0.1", "redirect.sender.test")
    await lookups.close()
    assert again.result is SpfResult.PASS
    assert lookups.queries == asked + 1  # only redirect.sender.test's own TXT was new


# ------------------------------------------------------------------ syntax and macros


RFC_CONTEXT = MacroContext(
    "strong-bad@email.example.com", ipaddress.ip_address("192.0.2.3"), "mx.example.org"
)


@pytest.mark.parametrize(
    ("spec", "expanded"),
    [  # RFC 7208 §7.4
        ("%{s}", "strong-bad@email.example.com"),
        ("%{o}", "email.example.com"),
        ("%{d}", "email.example.com"),
        ("%{d4}", "email.example.com"),
        ("%{d3}", "email.example.com"),
        ("%{d2}", "example.com"),
        ("%{d1}", "com"),
        ("%{dr}", "com.example.email"),
        ("%{d2r}", "example.email"),
        ("%{l}", "strong-bad"),
        ("%{l-}", "strong.bad"),
        ("%{lr}", "strong-bad"),
        ("%{lr-}", "bad.strong"),
        ("%{l1r-}", "strong"),
        ("%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"),
        ("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"),
        ("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"),
        ("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"),
        ("%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"),
        ("%{h}.x.test", "mx.example.org.x.test"),
        ("a%%b%_c%-d.test", "a%b c%20d.test"),
        ("%{S}.test", "strong-bad%40email.example.com.test"),  # upper case: URL-escaped
    ],
)
def test_rfc_7208_macro_examples(spec, expanded):
    assert expand(spec, RFC_CONTEXT, "email.example.com") == expanded


def test_ipv6_macro_example():
    context = MacroContext(RFC_CONTEXT.sender, ipaddress.ip_address("2001:db8::cb01"), "h.test")
    assert expand("%{ir}.%{v}._spf.%{d2}", context, "email.example.com") == (
        "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"
    )


def test_long_expansions_lose_labels_on_the_left():
    context = MacroContext("x@" + "a" * 60 + ".test", RFC_CONTEXT.ip, "h.test")
    expanded = expand("%{o}.%{o}.%{o}.%{o}.%{o}", context, "d.test")
    assert len(expanded) <= 253 and expanded.endswith(".test")


@pytest.mark.parametrize(
    "record",
    [
        "v=spf1 ip4:192.0.2.0/33",
        "v=spf1 ip4:192.0.2.1/",
        "v=spf1 ip6:192.0.2.1",
        "v=spf1 a/33",
        "v=spf1 include",
        "v=spf1 include:",
        "v=spf1 all:x.test",
        "v=spf1 redirect=a.test redirect=b.test",
        "v=spf1 exists:%{c}.test",  # c, r, t only in explanations
        "v=spf1 a:foo.123",
        "v=spf1 =x",
        "v=spf1 include:a%b.test",
    ],
)
def test_syntax_errors(record):
    with pytest.raises(SpfSyntaxError):
        record_terms = parse_record(record)
        for term in record_terms.terms:  # macros letters are checked on expansion
            expand(term.value, RFC_CONTEXT, "d.test")


def test_parsing_keeps_qualifiers_cidrs_and_the_redirect():
    record = parse_record("v=spf1  -a:x.test/24//64 ~mx ?ptr +ip6:2001:db8::/32 redirect=r.test")
    names = [(t.qualifier, t.name, t.value, t.cidr4, t.cidr6) for t in record.terms]
    assert names == [
        ("-", "a", "x.test", 24, 64),
        ("~", "mx", "", None, None),
        ("?", "ptr", "", None, None),
        ("+", "ip6", "2001:db8::/32", None, None),
    ]
    assert record.redirect == "r.test"
    assert is_spf_record("V=SPF1 -all") and is_spf_record("v=spf1")
    assert not is_spf_record("v=spf10 -all")

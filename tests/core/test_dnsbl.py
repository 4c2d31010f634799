"""Blacklist checks against the lab's DNS: never a refusal or a dead list shown as listed."""

import asyncio
import ipaddress

import pytest

from smtp_tui.core.addresses import InputError
from smtp_tui.core.dnsbl import (
    BlStatus,
    DnsblChecker,
    SweepSummary,
    TargetError,
    ZoneResult,
    classify_codes,
    parse_target,
    reversed_nibbles,
    zones_for,
)
from smtp_tui.core.dnsbl_catalogue import (
    Zone,
    ZoneRefused,
    catalogue,
    default_zones,
    select_zones,
    zone_named,
)
from smtp_tui.core.record import replace
from smtp_tui.lab.dnsbl_zones import (
    LAB_ZONES,
    LISTED_DOMAIN,
    LISTED_IP,
    LISTED_IPV6,
    REFUSING_ZONE,
    UNVERIFIABLE_ZONE,
)

ZONES = {zone.zone: zone for zone in LAB_ZONES}


async def check(resolver, zone_name, target_text):
    return await DnsblChecker(resolver).check(ZONES[zone_name], parse_target(target_text))


async def test_a_listed_address_comes_with_codes_meanings_and_the_txt_reason(resolver):
    result = await check(resolver, "bl.dnsbl.test", LISTED_IP)
    assert result.status is BlStatus.LISTED
    assert result.codes == ("127.0.0.2", "127.0.0.4")  # the union of all A records
    assert result.meanings == ("spam source", "exploited host")
    assert "spam trap" in result.reason
    assert result.url == "https://bl.dnsbl.test/lookup"


async def test_a_clean_address_is_not_listed(resolver):
    result = await check(resolver, "bl.dnsbl.test", "127.0.0.1")
    assert result.status is BlStatus.NOT_LISTED
    assert result.reason is None


async def test_a_list_refusing_the_resolver_is_refused_never_listed(resolver):
    result = await check(resolver, "refuse.dnsbl.test", LISTED_IP)
    assert result.status is BlStatus.REFUSED
    assert "own recursive resolver" in result.detail


async def test_a_list_that_answers_everything_is_broken_and_its_answers_discarded(resolver):
    result = await check(resolver, "everything.dnsbl.test", "192.0.2.1")
    assert result.status is BlStatus.BROKEN
    assert result.codes == () and result.meanings == ()


async def test_a_silent_list_times_out_and_the_others_arrive_first(lab):
    from smtp_tui.core.dns import make_resolver, parse_dns_server

    resolver = make_resolver(parse_dns_server(lab.dns), timeout=2.0)
    target = parse_target(LISTED_IP)
    zones = zones_for(list(LAB_ZONES), target)
    order = [result async for result in DnsblChecker(resolver).sweep(zones, target)]
    assert order[-1].zone.zone == "dnsbl.blackhole.test"
    assert order[-1].status is BlStatus.TIMEOUT
    assert {r.zone.zone for r in order[:-1]} == {
        "bl.dnsbl.test",
        "refuse.dnsbl.test",
        "everything.dnsbl.test",
        "dnsbl.servfail.test",
    }


async def test_a_failing_list_is_an_error(resolver):
    result = await check(resolver, "dnsbl.servfail.test", LISTED_IP)
    assert result.status is BlStatus.ERROR


async def test_ipv6_listing_uses_reversed_nibbles(resolver):
    result = await check(resolver, "bl.dnsbl.test", LISTED_IPV6)
    assert result.status is BlStatus.LISTED
    assert "IPv6 spam source" in result.reason
    clean = await check(resolver, "bl.dnsbl.test", "2001:db8::1")
    assert clean.status is BlStatus.NOT_LISTED


async def test_ipv6_on_a_list_without_ipv6_test_point_is_unverified(resolver):
    # dbl.dnsbl.test has no IPv6 test point: its silence cannot be trusted for IPv6
    zone = Zone("dbl.dnsbl.test", kind="ip", ipv6=None)
    result = await DnsblChecker(resolver).check(zone, parse_target(LISTED_IPV6))
    assert result.status is BlStatus.UNVERIFIED
    assert "IPv6" in result.detail


async def test_domain_listing(resolver):
    result = await check(resolver, "dbl.dnsbl.test", LISTED_DOMAIN)
    assert result.status is BlStatus.LISTED
    assert result.meanings == ("spam domain",)
    assert (await check(resolver, "dbl.dnsbl.test", "example.test")).status is BlStatus.NOT_LISTED


@pytest.mark.parametrize(
    ("zone", "family", "expected"),
    [
        ("bl.dnsbl.test", "ipv4", BlStatus.LISTED),  # healthy: .2 listed, .1 not
        ("bl.dnsbl.test", "ipv6", BlStatus.LISTED),
        ("refuse.dnsbl.test", "ipv4", BlStatus.REFUSED),  # error code for the test point
        ("everything.dnsbl.test", "ipv4", BlStatus.BROKEN),  # lists 127.0.0.1
        ("dnsbl.blackhole.test", "ipv4", BlStatus.TIMEOUT),
        ("dnsbl.servfail.test", "ipv4", BlStatus.ERROR),
        ("dbl.dnsbl.test", "domain", BlStatus.LISTED),  # test listed, invalid not
    ],
)
async def test_each_self_test_outcome(resolver, zone, family, expected):
    outcome = await DnsblChecker(resolver).self_test(ZONES[zone], family)
    assert outcome.status is expected


async def test_self_test_runs_once_per_zone_and_resolver(resolver):
    checker = DnsblChecker(resolver)
    await checker.check(ZONES["bl.dnsbl.test"], parse_target("127.0.0.1"))
    first = checker.queries
    await checker.check(ZONES["bl.dnsbl.test"], parse_target("127.0.0.9"))
    assert checker.queries == first + 2  # only the new address was asked (A and TXT at once)


async def test_repeating_a_check_uses_the_short_cache(resolver):
    checker = DnsblChecker(resolver)
    target = parse_target(LISTED_IP)
    await checker.check(ZONES["bl.dnsbl.test"], target)
    asked = checker.queries
    again = await checker.check(ZONES["bl.dnsbl.test"], target)
    assert checker.queries == asked and again.cached
    assert again.status is BlStatus.LISTED


async def test_policy_listings_are_marked(resolver):
    result = await check(resolver, "bl.dnsbl.test", "127.0.25.10")
    assert result.status is BlStatus.LISTED and result.policy


def test_answers_outside_loopback_or_with_error_codes_are_refusals():
    zen = zone_named("zen.spamhaus.org")
    assert classify_codes(zen, ["127.255.255.254"]).status is BlStatus.REFUSED
    assert classify_codes(zen, ["127.255.255.200"]).status is BlStatus.REFUSED  # error range
    assert classify_codes(zen, ["127.0.0.2", "127.255.255.254"]).status is BlStatus.REFUSED
    assert classify_codes(zen, ["192.0.2.1"]).status is BlStatus.REFUSED
    assert classify_codes(zen, ["127.0.0.1"]).status is BlStatus.REFUSED
    listed = classify_codes(zen, ["127.0.0.2", "127.0.0.4", "127.0.0.10"])
    assert listed.status is BlStatus.LISTED
    assert listed.meanings == ("SBL", "XBL", "PBL (ISP-maintained, policy)")


def test_bitmask_lists_read_each_bit_and_bit_one_is_a_refusal():
    surbl = zone_named("multi.surbl.org")
    assert classify_codes(surbl, ["127.0.0.1"]).status is BlStatus.REFUSED
    assert classify_codes(surbl, ["127.0.0.24"]).meanings == ("PH (phishing), MW (malware)",)


def test_query_names():
    assert parse_target("192.0.2.1").label == "1.2.0.192"
    assert parse_target("::ffff:192.0.2.1").label == "1.2.0.192"  # mapped -> IPv4
    assert parse_target("2001:db8:7ca6:22::45").label == (
        "5.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.2.0.0.6.a.c.7.8.b.d.0.1.0.0.2"
    )
    assert reversed_nibbles(ipaddress.IPv6Address("::ffff:7f00:2")).startswith(
        "2.0.0.0.0.0.f.7.f.f.f.f.0"
    )
    assert parse_target("Bücher.test").label == "xn--bcher-kva.test"
    with pytest.raises(InputError):
        parse_target("not an address")


def test_catalogue_defaults_and_never_query_list():
    names = {zone.zone for zone in default_zones()}
    assert "zen.spamhaus.org" in names and "bl.spamcop.net" in names
    assert not any("{key}" in name for name in names)
    assert len(catalogue()) >= 25
    with pytest.raises(ZoneRefused) as caught:
        zone_named("dnsbl.sorbs.net")
    assert "decommissioned" in str(caught.value)
    with pytest.raises(ZoneRefused):
        select_zones(["ix.dnsbl.manitu.net"], [])
    chosen = {zone.zone for zone in select_zones(["dnsbl-1.uceprotect.net"], ["bl.spamcop.net"])}
    assert "dnsbl-1.uceprotect.net" in chosen and "bl.spamcop.net" not in chosen


def test_zones_are_matched_to_the_target_kind():
    zones = list(LAB_ZONES)
    assert all(z.kind == "domain" for z in zones_for(zones, parse_target("example.test")))
    assert all(z.kind == "ip" for z in zones_for(zones, parse_target("192.0.2.1")))


async def test_the_sweep_delivers_results_while_others_are_pending(lab):
    from smtp_tui.core.dns import make_resolver, parse_dns_server

    resolver = make_resolver(parse_dns_server(lab.dns), timeout=5.0)
    sweep = DnsblChecker(resolver).sweep(list(LAB_ZONES), parse_target(LISTED_IP))
    first = await asyncio.wait_for(sweep.__anext__(), timeout=4.0)
    assert first.zone.zone != "dnsbl.blackhole.test"
    await sweep.aclose()


async def test_a_list_that_does_not_list_its_own_test_entry_never_says_not_listed(resolver):
    result = await DnsblChecker(resolver).check(UNVERIFIABLE_ZONE, parse_target("192.0.2.1"))
    assert result.status is BlStatus.UNVERIFIED and result.status.could_not_check
    assert "test entry" in result.detail and "resolver" in result.detail


async def test_127_255_255_x_is_a_refusal_on_any_list_not_only_spamhaus(resolver):
    assert REFUSING_ZONE.errors == {} and REFUSING_ZONE.error_ranges == ()
    result = await DnsblChecker(resolver).check(REFUSING_ZONE, parse_target("192.0.2.1"))
    assert result.status is BlStatus.REFUSED  # never "broken", never "listed"


def test_the_catalogue_can_say_a_refusal_code_is_an_ordinary_listing():
    validity = zone_named("bl.score.senderscore.com")
    assert classify_codes(validity, ["127.0.0.1"]).status is BlStatus.LISTED
    assert classify_codes(validity, ["127.255.255.255"]).status is BlStatus.REFUSED
    plain = Zone("plain.example")
    assert classify_codes(plain, ["127.255.255.7"]).status is BlStatus.REFUSED
    assert classify_codes(plain, ["127.0.0.1"]).status is BlStatus.REFUSED


async def test_a_list_known_to_have_no_test_entry_is_unverified_when_silent(resolver):
    zone = replace(ZONES["bl.dnsbl.test"], test_entry=False)
    checker = DnsblChecker(resolver)
    silent = await checker.check(zone, parse_target("127.0.0.9"))
    assert silent.status is BlStatus.UNVERIFIED and "publishes no" in silent.detail
    listed = await checker.check(zone, parse_target(LISTED_IP))
    assert listed.status is BlStatus.LISTED  # a listing code is still a listing


@pytest.mark.parametrize("text", ["1.2.3.4.5", "300.1.1.1", "mail.example.123", "10.0.0"])
def test_a_target_neither_ip_nor_domain_is_refused_before_any_query(text):
    with pytest.raises(TargetError):
        parse_target(text)


def test_most_lists_failing_the_same_way_names_the_resolver():
    def result(status):
        return ZoneResult(Zone("z.example"), "192.0.2.1", status)

    summary = SweepSummary([result(BlStatus.UNVERIFIED)] * 3 + [result(BlStatus.NOT_LISTED)])
    cause = summary.common_cause("system resolver")
    assert cause is not None and "3 of 4" in cause and "--dns" in cause
    assert not summary.nothing_checked
    mixed = SweepSummary([result(BlStatus.TIMEOUT), result(BlStatus.NOT_LISTED)])
    assert mixed.common_cause("system resolver") is None
    assert SweepSummary([result(BlStatus.REFUSED)] * 2).nothing_checked


async def test_the_txt_reason_is_asked_with_the_a_not_after_it():
    from smtp_tui.core.dns import make_resolver, parse_dns_server
    from smtp_tui.lab.dns_server import LabDnsServer, load_lab_zones

    # Every answer waits 0.2 s: a listing with its reason takes one wait, not two.
    server = LabDnsServer(load_lab_zones(), delay=0.2)
    await server.start()
    try:
        resolver = make_resolver(parse_dns_server(f"127.0.0.1:{server.port}"), timeout=5.0)
        checker = DnsblChecker(resolver)
        result = await checker.check(ZONES["bl.dnsbl.test"], parse_target(LISTED_IP))
        assert result.status is BlStatus.LISTED and "spam trap" in (result.reason or "")
        assert checker.queries == 4  # both self-tests, the A and the TXT, all at once
        lazy = DnsblChecker(resolver, txt_with_a=False)
        assert (await lazy.check(ZONES["bl.dnsbl.test"], parse_target(LISTED_IP))).reason
        assert lazy.queries == 4  # the TXT only after the listing
        clean = await lazy.check(ZONES["bl.dnsbl.test"], parse_target("127.0.0.9"))
        assert clean.status is BlStatus.NOT_LISTED and lazy.queries == 5
    finally:
        await server.stop()


class HeldDnsServer:
    """The lab DNS server holding every answer until released, so a test can see which
    questions leave before any answer comes back (one wave) without timing anything."""

    def __init__(self):
        from smtp_tui.lab.dns_server import LabDnsServer, load_lab_zones

        held = self
        self.asked: list[tuple[str, str]] = []
        self.release = asyncio.Event()
        self.arrived = asyncio.Event()
        self.expected = 0

        class Server(LabDnsServer):
            async def respond(self, data):
                import dns.message
                import dns.rdatatype

                question = dns.message.from_wire(data).question[0]
                held.asked.append((question.name.to_text(), dns.rdatatype.to_text(question.rdtype)))
                if len(held.asked) >= held.expected:
                    held.arrived.set()
                await held.release.wait()
                return await super().respond(data)

        self.server = Server(load_lab_zones())


async def test_a_sweep_asks_every_question_before_any_answer_comes_back():
    from smtp_tui.core.dns import make_resolver, parse_dns_server
    from smtp_tui.core.reverse_dns import check_reverse_dns

    held = HeldDnsServer()
    await held.server.start()
    try:
        resolver = make_resolver(parse_dns_server(f"127.0.0.1:{held.server.port}"), timeout=5.0)
        checker = DnsblChecker(resolver)
        zones = [ZONES[name] for name in ("bl.dnsbl.test", "refuse.dnsbl.test")]
        held.expected = 2 * 4 + 1  # per zone the A, the TXT and both self-tests; the PTR
        target = parse_target("127.0.0.1")
        sweep = asyncio.ensure_future(_collect(checker.sweep(zones, target)))
        ptr = asyncio.ensure_future(check_reverse_dns(checker.batch, "127.0.0.1"))
        await asyncio.wait_for(held.arrived.wait(), timeout=10.0)
        first_wave = list(held.asked)
        held.release.set()
        results, reverse = await sweep, await ptr
    finally:
        await held.server.stop()
    assert sorted(kind for _, kind in first_wave) == ["A"] * 6 + ["PTR"] + ["TXT"] * 2
    assert {r.zone.zone: r.status for r in results} == {
        "bl.dnsbl.test": BlStatus.NOT_LISTED,
        "refuse.dnsbl.test": BlStatus.REFUSED,
    }
    assert reverse.ptr_names and reverse.forward_confirmed  # its A asked after the PTR came


async def _collect(sweep):
    return [result async for result in sweep]

"""The sending host's identity, against the lab's DNS."""

import pytest

from smtp_tui.core.dns import DnsError
from smtp_tui.core.dnsbl import DnsblChecker
from smtp_tui.core.sender import (
    DiscoveryProvider,
    check_identity,
    check_sending_side,
    discover_public_ip,
    spf_record,
)
from smtp_tui.core.sender_report import SenderInput, check_sender
from smtp_tui.core.spf import SpfResult
from smtp_tui.lab.dnsbl_zones import LAB_ZONES


async def test_ptr_forward_confirmed_and_matching_the_ehlo_name(resolver):
    report = await check_identity(resolver, "127.0.0.1", "client.lab.test")
    assert report.ptr_names == ("client.lab.test",)
    assert report.fcrdns and report.helo_matches
    assert report.problems == ()


async def test_ptr_mismatch_and_no_forward_confirmation(resolver):
    report = await check_identity(resolver, "127.0.25.66", "client.lab.test")
    assert report.ptr_names == ("mismatch.lab.test",)
    assert not report.fcrdns and report.helo_matches is False
    assert len(report.problems) == 2


async def test_no_ptr_at_all(resolver):
    report = await check_identity(resolver, "127.0.25.99", "client.lab.test")
    assert report.ptr_names == () and "no reverse DNS" in report.problems[0]


async def test_spf_record_is_shown(resolver):
    assert await spf_record(resolver, "lab.test") == "v=spf1 ip4:127.0.0.1 -all"
    assert await spf_record(resolver, "nowhere.test") is None


async def test_public_address_discovery_says_where_it_came_from(lab):
    found = await discover_public_ip((DiscoveryProvider("Lab", "myip.lab.test", "A", lab.dns),))
    assert found.address == "127.0.0.1"
    assert "DNS (Lab)" in found.describe() and "can differ" in found.describe()
    txt = await discover_public_ip((DiscoveryProvider("Lab", "myip.lab.test", "TXT", lab.dns),))
    assert txt.address == "127.0.0.1"


async def test_a_dns_failure_is_could_not_check_never_no_ptr(resolver):
    # The lab serves no 10.in-addr.arpa: the PTR look-up is REFUSED, which proves nothing.
    report = await check_identity(resolver, "10.1.2.3", "client.lab.test")
    assert report.problems == ()
    assert report.unchecked and "refused" in report.unchecked[0]
    assert "could not check" in report.lines()[0]


async def test_a_failed_spf_look_up_is_not_no_spf(resolver):
    with pytest.raises(DnsError):
        await spf_record(resolver, "spf.servfail.test")
    report = await check_sending_side(
        DnsblChecker(resolver), [], "127.0.0.1", "client.lab.test", "spf.servfail.test"
    )
    assert report.spf is None and report.spf_error is not None
    assert not any("publishes no SPF" in problem for problem in report.problems())
    assert any("could not check" in line for line in report.lines())


async def test_the_whole_sending_side_per_family(resolver):
    given = SenderInput(
        ("127.0.0.1", "2001:db8:25::7"), "tester@pass.sender.test", "mail.sender.test"
    )
    zones = [zone for zone in LAB_ZONES if zone.zone in ("bl.dnsbl.test", "dbl.dnsbl.test")]
    seen = []
    report = await check_sender(resolver, zones, given, on_result=seen.append)
    assert len(seen) == len(report.blacklists) == 3  # two addresses and the domain
    assert [per_ip.ip for per_ip in report.spf] == ["127.0.0.1", "2001:db8:25::7"]
    assert all(per_ip.mail_from.result is SpfResult.PASS for per_ip in report.spf)
    assert [found.family for found in report.reverse_dns] == ["ipv4", "ipv6"]
    assert report.dmarc is not None and report.dmarc.spf_aligned is True
    assert not report.failed and report.problems() == []
    assert any("EHLO name mail.sender.test differs" in w for w in report.warnings())


async def test_an_ipv6_only_problem_is_found_on_the_ipv6_side(resolver):
    given = SenderInput(("127.0.0.1", "2001:db8:25::9"), "tester@pass.sender.test", None)
    report = await check_sender(resolver, [], given)
    assert report.failed
    assert report.problems() == [
        "2001:db8:25::9 has no reverse DNS (PTR): Gmail, Yahoo and Microsoft refuse or junk mail "
        "from such senders, and many servers reject them outright (Postfix's "
        "reject_unknown_client_hostname).",
        "Checklist: Each sending IP has reverse DNS (a PTR record): fail (no PTR for "
        "2001:db8:25::9)",
        "Checklist: Each PTR name resolves back to its IP (forward-confirmed reverse DNS): fail "
        "(not forward-confirmed: 2001:db8:25::9)",
    ]

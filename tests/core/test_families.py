"""IPv4 and IPv6 side by side: the same dialogue over each family, and the difference."""

from types import SimpleNamespace

import pytest

from smtp_tui.core.connection import AddressFamily, HostUnreachable
from smtp_tui.core.evidence import ConnectFailure, Evidence
from smtp_tui.core.families import (
    FamilyIdentity,
    FamilyResult,
    compare,
    family_result,
    run_both,
    sending_address,
)
from smtp_tui.core.options import build_options, with_lab
from smtp_tui.core.replies import ReplyParser
from smtp_tui.core.reverse_dns import ReverseDns
from smtp_tui.core.spf import SpfCheck, SpfResult
from smtp_tui.core.steps import Step, StepOutcome, StepStatus
from smtp_tui.core.verdict import Verdict
from smtp_tui.lab.dual_stack import HAS_IPV6_LOOPBACK

IPV4, IPV6 = AddressFamily.IPV4, AddressFamily.IPV6
needs_ipv6 = pytest.mark.skipif(not HAS_IPV6_LOOPBACK, reason="no IPv6 loopback (::1) here")


def lab_options(lab, target):
    return with_lab(build_options(target=target, timeout=2.0), lab)


@needs_ipv6
async def test_the_dual_stack_mx_accepts_over_ipv4_and_refuses_over_ipv6(lab):
    events = []
    result = await run_both(
        lab_options(lab, "alice@dual.sender.test"),
        on_event=lambda family, event: events.append((family, event.text)),
    )
    assert result.ipv4.accepted and result.ipv4.mx_address == "127.0.0.1"
    assert result.ipv6.failed_step is Step.RCPT and result.ipv6.mx_address == "::1"
    assert result.ipv6.reply.enhanced == "5.7.25"
    assert result.differs
    verdict = result.verdict
    assert verdict.verdict.startswith(
        "Accepted over IPv4, refused over IPv6 at RCPT TO (550 5.7.25): "
    )
    assert "your IPv6 address ::1" in verdict.verdict
    assert (verdict.side, verdict.category) == ("yours", "reverse-dns")
    # Each transcript is its own, in order: IPv4 first, then IPv6.
    families = [family for family, _ in events]
    assert families == sorted(families, key=[IPV4, IPV6].index)
    assert any("Connected to ::1" in text for family, text in events if family is IPV6)


@needs_ipv6
async def test_the_identity_is_checked_per_family_for_the_address_each_one_used(lab):
    result = await run_both(lab_options(lab, "alice@dual.sender.test"))
    ipv4, ipv6 = result.ipv4.identity, result.ipv6.identity
    assert (ipv4.address, ipv6.address) == ("127.0.0.1", "::1")
    assert ipv4.reverse.ptr == "client.lab.test" and ipv4.reverse.forward_confirmed
    assert ipv6.reverse.ptr == "client.lab.test"
    # lab.test's SPF names 127.0.0.1 only: it passes over IPv4 and fails over IPv6.
    assert (ipv4.spf.result, ipv6.spf.result) == (SpfResult.PASS, SpfResult.FAIL)
    lines = result.summary_lines()
    assert lines[0].split() == ["IPv4", "IPv6"]
    assert any(line.startswith("Result") and "refused at RCPT TO" in line for line in lines)


@needs_ipv6
async def test_a_given_ipv6_address_without_ptr_is_named_in_the_verdict(lab):
    result = await run_both(
        lab_options(lab, "alice@dual.sender.test"),
        sending_ips=("127.0.0.1", "2001:db8:25::9"),
    )
    assert result.ipv6.identity.source == "--ip"
    assert result.verdict.verdict == (
        "Accepted over IPv4, refused over IPv6 at RCPT TO (550 5.7.25): "
        "your IPv6 address 2001:db8:25::9 has no PTR."
    )
    assert any("Set a PTR for 2001:db8:25::9" in step for step in result.verdict.next_steps)


@needs_ipv6
async def test_the_same_refusal_over_both_families_is_no_difference(lab):
    result = await run_both(lab_options(lab, "nobody@dual.sender.test"))
    assert not result.differs
    assert result.ipv4.reply.code == result.ipv6.reply.code == 550
    assert result.verdict.verdict.startswith("The same over IPv4 and IPv6. ")
    assert result.verdict.category == "recipient-unknown"


async def test_an_mx_without_an_ipv6_address_tests_ipv4_only(lab):
    result = await run_both(lab_options(lab, "alice@example.test"))
    assert result.ipv4.accepted
    assert result.ipv6.untested == "the MX has no IPv6 address (AAAA record)"
    assert not result.differs
    assert result.verdict.verdict.startswith("Only IPv4 could be tested. ")
    assert result.verdict.category == "accepted"


@needs_ipv6
async def test_the_other_familys_addresses_are_not_taken_for_a_fail_over(lab):
    result = await run_both(lab_options(lab, "alice@dual.sender.test"))
    assert not any("Fail-over" in line for line in result.ipv6.verdict.evidence)


# --- the comparison alone, without sockets ----------------------------------------------------


def reply(text):
    return ReplyParser().feed(text.encode() + b"\r\n")[0]


def identity(family, address, *, ptr=("mail.example.org",), confirmed=True, spf="pass"):
    reverse = ReverseDns(
        address,
        family.value,
        ptr_names=ptr,
        confirmed_names=ptr if confirmed else (),
        helo="mail.example.org",
    )
    check = SpfCheck("mail_from", "example.org", address, SpfResult(spf))
    return FamilyIdentity(family, address, "--ip", reverse, check)


ACCEPTED = Verdict("The destination accepts this mail.", "yours", "accepted")


def refused(text, category):
    return Verdict(f"The destination refused at RCPT TO: {text}", "yours", category)


def test_an_spf_refusal_over_ipv6_is_explained_by_spf_not_by_the_ptr():
    ipv4 = FamilyResult(IPV4, ACCEPTED, identity(IPV4, "192.0.2.7"))
    ipv6 = FamilyResult(
        IPV6,
        refused("SPF", "sender-rejected"),
        identity(IPV6, "2001:db8::7", confirmed=False, spf="softfail"),
        failed_step=Step.MAIL,
        reply=reply("550 5.7.23 The message was rejected because of Sender Policy Framework"),
    )
    verdict = compare(ipv4, ipv6).verdict
    assert verdict.verdict == (
        "Accepted over IPv4, refused over IPv6 at MAIL FROM (550 5.7.23): "
        "SPF for example.org is softfail for your IPv6 address 2001:db8::7."
    )
    assert verdict.next_steps[0].startswith("Add ip6:2001:db8::7 to the SPF record of example.org")


def test_without_an_identity_difference_the_servers_words_explain_it():
    ipv4 = FamilyResult(
        IPV4,
        refused("blocked", "sender-ip-blocked"),
        identity(IPV4, "192.0.2.7"),
        failed_step=Step.RCPT,
        reply=reply("554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen"),
    )
    ipv6 = FamilyResult(IPV6, ACCEPTED, identity(IPV6, "2001:db8::7"))
    verdict = compare(ipv4, ipv6).verdict
    assert verdict.verdict.startswith(
        "Refused over IPv4 at RCPT TO (554 5.7.1), accepted over IPv6: the server says: "
    )
    assert verdict.category == "sender-ip-blocked"


def test_neither_family_tested_is_said_plainly():
    ipv4 = FamilyResult(IPV4, None, FamilyIdentity(IPV4, None, "not known"), untested="x")
    ipv6 = FamilyResult(IPV6, None, FamilyIdentity(IPV6, None, "not known"), untested="y")
    assert compare(ipv4, ipv6).verdict.verdict == "Neither IPv4 nor IPv6 could be tested."


def test_the_json_verdict_carries_both_families():
    ipv4 = FamilyResult(IPV4, ACCEPTED, identity(IPV4, "192.0.2.7"))
    ipv6 = FamilyResult(IPV6, ACCEPTED, identity(IPV6, "2001:db8::7"))
    record = compare(ipv4, ipv6).as_json()
    assert set(record) >= {"verdict", "side", "category", "evidence", "next_steps"}
    assert record["differs"] is False
    assert record["families"]["ipv6"]["identity"]["reverse_dns"]["ptr"] == "mail.example.org"


# --- which address each family sends from -----------------------------------------------------


def finished_run(local, peer, ip=None):
    connection = SimpleNamespace(local=(local, 40000) if local else None, peer=(peer, 25))
    return SimpleNamespace(session=SimpleNamespace(connection=connection), options=None)


def test_an_ip_given_for_the_family_wins():
    run = finished_run("10.0.0.5", "10.0.0.1")
    assert sending_address(run, IPV4, ("2001:db8::7", "192.0.2.7")) == ("192.0.2.7", "--ip")
    assert sending_address(run, IPV6, ("2001:db8::7",)) == ("2001:db8::7", "--ip")


def test_a_private_source_talking_to_a_public_mx_is_behind_nat():
    run = finished_run("192.168.1.5", "8.8.8.8")  # only compared as text, never contacted
    address, why = sending_address(run, IPV4)
    assert address is None and "NAT" in why and "--ip" in why


def test_a_source_on_the_mxs_own_network_is_what_the_mx_sees():
    run = finished_run("::1", "::1")
    assert sending_address(run, IPV6)[0] == "::1"
    assert sending_address(run, IPV4)[0] is None  # no IPv4 connection in this run


def test_no_route_over_a_family_is_untested_not_a_refusal():
    error = HostUnreachable("2001:db8::25 port 25 is unreachable (Network is unreachable)")
    records = {step: StepOutcome(step) for step in Step}
    records[Step.MX] = StepOutcome(Step.MX, StepStatus.PASSED, "1 MX record")
    records[Step.CONNECT] = StepOutcome(Step.CONNECT, StepStatus.FAILED, str(error), error=error)
    evidence = Evidence(
        records,
        mx_host="mx.example.org",
        connect_failures=(ConnectFailure("mx", "2001:db8::25", error),),
    )
    run = SimpleNamespace(
        evidence=lambda: evidence,
        options=SimpleNamespace(family=IPV6),
        session=object(),
        transcript=SimpleNamespace(meta=SimpleNamespace(mx_address=None)),
    )
    result = family_result(run, FamilyIdentity(IPV6, None, "not known"))
    assert result.untested == "no IPv6 route from this machine to the MX"

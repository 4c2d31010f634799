"""`smtp-tui check --both`: both transcripts, the summary side by side, the verdict, the code."""

import io
import json

import pytest

from smtp_tui.core.connection import AddressFamily
from smtp_tui.core.options import build_options, with_lab
from smtp_tui.exit_codes import ExitCode
from smtp_tui.lab.dual_stack import HAS_IPV6_LOOPBACK
from smtp_tui.plain.both import both_main, run_both_check

needs_ipv6 = pytest.mark.skipif(not HAS_IPV6_LOOPBACK, reason="no IPv6 loopback (::1) here")


def lab_options(lab, target, ip=None):
    return with_lab(build_options(target=target, timeout=2.0, ip=ip), lab)


async def check_both(lab, target, *, as_json=False, ip=None):
    out = io.StringIO()
    code = await run_both_check(lab_options(lab, target, ip), out=out, as_json=as_json)
    return code, out.getvalue()


@needs_ipv6
async def test_each_family_has_its_transcript_then_the_summary_and_the_verdict(lab):
    code, output = await check_both(lab, "alice@dual.sender.test")
    assert code == ExitCode.RCPT_REJECTED  # the IPv6 run's code: IPv4's is 0
    ipv4 = output.index("=== IPv4 ===")
    ipv6 = output.index("=== IPv6 ===")
    summary = output.index("=== IPv4 and IPv6 side by side")
    verdict = output.index("Verdict (your side): Accepted over IPv4, refused over IPv6")
    assert ipv4 < ipv6 < summary < verdict
    assert "<-  250 2.1.5 Recipient OK" in output[ipv4:ipv6]
    assert "<-  550 5.7.25" in output[ipv6:summary]
    # Only the combined verdict is printed, not one per family.
    assert output.count("Verdict (") == 1
    assert "Forward-confirmed" in output[summary:verdict]


@needs_ipv6
async def test_json_events_carry_their_family_and_the_last_line_is_the_verdict(lab):
    code, output = await check_both(lab, "alice@dual.sender.test", as_json=True)
    records = [json.loads(line) for line in output.splitlines()]
    *events, last = records
    families = [event["family"] for event in events]
    assert set(families) == {"ipv4", "ipv6"}
    assert families == sorted(families)  # every IPv4 event before the first IPv6 one
    assert last["category"] == "reverse-dns" and last["differs"] is True
    assert last["families"]["ipv4"]["exit_code"] == 0
    assert last["families"]["ipv6"]["exit_code"] == code == ExitCode.RCPT_REJECTED
    assert last["families"]["ipv6"]["enhanced"] == "5.7.25"


async def test_a_family_the_mx_has_no_address_of_is_said_in_words_and_counts_in_the_code(lab):
    # The exit code is the non-zero one of the two runs, as the command's contract says; the
    # report says why the IPv6 run could not connect.
    code, output = await check_both(lab, "alice@example.test")
    assert code == ExitCode.CONNECT
    assert "not tested: the MX has no IPv6 address (AAAA record)" in output


@needs_ipv6
async def test_the_first_non_zero_code_wins_when_both_fail(lab):
    code, output = await check_both(lab, "nobody@dual.sender.test")
    assert code == ExitCode.RCPT_REJECTED
    assert "The same over IPv4 and IPv6." in output


@needs_ipv6
async def test_an_ipv6_ip_is_checked_in_the_ipv6_run_only_and_named_in_the_verdict(lab):
    _, output = await check_both(lab, "alice@dual.sender.test", ip="2001:db8:25::9")
    assert output.count("Checking the sending IP 2001:db8:25::9") == 1
    assert output.index("Checking the sending IP") > output.index("=== IPv6 ===")
    assert (
        "refused over IPv6 at RCPT TO (550 5.7.25): your IPv6 address 2001:db8:25::9 has no PTR."
        in output
    )


def test_both_with_one_family_is_a_usage_error(capsys):
    options = build_options(target="alice@dual.sender.test", family=AddressFamily.IPV6)
    assert both_main(options, "rcpt") == ExitCode.USAGE
    assert "--ipv4/--ipv6" in capsys.readouterr().err


@needs_ipv6
def test_demo_runs_both_families_in_one_lab(capsys):
    options = build_options(target="alice@dual.sender.test", demo=True, timeout=2.0)
    assert both_main(options, "rcpt") == ExitCode.RCPT_REJECTED
    output = capsys.readouterr().out
    assert output.count("=== Practice lab:") == 1
    assert "your IPv6 address ::1" in output


def test_the_exit_code_is_the_non_zero_one_of_the_two_runs_the_first_if_both_are():
    from types import SimpleNamespace

    from smtp_tui.core.connection import AddressFamily
    from smtp_tui.plain.both import exit_code

    results = (
        SimpleNamespace(family=AddressFamily.IPV4, untested=None),
        SimpleNamespace(family=AddressFamily.IPV6, untested="the MX has no IPv6 address"),
    )
    comparison = SimpleNamespace(results=results)
    assert exit_code(comparison, {AddressFamily.IPV4: 0, AddressFamily.IPV6: 4}) == 4
    assert exit_code(comparison, {AddressFamily.IPV4: 8, AddressFamily.IPV6: 4}) == 8
    assert exit_code(comparison, {AddressFamily.IPV4: 0, AddressFamily.IPV6: 0}) == 0

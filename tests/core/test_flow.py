"""The guided run's flow, driven without a screen: what comes next is decided in the core."""

from __future__ import annotations

import pytest

from smtp_tui.core.connection import ConnectionRefusedByHost, ConnectTimedOut
from smtp_tui.core.evidence import ConnectFailure, Evidence, SenderFindings
from smtp_tui.core.flow import AUTOMATIC, OFFER, GuidedRun, Offer, parse_host_port
from smtp_tui.core.options import build_options, with_lab
from smtp_tui.core.probes import PortProbe
from smtp_tui.core.record import replace
from smtp_tui.core.replies import Reply
from smtp_tui.core.steps import Step, StepOutcome, StepStatus
from smtp_tui.core.verdict import judge


def make_run(lab, target: str, policy=OFFER, **options) -> GuidedRun:
    options.setdefault("timeout", 2.0)
    run = GuidedRun(with_lab(build_options(target=target, **options), lab), policy)
    assert run.open() is None
    return run


async def press_enter(run: GuidedRun, times: int = 1) -> StepOutcome:
    """What Enter does on the screen: send the offered command as it stands."""
    outcome = None
    for _ in range(times):
        outcome = await run.submit(run.stage, run.prefill(run.stage))
    assert outcome is not None
    return outcome


async def test_five_enters_reach_rcpt_to_against_a_server_that_offers_starttls(lab):
    run = make_run(lab, "alice@tls.test")
    await press_enter(run, 3)  # MX, connect, EHLO
    # STARTTLS is offered (its optional row shows), not taken: the method tests plain first.
    assert Offer.STARTTLS in run.offers
    assert Step.STARTTLS in run.book.visible()
    assert run.stage is Step.MAIL
    await press_enter(run, 2)
    assert run.book.all_passed
    assert run.book.status(Step.STARTTLS) is StepStatus.WAITING
    assert run.stage is None  # the free command line
    await run.close()


async def test_after_starttls_the_verdict_no_longer_says_check_tls(lab):
    run = GuidedRun(with_lab(build_options(target="alice@tls.test", timeout=2.0), lab))
    run.use_lab(lab, [], lab.ca_file)  # the lab's CA reaches the certificate check
    assert run.open() is None
    await press_enter(run, 3)
    run.go_back(Step.STARTTLS)
    tls = await press_enter(run)
    assert tls.step is Step.STARTTLS and tls.ok
    assert tls.certificate is not None and tls.certificate.chain == "trusted"  # the lab's CA
    assert run.stage is Step.EHLO  # RFC 3207: EHLO again
    await press_enter(run, 3)
    verdict = run.verdict()
    assert verdict is not None and verdict.category == "accepted"
    assert not any("TLS between" in step for step in verdict.next_steps)
    await run.close()


async def test_going_back_to_mail_from_sends_rset_first(lab):
    run = make_run(lab, "alice@example.test")
    await press_enter(run, 5)
    run.go_back(Step.MAIL)
    outcome = await press_enter(run)
    assert outcome.ok, outcome.summary  # not "503 nested MAIL command"
    sent = [event.text for event in run.transcript.events if event.kind.value == "sent"]
    assert sent[-2:] == ["RSET", "MAIL FROM:<tester@lab.test>"]
    assert run.book.status(Step.RCPT) is StepStatus.WAITING  # the transaction began again
    await run.close()


async def test_rset_sends_mail_and_rcpt_back_to_waiting(lab):
    run = make_run(lab, "alice@example.test")
    await press_enter(run, 5)
    await run.submit(None, "RSET")
    assert run.book.status(Step.MAIL) is StepStatus.WAITING
    assert run.book.status(Step.RCPT) is StepStatus.WAITING
    await run.close()


async def test_fail_over_is_offered_on_the_screen_and_taken_in_plain_mode(lab):
    offered = make_run(lab, "alice@failover.test")
    await press_enter(offered, 2)
    assert offered.book.status(Step.CONNECT) is StepStatus.FAILED
    assert Offer.NEXT_MX in offered.offers
    assert offered.prefill(Step.CONNECT).startswith("mx2.example.test ")

    automatic = make_run(lab, "alice@failover.test", AUTOMATIC)
    connect = await press_enter(automatic, 2)
    assert connect.ok
    assert connect.note == "down.failover.test refused → mx2.example.test"
    verdict_text = automatic.verdict().as_text()
    await press_enter(automatic, 3)
    assert "Fail-over: down.failover.test refused → mx2.example.test" in (
        automatic.verdict().as_text()
    )
    assert verdict_text
    await offered.close()
    await automatic.close()


async def test_helo_is_offered_when_ehlo_is_not_understood(lab):
    offered = make_run(lab, "alice@noehlo.test")
    await press_enter(offered, 3)
    assert Offer.HELO in offered.offers
    assert offered.prefill(Step.EHLO).startswith("HELO ")
    automatic = make_run(lab, "alice@noehlo.test", AUTOMATIC)
    hello = await press_enter(automatic, 3)
    assert hello.ok and automatic.stage is Step.MAIL
    await offered.close()
    await automatic.close()


async def test_port_25_timing_out_is_probed_by_policy_and_blamed_on_the_sending_side(lab):
    run = make_run(lab, "alice@portblock.test", AUTOMATIC, timeout=0.5)
    await press_enter(run, 2)
    assert run.session is not None and run.session.port_probes
    verdict = run.verdict()
    assert verdict is not None and verdict.side == "yours"
    assert "timed out" in verdict.verdict and "block on the sending side" in verdict.verdict
    await run.close()


async def test_server_option_skips_the_mx_lookup(lab):
    run = make_run(lab, "alice@example.test", server="127.0.25.1")
    assert run.book.status(Step.MX) is StepStatus.PASSED
    assert run.stage is Step.CONNECT
    assert run.prefill(Step.CONNECT) == f"127.0.25.1 {lab.smtp_port}"
    await run.close()


async def test_closing_journals_the_verdict_and_the_context(lab):
    run = make_run(lab, "nobody@example.test")
    await press_enter(run, 5)
    await run.close()
    assert run.journal is not None
    text = run.journal.path.read_text()
    assert "# Verdict (their side)" in text
    assert "# EHLO name: client.lab.test" in text
    assert "# MX that answered: mx1.example.test" in text


def test_a_port_must_be_ascii_digits():
    with pytest.raises(Exception, match="port"):
        parse_host_port("mx.example.com ²5", 25)
    assert parse_host_port("telnet mx.example.com 2525", 25) == ("mx.example.com", 2525)


# --- the verdict from a frozen snapshot: no sockets -------------------------------------------


def evidence(**records: StepOutcome) -> Evidence:
    base = {step: StepOutcome(step, StepStatus.PASSED) for step in Step}
    base[Step.STARTTLS] = StepOutcome(Step.STARTTLS)
    base[Step.DATA] = StepOutcome(Step.DATA)
    base.update({Step[name.upper()]: outcome for name, outcome in records.items()})
    return Evidence(records=base, domain="example.org", domain_ascii="example.org")


def test_all_accepted_points_at_your_own_system():
    verdict = judge(evidence())
    assert (verdict.side, verdict.category) == ("yours", "accepted")


def test_a_refused_port_25_with_587_answering_is_their_configuration():
    refused = ConnectionRefusedByHost("refused")
    facts = replace(
        evidence(connect=StepOutcome(Step.CONNECT, StepStatus.FAILED, "refused", error=refused)),
        connect_failures=(ConnectFailure("mx.example.org", "192.0.2.1", refused),),
        port_probes=(PortProbe(587, True, "answered 220", "Submission (587)"),),
    )
    verdict = judge(facts)
    assert verdict.side == "theirs" and "not a block on your side" in verdict.verdict


def test_a_silent_greeting_names_rfc_5321_and_our_own_limit():
    from smtp_tui.core.connection import ReplyTimedOut

    silent = ReplyTimedOut("no greeting")
    facts = replace(
        evidence(connect=StepOutcome(Step.CONNECT, StepStatus.FAILED, "silent", error=silent)),
        connect_failures=(ConnectFailure("mx.example.org", "192.0.2.1", silent),),
        banner_timeout=60.0,
    )
    verdict = judge(facts)
    assert "4.5.3.2" in verdict.verdict and "60 s (our own limit)" in verdict.verdict


def test_a_timed_out_connect_without_probes_suspects_a_block_on_your_side():
    timed_out = ConnectTimedOut("no answer")
    facts = replace(
        evidence(connect=StepOutcome(Step.CONNECT, StepStatus.FAILED, "t", error=timed_out)),
        connect_failures=(ConnectFailure("mx.example.org", "192.0.2.1", timed_out),),
    )
    assert judge(facts).side == "yours"


def test_a_listed_sending_ip_is_evidence_on_your_side():
    facts = replace(evidence(), sender=SenderFindings(listings=("Your sending IP is listed",)))
    verdict = judge(facts)
    assert verdict.side == "yours" and "Your sending IP is listed" in verdict.evidence


def test_a_huge_reply_is_quoted_as_a_capped_excerpt():
    reply = Reply(550, ("5.7.1 " + "x" * 50_000,), b"")
    verdict = judge(evidence(rcpt=StepOutcome(Step.RCPT, StepStatus.FAILED, "550", reply)))
    assert all(len(item) < 1_000 for item in verdict.evidence)
    assert "more characters left out" in verdict.evidence[0]


def test_people_read_your_side_and_their_side():
    reply = Reply(550, ("5.1.1 no such user",), b"", enhanced="5.1.1")
    verdict = judge(evidence(rcpt=StepOutcome(Step.RCPT, StepStatus.FAILED, "550", reply)))
    assert verdict.as_text().startswith("Verdict (their side)")
    assert verdict.as_json()["side"] == "theirs"


async def test_the_starttls_step_says_how_the_certificate_stands_against_the_policy(lab):
    run = GuidedRun(with_lab(build_options(target="alice@rolled.policy.test", timeout=2.0), lab))
    run.use_lab(lab, [], lab.ca_file)
    assert run.open() is None
    await press_enter(run)  # the MX look-up
    report = await run.check_policy()
    assert report is not None and report.blocked
    standing = run.policy_standing("mx-rolled.policy.test")
    assert standing[0] == "Against the published policy: MTA-STS none; DANE mismatch."
    assert any("publish the new TLSA record" in line for line in standing)
    await run.close()

"""Whose fault is it? A verdict from a frozen snapshot of the evidence.

The rules read the steps in order: DNS, then the connection, then the first rejection; when
all five steps were accepted, the destination takes this mail and the problem is most likely
on the sending side. Blacklist and reverse-DNS findings, when present, are added as evidence.
:func:`judge` takes an :class:`~smtp_tui.core.evidence.Evidence`, never a live session.
"""

from __future__ import annotations

from smtp_tui.core.evidence import Evidence, SenderFindings
from smtp_tui.core.replies import Reply
from smtp_tui.core.steps import Step, StepOutcome, StepStatus
from smtp_tui.core.verdict_reach import connect_verdict, dns_verdict
from smtp_tui.core.verdict_value import EVIDENCE_LIMIT, Verdict, excerpt, side_words

# The blacklist and probe modules (dnspython, cryptography) and the explanations (their data
# and matchers) are imported where a finding needs them: the verdict on an accepted check
# without --ip uses none of them (issue 15).
TYPE_CHECKING = False  # as typing's, without importing typing (issue 15)
if TYPE_CHECKING:
    from smtp_tui.core.sender import SenderReport

__all__ = [
    "EVIDENCE_LIMIT",
    "SenderFindings",
    "Verdict",
    "excerpt",
    "judge",
    "sender_findings",
    "side_words",
]


def sender_findings(report: SenderReport | None) -> SenderFindings:
    """What the blacklist sweeps and the reverse-DNS check found, as verdict evidence."""
    if report is None:
        return SenderFindings()
    from smtp_tui.core.dnsbl import BlStatus

    listed = [result for result in report.results if result.status is BlStatus.LISTED]
    return SenderFindings(
        listings=tuple(
            f"{'Your sender domain' if r.target == report.domain else 'Your sending IP'} "
            f"{r.target} is listed on {r.zone.zone}: {', '.join(r.meanings)}"
            for r in listed
        ),
        removal_urls=tuple(dict.fromkeys(r.url for r in listed if r.url)),
        identity_problems=report.identity.problems if report.identity else (),
    )


def judge(evidence: Evidence) -> Verdict:
    """The verdict for a session as it stood when ``evidence`` was taken."""
    verdict = _judge_steps(evidence)
    findings = evidence.sender
    evidence_lines = list(verdict.evidence)
    steps = list(verdict.next_steps)
    if evidence.failover and verdict.category != "server-unavailable":
        evidence_lines.append(
            f"Fail-over: {evidence.failover}. The preferred MX did not answer; "
            "senders retry the next one, so this alone does not stop mail."
        )
    evidence_lines += findings.listings
    evidence_lines += findings.claims
    evidence_lines += findings.identity_problems
    if findings.removal_urls:
        steps.append("Request removal once the cause is fixed: " + ", ".join(findings.removal_urls))
    if findings.identity_problems:
        steps.append("Make your IP's PTR name resolve back to it, and use that name in EHLO.")
    side, category = verdict.side, verdict.category
    if findings.listings and category in ("sender-ip-blocked", "other", "accepted"):
        side = "yours"
    if evidence.policy_blocked and category == "accepted":
        # Their published policy and their MX disagree: their side must fix one of them.
        return Verdict(
            "The destination accepts this mail here, but senders that enforce its transport "
            f"policy would not deliver: {evidence.policy_blocked}",
            "theirs",
            "tls-required",
            (*evidence_lines, f"Transport policy: {evidence.policy_blocked}"),
            (
                f"Tell {evidence.postmaster}: their MTA-STS policy or DANE (TLSA) records must "
                "match what their MX presents (smtp-tui policy shows the details).",
                *dict.fromkeys(steps),
            ),
        )
    return Verdict(
        verdict.verdict, side, category, tuple(evidence_lines), tuple(dict.fromkeys(steps))
    )


def _judge_steps(evidence: Evidence) -> Verdict:
    mx = evidence.record(Step.MX)
    domain = evidence.domain or "the domain"
    if mx.status is StepStatus.FAILED:
        return dns_verdict(evidence, domain, mx.error)
    connect = evidence.record(Step.CONNECT)
    if connect.status is StepStatus.FAILED:
        return connect_verdict(evidence, connect.reply, connect.error)
    for step in (Step.EHLO, Step.STARTTLS, Step.MAIL, Step.RCPT, Step.DATA):
        record = evidence.record(step)
        if record.status is not StepStatus.FAILED:
            continue
        if record.reply is None:
            return Verdict(
                f"The server broke off the dialogue at {step.title}.",
                "theirs",
                "server-unavailable",
                (f"{step.title}: {excerpt(record.summary)}",),
                ("Try again; if it repeats, ask " + evidence.postmaster + ".",),
            )
        if step is Step.STARTTLS and record.reply.code == 220:
            return _handshake_verdict(evidence, record)
        if step is Step.STARTTLS:
            return _tls_verdict(evidence, record.reply)
        return _rejection_verdict(evidence, step, record.reply)
    if evidence.record(Step.DATA).ok:
        return _accepted_verdict(evidence, message_sent=True)
    if all(evidence.record(step).ok for step in (Step.MX, Step.CONNECT, Step.EHLO)) and all(
        evidence.record(step).ok for step in (Step.MAIL, Step.RCPT)
    ):
        return _accepted_verdict(evidence, message_sent=False)
    reached = next(
        (
            step
            for step in (Step.MX, Step.CONNECT, Step.EHLO, Step.MAIL, Step.RCPT)
            if not evidence.record(step).ok
        ),
        None,
    )
    where = f" before step {reached.number} ({reached.title})" if reached else ""
    return Verdict(f"The test stopped{where}; no verdict yet.", "unclear", "other")


def _accepted_verdict(evidence: Evidence, *, message_sent: bool) -> Verdict:
    host = evidence.mx_host or "the MX"
    facts = [f"MX, connection, EHLO, MAIL FROM and RCPT TO were all accepted by {host}."]
    steps = ["Check your own server's queue and logs for this message."]
    if message_sent:
        data = evidence.record(Step.DATA)
        facts.append(f"A test message was accepted too ({data.summary}).")
        steps.append(
            "Ask the recipient whether the test message arrived (spam folder too); "
            "if it did, compare it with the message that bounced: content, size, attachments."
        )
    else:
        steps.append("Check what happens after DATA: content filters, size, attachments.")
    if evidence.tls:
        facts.append("The session was encrypted (TLS) and went on without trouble.")
    else:
        steps.append("Check TLS between your server and the destination (STARTTLS).")
    return Verdict(
        "The destination accepts this mail: look in your own system, the message content"
        + ("." if evidence.tls else ", or TLS."),
        "yours",
        "accepted",
        tuple(facts),
        tuple(steps),
    )


def _handshake_verdict(evidence: Evidence, record: StepOutcome) -> Verdict:
    """STARTTLS was accepted (220) and then the TLS handshake itself failed."""
    return Verdict(
        f"The server agreed to STARTTLS, but the TLS handshake failed: {excerpt(record.summary)}",
        "theirs",
        "tls-required",
        (f"STARTTLS answered 220; then: {excerpt(record.summary)}",),
        (
            "The plain session works, so mail can still go through unencrypted unless a policy "
            "requires TLS.",
            f"Tell {evidence.postmaster} their TLS handshake fails after STARTTLS.",
        ),
    )


def _tls_verdict(evidence: Evidence, reply: Reply) -> Verdict:
    from smtp_tui.core.explain import explain_reply
    from smtp_tui.core.explain_kinds import Stage

    explanation = explain_reply(reply, Stage.STARTTLS)
    # Their side, whatever the reply alone suggests: they offered STARTTLS and then refused
    # it. A temporary refusal ("454 TLS not available") names no category of its own.
    return Verdict(
        f"The destination refused STARTTLS ({reply.code}): {explanation.meaning}",
        "theirs",
        "tls-required" if explanation.category == "other" else explanation.category,
        (f"STARTTLS answered {reply.code} {excerpt(reply.text)}",),
        (
            "The plain session works, so mail can still go through unencrypted unless a policy "
            "requires TLS.",
            f"Tell {evidence.postmaster} their STARTTLS fails.",
        ),
    )


def _rejection_verdict(evidence: Evidence, step: Step, reply: Reply) -> Verdict:
    from smtp_tui.core.explain_command import explain_answer

    explanation = explain_answer(reply, step)
    code = reply.code
    shown = f"{step.title} answered {code} {excerpt(reply.text)}"
    if str(explanation.category) == "greylisted":
        return Verdict(
            "Greylisting: the destination defers new senders; a retry will pass. Not a fault.",
            "theirs",
            "greylisted",
            (shown,),
            tuple(explanation.next_steps),
        )
    kind = "temporarily refused" if 400 <= code < 500 else "refused"
    side = str(explanation.side)
    steps = list(explanation.next_steps)
    if side == "theirs":
        steps.append(f"Contact {evidence.postmaster} (by another route) about it.")
    return Verdict(
        f"The destination {kind} at {step.title}: {explanation.meaning}",
        side,
        str(explanation.category),
        (shown,),
        tuple(steps),
    )

"""Whose fault is it? A verdict from a frozen snapshot of the evidence.

The rules read the steps in order: DNS, then the connection, then the first rejection; when
all five steps were accepted, the destination takes this mail and the problem is most likely
on the sending side. Blacklist and reverse-DNS findings, when present, are added as evidence.
:func:`judge` takes an :class:`~smtp_tui.core.evidence.Evidence`, never a live session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from smtp_tui.core.connection import (
    ConnectFailed,
    ConnectionRefusedByHost,
    ConnectTimedOut,
    HostUnreachable,
    ReplyTimedOut,
    ServerProtocolError,
)
from smtp_tui.core.dns import DnsError, DnsFailure
from smtp_tui.core.evidence import Evidence, SenderFindings
from smtp_tui.core.replies import Reply
from smtp_tui.core.steps import Step, StepOutcome, StepStatus

# The blacklist and probe modules (dnspython, cryptography) and the explanations (their data
# and matchers) are imported where a finding needs them: the verdict on an accepted check
# without --ip uses none of them (issue 15).
if TYPE_CHECKING:
    from smtp_tui.core.sender import SenderReport

__all__ = ["SenderFindings", "Verdict", "judge", "sender_findings", "side_words"]

# Evidence quoted from a server is cut here: a reply may be 1,000 lines of 4 KiB.
EVIDENCE_LIMIT = 300

_SIDE_WORDS = {"yours": "your side", "theirs": "their side", "unclear": "unclear whose side"}


def side_words(side: str) -> str:
    """``yours`` -> "your side", for text people read (JSON keeps the short value)."""
    return _SIDE_WORDS.get(str(side), str(side))


def excerpt(text: str, limit: int = EVIDENCE_LIMIT) -> str:
    """At most ``limit`` characters of ``text``, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters left out)"


@dataclass(frozen=True)
class Verdict:
    verdict: str
    side: str
    category: str
    evidence: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "side": self.side,
            "category": self.category,
            "evidence": list(self.evidence),
            "next_steps": list(self.next_steps),
        }

    def as_text(self) -> str:
        lines = [f"Verdict ({side_words(self.side)}): {self.verdict}"]
        lines += [f"  evidence: {item}" for item in self.evidence]
        lines += [f"  next: {item}" for item in self.next_steps]
        return "\n".join(lines)

    def as_markdown(self) -> str:
        lines = [
            "## Verdict",
            "",
            f"**{self.verdict}** ({side_words(self.side)}; category: {self.category})",
            "",
        ]
        if self.evidence:
            lines += ["Evidence:", *[f"- {item}" for item in self.evidence], ""]
        if self.next_steps:
            lines += ["Next steps:", *[f"- {item}" for item in self.next_steps]]
        return "\n".join(lines)


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
        return _dns_verdict(evidence, domain, mx.error)
    connect = evidence.record(Step.CONNECT)
    if connect.status is StepStatus.FAILED:
        return _connect_verdict(evidence, connect.reply, connect.error)
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

    explanation = explain_reply(reply)
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


def _dns_verdict(evidence: Evidence, domain: str, error: Exception | None) -> Verdict:
    if evidence.null_mx:
        return Verdict(
            f"{domain} accepts no mail: it publishes a null MX (RFC 7505).",
            "theirs",
            "null-mx",
            ("MX: 0 . (null MX)",),
            ("Check the address with the recipient; this domain takes no mail.",),
        )
    if isinstance(error, DnsError):
        if error.kind is DnsFailure.NXDOMAIN:
            return Verdict(
                f"{domain} does not exist in DNS: most likely a typo in the address.",
                "theirs",
                "recipient-unknown",
                (str(error),),
                (
                    "Check the spelling of the recipient's domain with the recipient.",
                    "If it is right, their DNS has lost the domain: their side must act.",
                ),
            )
        if error.kind in (DnsFailure.SERVFAIL, DnsFailure.REFUSED):
            return Verdict(
                f"{domain}'s DNS is broken (SERVFAIL): mail to it cannot be routed "
                "until its owner fixes it.",
                "theirs",
                "server-unavailable",
                (str(error),),
                (
                    "Tell the recipient their domain's DNS fails.",
                    "Try again later; ask another resolver (--dns).",
                ),
            )
        if error.kind in (DnsFailure.TIMEOUT, DnsFailure.NO_NAMESERVERS):
            return Verdict(
                "DNS did not answer: check your resolver first, then the domain's name servers.",
                "unclear",
                "other",
                (str(error),),
                (
                    "Try another resolver (--dns 9.9.9.9).",
                    "If others answer, your own resolver or network is at fault.",
                ),
            )
        return Verdict(
            f"{domain} has no mail records (no MX, no address).",
            "theirs",
            "other",
            (str(error),),
            ("Check the address with the recipient.",),
        )
    return Verdict(
        f"No MX host of {domain} has an address: mail cannot be delivered.",
        "theirs",
        "other",
        ("Every MX host lacks an A/AAAA record.",),
        ("Tell the recipient their domain's MX records point nowhere.",),
    )


def _connect_verdict(evidence: Evidence, banner: Reply | None, error: Exception | None) -> Verdict:
    failures = evidence.connect_failures
    lines = tuple(f"{f.label} [{f.address}]: {f.error}" for f in failures)
    unanswered = all(isinstance(f.error, ConnectFailed) for f in failures)
    if evidence.port_probes and banner is None and unanswered:
        lines += tuple(probe.line() for probe in evidence.port_probes)
        timed_out = any(isinstance(f.error, ConnectTimedOut) for f in failures)
        from smtp_tui.core.probes import diagnose

        message = diagnose(list(evidence.port_probes), evidence.port, refused=not timed_out)
        answered = any(probe.answered for probe in evidence.port_probes)
        if answered and timed_out:
            return Verdict(
                message,
                "yours",
                "other",
                lines,
                (
                    "Ask your network team, ISP or cloud provider whether outbound port 25 is "
                    "blocked, or send through their relay.",
                ),
            )
        if answered:
            return Verdict(
                message,
                "theirs",
                "server-unavailable",
                lines,
                (
                    "Port 25 was refused, not silently dropped: nothing listens there or their "
                    f"firewall rejects you. Tell {evidence.postmaster} (by another route).",
                ),
            )
        return Verdict(
            message,
            "theirs",
            "server-unavailable",
            lines,
            (
                f"Check the MX records, then tell {evidence.postmaster} (by another "
                "route) that their mail host does not answer.",
            ),
        )
    if banner is not None:
        from smtp_tui.core.explain import explain_reply

        explanation = explain_reply(banner)
        side = str(explanation.side)
        category = str(explanation.category)
        return Verdict(
            f"The server refused to talk at its greeting: {explanation.meaning}",
            side if side != "unclear" else "yours",
            category if category != "other" else "sender-ip-blocked",
            (f"Greeting: {banner.code} {excerpt(banner.text)}",),
            tuple(explanation.next_steps) or ("Check your sending IP on block lists.",),
        )
    kinds: set[type[BaseException]] = {type(f.error) for f in failures}
    if not kinds and error is not None:
        kinds = {type(error)}
    if kinds <= {ConnectTimedOut}:
        return Verdict(
            "No MX answered on port 25 (timeouts): most often your own network, ISP or cloud "
            "provider blocks outbound port 25.",
            "yours",
            "other",
            lines,
            (
                "Test from another network, or ask your provider whether port 25 is blocked.",
                "If others can reach the MX, the block is on your side.",
            ),
        )
    if kinds <= {ConnectionRefusedByHost}:
        return Verdict(
            "Every MX refused the connection: no mail server is listening there, or a firewall "
            "rejects you.",
            "theirs",
            "server-unavailable",
            lines,
            (f"Tell {evidence.postmaster} (by another route) their MX refuses connections.",),
        )
    if kinds <= {ReplyTimedOut, ServerProtocolError}:
        waited = (
            f" We gave up after {evidence.banner_timeout:g} s (our own limit);"
            if evidence.banner_timeout
            else ""
        )
        return Verdict(
            "The MX accepted the connection but never greeted properly (a tarpit, an overloaded "
            "server, or something that is not a mail server)."
            + (
                f"{waited} RFC 5321 §4.5.3.2 lets a server take up to 5 minutes to greet, "
                "and real MTAs wait that long."
                if ReplyTimedOut in kinds
                else ""
            ),
            "theirs",
            "server-unavailable",
            lines,
            ("Try again later; if it repeats, tell " + evidence.postmaster + ".",),
        )
    if kinds <= {HostUnreachable}:
        return Verdict(
            "The MX is unreachable from here (no route).",
            "yours",
            "other",
            lines,
            ("Check this machine's network and IPv4/IPv6 connectivity.",),
        )
    return Verdict(
        "No MX could be reached.",
        "unclear",
        "server-unavailable",
        lines,
        ("Check your network first, then ask " + evidence.postmaster + ".",),
    )


def _rejection_verdict(evidence: Evidence, step: Step, reply: Reply) -> Verdict:
    from smtp_tui.core.explain import explain_reply

    explanation = explain_reply(reply)
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

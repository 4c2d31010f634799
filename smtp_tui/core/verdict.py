"""Whose fault is it? A verdict from all the evidence a session gathered.

The rules read the steps in order: DNS, then the connection, then the first rejection; when
all five steps were accepted, the destination takes this mail and the problem is most likely
on the sending side. Blacklist and reverse-DNS findings, when present, are added as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from smtp_tui.core.connection import (
    ConnectionRefusedByHost,
    ConnectTimedOut,
    HostUnreachable,
    ReplyTimedOut,
    ServerProtocolError,
)
from smtp_tui.core.dns import DnsError, DnsFailure
from smtp_tui.core.dnsbl import BlStatus
from smtp_tui.core.explain import explain_reply
from smtp_tui.core.probes import diagnose
from smtp_tui.core.replies import Reply
from smtp_tui.core.sender import SenderReport
from smtp_tui.core.session import Step, StepStatus, TestSession


@dataclass(frozen=True)
class SenderFindings:
    """What the blacklist check learned about the sending side (filled by the blacklist issue's
    engine, or left empty)."""

    listings: tuple[str, ...] = ()  # "Your sending IP 192.0.2.1 is listed on zone: meaning"
    removal_urls: tuple[str, ...] = ()
    identity_problems: tuple[str, ...] = ()  # PTR missing, FCrDNS or EHLO mismatch


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
        lines = [f"Verdict ({self.side} side): {self.verdict}"]
        lines += [f"  evidence: {item}" for item in self.evidence]
        lines += [f"  next: {item}" for item in self.next_steps]
        return "\n".join(lines)

    def as_markdown(self) -> str:
        lines = [
            "## Verdict",
            "",
            f"**{self.verdict}** (side: {self.side}, category: {self.category})",
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


def _postmaster(session: TestSession) -> str:
    if session.domain:
        return f"postmaster@{session.domain.ascii}"
    return "the destination's postmaster"


def judge(session: TestSession, findings: SenderFindings | None = None) -> Verdict:
    """The verdict for ``session`` as it stands (complete or stopped early)."""
    findings = findings or SenderFindings()
    verdict = _judge_steps(session)
    evidence = list(verdict.evidence)
    steps = list(verdict.next_steps)
    evidence += findings.listings
    for problem in findings.identity_problems:
        evidence.append(problem)
    if findings.removal_urls:
        steps.append("Request removal once the cause is fixed: " + ", ".join(findings.removal_urls))
    if findings.identity_problems:
        steps.append("Make your IP's PTR name resolve back to it, and use that name in EHLO.")
    side, category = verdict.side, verdict.category
    if findings.listings and category in ("sender-ip-blocked", "other", "accepted"):
        side = "yours"
    return Verdict(verdict.verdict, side, category, tuple(evidence), tuple(dict.fromkeys(steps)))


def _judge_steps(session: TestSession) -> Verdict:
    book = session.book
    mx = book.records[Step.MX]
    domain = session.domain.shown() if session.domain else "the domain"
    if mx.status is StepStatus.FAILED:
        return _dns_verdict(session, domain, mx.error)
    connect = book.records[Step.CONNECT]
    if connect.status is StepStatus.FAILED:
        return _connect_verdict(session, connect.reply, connect.error)
    for step in (Step.EHLO, Step.MAIL, Step.RCPT):
        record = book.records[step]
        if record.status is StepStatus.FAILED:
            if record.reply is None:
                return Verdict(
                    f"The server broke off the dialogue at {step.title}.",
                    "theirs",
                    "server-unavailable",
                    (f"{step.title}: {record.summary}",),
                    ("Try again; if it repeats, ask " + _postmaster(session) + ".",),
                )
            return _rejection_verdict(session, step, record.reply)
    if book.all_passed:
        return Verdict(
            "The destination accepts this mail: look in your own system, the message content, "
            "or TLS.",
            "yours",
            "accepted",
            (
                f"MX, connection, EHLO, MAIL FROM and RCPT TO were all accepted by "
                f"{session.transcript.meta.mx_host or 'the MX'}.",
            ),
            (
                "Check your own server's queue and logs for this message.",
                "Check what happens after DATA: content filters, size, attachments.",
                "Check TLS between your server and the destination (STARTTLS).",
            ),
        )
    reached = next((step for step in Step if book.status(step) is not StepStatus.PASSED), None)
    where = f" before step {reached.value} ({reached.title})" if reached else ""
    return Verdict(f"The test stopped{where}; no verdict yet.", "unclear", "other")


def _dns_verdict(session: TestSession, domain: str, error: Exception | None) -> Verdict:
    if session.mx is not None and session.mx.null_mx:
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
                "yours",
                "recipient-unknown",
                (str(error),),
                ("Check the spelling of the recipient's domain.",),
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


def _connect_verdict(
    session: TestSession, banner: Reply | None, error: Exception | None
) -> Verdict:
    failures = session.connect_failures
    evidence = tuple(f"{label} [{address}]: {failure}" for label, address, failure in failures)
    if session.port_probes and banner is None:
        evidence += tuple(probe.line() for probe in session.port_probes)
        if any(probe.answered for probe in session.port_probes):
            return Verdict(
                diagnose(session.port_probes, session.port),
                "yours",
                "other",
                evidence,
                (
                    "Ask your network team, ISP or cloud provider whether "
                    "outbound port 25 is blocked, or send through their "
                    "relay.",
                ),
            )
        return Verdict(
            diagnose(session.port_probes, session.port),
            "theirs",
            "server-unavailable",
            evidence,
            (
                f"Check the MX records, then tell {_postmaster(session)} (by another "
                "route) that their mail host does not answer.",
            ),
        )
    if banner is not None:
        explanation = explain_reply(banner)
        return Verdict(
            f"The server refused to talk at its greeting: {explanation.meaning}",
            explanation.side if explanation.side != "unclear" else "yours",
            explanation.category if explanation.category != "other" else "sender-ip-blocked",
            (f"Greeting: {banner.code} {banner.text}",),
            explanation.next_steps or ("Check your sending IP on block lists.",),
        )
    kinds: set[type[BaseException]] = {type(failure) for _, _, failure in failures}
    if not kinds and error is not None:
        kinds = {type(error)}
    if kinds <= {ConnectTimedOut}:
        return Verdict(
            "No MX answered on port 25 (timeouts): most often your own network, ISP or cloud "
            "provider blocks outbound port 25.",
            "yours",
            "other",
            evidence,
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
            evidence,
            (f"Tell {_postmaster(session)} (by another route) their MX refuses connections.",),
        )
    if kinds <= {ReplyTimedOut, ServerProtocolError}:
        return Verdict(
            "The MX accepted the connection but never greeted properly (a tarpit, an overloaded "
            "server, or something that is not a mail server).",
            "theirs",
            "server-unavailable",
            evidence,
            ("Try again later; if it repeats, tell " + _postmaster(session) + ".",),
        )
    if kinds <= {HostUnreachable}:
        return Verdict(
            "The MX is unreachable from here (no route).",
            "yours",
            "other",
            evidence,
            ("Check this machine's network and IPv4/IPv6 connectivity.",),
        )
    return Verdict(
        "No MX could be reached.",
        "unclear",
        "server-unavailable",
        evidence,
        ("Check your network first, then ask " + _postmaster(session) + ".",),
    )


def _rejection_verdict(session: TestSession, step: Step, reply: Reply) -> Verdict:
    explanation = explain_reply(reply)
    code = reply.code
    shown = f"{step.title} answered {code} {reply.text}"
    if explanation.category == "greylisted":
        return Verdict(
            "Greylisting: the destination defers new senders; a retry will pass. Not a fault.",
            "theirs",
            "greylisted",
            (shown,),
            explanation.next_steps,
        )
    kind = "temporarily refused" if 400 <= code < 500 else "refused"
    side = explanation.side
    steps = list(explanation.next_steps)
    if side == "theirs":
        steps.append(f"Contact {_postmaster(session)} (by another route) about it.")
    return Verdict(
        f"The destination {kind} at {step.title}: {explanation.meaning}",
        side,
        explanation.category,
        (shown,),
        tuple(steps),
    )

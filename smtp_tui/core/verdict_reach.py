"""Verdicts for sessions that never reached SMTP: the DNS look-up or the connection failed.

Split from :mod:`smtp_tui.core.verdict`, which decides which of these applies.
"""

from __future__ import annotations

from smtp_tui.core.dns_errors import DnsError, DnsFailure
from smtp_tui.core.evidence import Evidence
from smtp_tui.core.replies import Reply
from smtp_tui.core.smtp_errors import (
    ConnectFailed,
    ConnectionRefusedByHost,
    ConnectTimedOut,
    HostUnreachable,
    ReplyTimedOut,
    ServerProtocolError,
)
from smtp_tui.core.verdict_value import Verdict, excerpt


def dns_verdict(evidence: Evidence, domain: str, error: Exception | None) -> Verdict:
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


def connect_verdict(evidence: Evidence, banner: Reply | None, error: Exception | None) -> Verdict:
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
        from smtp_tui.core.explain_kinds import Stage

        # Read as the answer to the connection: a permanent refusal that names nothing is a
        # block of the sending address; a temporary one keeps its own reading (a busy server).
        explanation = explain_reply(banner, Stage.CONNECT)
        return Verdict(
            f"The server refused to talk at its greeting: {explanation.meaning}",
            str(explanation.side),
            str(explanation.category),
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

"""A frozen snapshot of everything a session found, for the verdict to judge.

The verdict never looks at a live session: :func:`snapshot` copies what matters out of one,
so verdict tests build an :class:`Evidence` by hand and need no sockets.
"""

from __future__ import annotations

from smtp_tui.core.record import field, frozen_record
from smtp_tui.core.steps import Step, StepOutcome

TYPE_CHECKING = False  # as typing's, without importing typing (issue 15)
if TYPE_CHECKING:
    from smtp_tui.core.probes import PortProbe  # probes load TLS and cryptography
    from smtp_tui.core.session import TestSession
    from smtp_tui.core.smtp_errors import SmtpError


@frozen_record
class SenderFindings:
    """What the sending-side checks learned (blacklists, reverse DNS), as verdict evidence."""

    listings: tuple[str, ...] = ()  # "Your sending IP 192.0.2.1 is listed on zone: meaning"
    removal_urls: tuple[str, ...] = ()
    identity_problems: tuple[str, ...] = ()  # PTR missing, FCrDNS or EHLO mismatch
    claims: tuple[str, ...] = ()  # a server's "[IP] blocked using LIST", checked with LIST


@frozen_record
class ConnectFailure:
    """One connection attempt that did not get a greeting."""

    label: str  # the MX name (or the address when there is none)
    address: str
    error: SmtpError


@frozen_record
class Evidence:
    """What the verdict judges: the steps' outcomes and the facts around them."""

    records: dict[Step, StepOutcome]
    domain: str | None = None  # as shown (Unicode for IDNs)
    domain_ascii: str | None = None
    null_mx: bool = False
    mx_host: str | None = None  # the MX that answered (or was tried last)
    port: int = 25
    connect_failures: tuple[ConnectFailure, ...] = ()
    port_probes: tuple[PortProbe, ...] = ()
    banner_timeout: float | None = None  # our own limit on the wait for a greeting
    tls: bool = False  # the session ended up encrypted (STARTTLS or port 465)
    sender: SenderFindings = field(default_factory=SenderFindings)
    # What the destination's transport policy (MTA-STS, DANE) says would block delivery.
    policy_blocked: str | None = None

    def record(self, step: Step) -> StepOutcome:
        return self.records[step]

    @property
    def postmaster(self) -> str:
        if self.domain_ascii:
            return f"postmaster@{self.domain_ascii}"
        return "the destination's postmaster"

    @property
    def failover(self) -> str | None:
        """ "mx1 refused → mx2" when an earlier MX failed and a later one answered."""
        connect = self.records[Step.CONNECT]
        if not self.connect_failures or connect.reply is None:
            return None
        first = self.connect_failures[0]
        return f"{first.label} {_failure_word(first.error)} → {self.mx_host or 'the next MX'}"


def _failure_word(error: SmtpError) -> str:
    from smtp_tui.core.smtp_errors import ConnectionRefusedByHost, ConnectTimedOut

    if isinstance(error, ConnectionRefusedByHost):
        return "refused"
    if isinstance(error, ConnectTimedOut):
        return "timed out"
    return "failed"


def snapshot(
    session: TestSession,
    sender: SenderFindings | None = None,
    policy_blocked: str | None = None,
) -> Evidence:
    """Copy what the verdict needs out of ``session`` as it stands now."""
    domain = session.domain
    return Evidence(
        records=dict(session.book.records),
        domain=domain.shown() if domain else None,
        domain_ascii=domain.ascii if domain else None,
        null_mx=bool(session.mx and session.mx.null_mx),
        mx_host=session.transcript.meta.mx_host,
        port=session.port,
        connect_failures=tuple(
            ConnectFailure(label, address, error)
            for label, address, error in session.connect_failures
        ),
        port_probes=tuple(session.port_probes),
        banner_timeout=session.timeouts.banner,
        tls=session.connection.tls,
        sender=sender or SenderFindings(),
        policy_blocked=policy_blocked,
    )

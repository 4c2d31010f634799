"""What each input of a guided run starts with: the command shown ready to send, the host
and port of step 2, the recipient, and the validator's view of what the user typed.

:class:`RunInputs` is the part of :class:`~smtp_tui.core.flow.GuidedRun` that only reads the
run's state; the flow itself (what happens next) stays in :mod:`smtp_tui.core.flow`.
"""

from __future__ import annotations

from smtp_tui.core.commands import CommandCheck, check_command, ehlo, helo, rcpt_to
from smtp_tui.core.flow_choices import Offer
from smtp_tui.core.options import SessionOptions, effective_helo, mail_from_command, parse_server
from smtp_tui.core.steps import Step

TYPE_CHECKING = False  # as typing's, without importing typing (issue 15)
if TYPE_CHECKING:
    from smtp_tui.core.dns import MxHost
    from smtp_tui.core.session import TestSession


class RunInputs:
    """Read-only answers about a run's inputs; :class:`~smtp_tui.core.flow.GuidedRun` sets
    the attributes declared here."""

    options: SessionOptions
    session: TestSession | None
    offers: set[Offer]
    chosen_host: str | None
    last_text: dict[Step, str]

    def recipient(self) -> str:
        if self.options.rcpt_to:
            return self.options.rcpt_to
        session = self.session
        if session and session.recipient:
            return session.recipient.text
        if session and session.domain:
            return f"postmaster@{session.domain.ascii}"
        if self.options.target and "@" in self.options.target:
            return self.options.target
        return "postmaster@example.com"

    def usable_hosts(self) -> list[MxHost]:
        return self.session.usable_hosts() if self.session else []

    def next_host(self) -> MxHost | None:
        """The MX to offer: the chosen one, else the first usable one."""
        hosts = self.usable_hosts()
        for host in hosts:
            if host.host == self.chosen_host:
                return host
        return hosts[0] if hosts else None

    def connect_target(self) -> tuple[str, int]:
        if self.options.server and self.chosen_host is None:
            return parse_server(self.options.server, self.options.port)
        host = self.next_host()
        return (host.host if host else "", self.options.port)

    def prefill(self, step: Step | None) -> str:
        """The command shown, ready to send, for ``step`` (None: the free command line)."""
        if step is None or step is Step.DATA:
            return ""
        if step is Step.STARTTLS:
            return "STARTTLS"
        if Offer.HELO in self.offers and step is Step.EHLO:
            return helo(effective_helo(self.options))
        if step in self.last_text and step is not Step.CONNECT:
            return self.last_text[step]
        if step is Step.MX:
            return self.options.target or ""
        if step is Step.CONNECT:
            host, port = self.connect_target()
            return f"{host} {port}" if host else ""
        if step is Step.EHLO:
            return ehlo(effective_helo(self.options))
        if step is Step.MAIL:
            return mail_from_command(self.options)
        return rcpt_to(self.recipient())

    def check(self, step: Step | None, text: str) -> CommandCheck | None:
        """Validator result for a command input (None for steps 1 and 2, which are not SMTP)."""
        if step in (Step.MX, Step.CONNECT, Step.DATA):
            return None
        smtputf8 = bool(self.session and "SMTPUTF8" in self.session.keywords)
        return check_command(text, smtputf8=smtputf8)

    def port_heading(self) -> str:
        """The port really used for step 2, in words."""
        port = self.connect_target()[1]
        if self.options.demo and port == self.lab_port(25):
            return f"port {port}, the lab's stand-in for 25"
        return f"port {port}"

    def lab_port(self, port: int) -> int:
        """In the practice lab, 25, 587 and 465 mean the lab's stand-ins for them."""
        if self.options.demo:
            stand_ins = {
                25: self.options.port,
                587: self.options.submission_port,
                465: self.options.smtps_port,
            }
            return stand_ins.get(port, port)
        return port

    def implicit_tls(self, port: int) -> bool:
        """TLS from the first byte: port 465 (or the lab's stand-in for it), or the policy."""
        return port in (465, self.options.smtps_port)

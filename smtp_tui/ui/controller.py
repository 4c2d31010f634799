"""The screen's link to the core: one guided session, what each step's input starts with, and
what submitting it does. No widgets here, so the flow can be tested without a screen."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from smtp_tui import __version__
from smtp_tui.core.addresses import InputError
from smtp_tui.core.commands import CommandCheck, check_command, command_verb, ehlo, rcpt_to
from smtp_tui.core.connection import SmtpError
from smtp_tui.core.dns import DnsError, MxHost, make_resolver
from smtp_tui.core.dnsbl import DnsblChecker, ZoneResult
from smtp_tui.core.dnsbl_catalogue import Zone, select_zones
from smtp_tui.core.exports import save_exports
from smtp_tui.core.journal import Journal, open_journal
from smtp_tui.core.options import (
    LabPorts,
    SessionOptions,
    effective_helo,
    effective_sender,
    mail_from_command,
    parse_server,
    sender_domain,
    with_lab,
)
from smtp_tui.core.replies import Reply
from smtp_tui.core.sender import (
    DEFAULT_PROVIDERS,
    DiscoveryProvider,
    PublicAddress,
    SenderReport,
    check_sending_side,
    discover_public_ip,
)
from smtp_tui.core.session import ExtraResult, Step, StepResult, StepStatus, TestSession
from smtp_tui.core.steps import Extra, StepBook
from smtp_tui.core.transcript import Transcript, TranscriptMeta, to_markdown
from smtp_tui.core.verdict import SenderFindings, Verdict, judge, sender_findings

Stage = Step | Extra | None  # a step, an optional extra, or None for the free command line
STAY = object()  # next_stage's "stay on this stage"

STEP_KEYS = {
    Step.MX: "mx",
    Step.CONNECT: "connect",
    Step.EHLO: "ehlo",
    Step.MAIL: "mail",
    Step.RCPT: "rcpt",
}


@dataclass(frozen=True)
class Outcome:
    """What one submission did, for the screen to show."""

    step: Step | Extra | None
    reply: Reply | None = None
    result: StepResult | None = None
    error: str | None = None  # a refusal or failure in plain words (nothing may have been sent)
    extra: ExtraResult | None = None


@dataclass
class SessionController:
    options: SessionOptions
    transcript: Transcript = field(init=False)
    session: TestSession | None = field(init=False, default=None)
    journal: Journal | None = field(init=False, default=None)
    chosen_host: str | None = field(init=False, default=None)
    last_text: dict[Step, str] = field(init=False, default_factory=dict)
    history: list[str] = field(init=False, default_factory=list)
    lab_note: str = field(init=False, default="")
    zones: list[Zone] = field(init=False, default_factory=list)
    sender_report: SenderReport | None = field(init=False, default=None)
    public_address: PublicAddress | None = field(init=False, default=None)
    discovery: tuple[DiscoveryProvider, ...] = field(init=False, default=DEFAULT_PROVIDERS)
    checker: DnsblChecker | None = field(init=False, default=None)
    zone_problems: list[str] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.transcript = Transcript(
            TranscriptMeta(
                version=__version__,
                ran_on=socket.gethostname(),
                resolver=self.options.resolver.describe(),
            )
        )

    def use_lab(self, lab: LabPorts) -> None:
        """Point the session at the practice lab (for --demo)."""
        self.options = with_lab(self.options, lab)
        dns = lab.dns
        self.transcript.meta.resolver = f"{self.options.resolver.describe()} (practice lab)"
        self.lab_note = (
            f"Practice lab: DNS {dns}, SMTP port {lab.smtp_port} (its 587: "
            f"{lab.submission_port}, its 465: {lab.smtps_port})"
        )
        from smtp_tui.lab.dnsbl_zones import DEMO_ZONES

        self.zones = list(DEMO_ZONES)
        self.discovery = (DiscoveryProvider("the practice lab", "myip.lab.test", "A", dns),)

    def start(self) -> str | None:
        """Make the resolver and session; returns an error to show, or None."""
        try:
            resolver = make_resolver(self.options.resolver, timeout=self.options.dns_timeout)
        except DnsError as error:
            return str(error)
        self.session = TestSession(
            self.transcript,
            resolver,
            timeouts=self.options.timeouts,
            family=self.options.family,
            source=self.options.source,
        )
        self.checker = DnsblChecker(resolver)
        if not self.zones:
            self.zones = select_zones(
                list(self.options.zones_enable),
                list(self.options.zones_disable),
                self.zone_problems,
            )
        return None

    # --- the sending side ------------------------------------------------------------------

    async def sending_address(self) -> PublicAddress:
        """--ip or the config's, else found through DNS (DiscoveryFailed if not)."""
        if self.options.ip:
            return PublicAddress(self.options.ip, "--ip or the config file")
        return await discover_public_ip(self.discovery, timeout=self.options.dns_timeout)

    async def check_sender(
        self, address: PublicAddress, on_result: Callable[[ZoneResult], None]
    ) -> None:
        """Sweep the lists for the sending IP and the MAIL FROM domain (results as they
        arrive), then the IP's reverse DNS and the domain's SPF record."""
        assert self.checker is not None
        self.public_address = address
        self.sender_report = await check_sending_side(
            self.checker,
            self.zones,
            address.address,
            effective_helo(self.options),
            sender_domain(self.options),
            on_result,
        )

    def findings(self) -> SenderFindings:
        return sender_findings(self.sender_report)

    def verdict(self) -> Verdict | None:
        """Whose fault is it, as things stand (None before the session exists)."""
        if self.session is None:
            return None
        return judge(self.session, self.findings())

    def ticket_markdown(self) -> str:
        """The Markdown export with the verdict, as copied and saved for a ticket."""
        verdict = self.verdict()
        sections = [verdict.as_markdown()] if verdict else []
        return to_markdown(self.transcript, extra_sections=sections)

    def save(self) -> tuple[Path, Path]:
        """Ctrl+S: the transcript as Markdown (with the verdict) and as plain text."""
        verdict = self.verdict()
        sections = [verdict.as_markdown()] if verdict else []
        return save_exports(self.transcript, extra_sections=sections)

    def sender_warnings(self) -> list[str]:
        """Shown before EHLO: a listed sending IP or domain, or a PTR that does not fit the
        EHLO name."""
        report = self.sender_report
        if report is None:
            return []
        warnings = [f"! {line}." for line in self.findings().listings]
        return warnings + [f"! {problem}" for problem in report.problems()]

    @property
    def book(self) -> StepBook:
        assert self.session is not None
        return self.session.book

    @property
    def finished(self) -> bool:
        """True once step 5 has an outcome: the free command line takes over."""
        return self.session is not None and self.book.status(Step.RCPT) in (
            StepStatus.PASSED,
            StepStatus.WARNING,
            StepStatus.FAILED,
        )

    # --- what each input starts with -------------------------------------------------------

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

    def next_host(self) -> MxHost | None:
        """The MX to offer: the chosen one, else the first usable one not yet refused."""
        hosts = self.session.usable_hosts() if self.session else []
        if self.chosen_host:
            for host in hosts:
                if host.host == self.chosen_host:
                    return host
        return hosts[0] if hosts else None

    def connect_target(self) -> tuple[str, int]:
        if self.options.server:
            return parse_server(self.options.server, self.options.port)
        host = self.next_host()
        return (host.host if host else "", self.options.port)

    def prefill(self, step: Step | Extra | None) -> str:
        """The command shown, ready to send, for ``step`` (None: the free command line)."""
        if step is None:
            return ""
        if step is Extra.STARTTLS:
            return "STARTTLS"
        if step is Extra.DATA:
            return ""
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

    def check(self, step: Step | Extra | None, text: str) -> CommandCheck | None:
        """Validator result for a command input (None for steps 1 and 2, which are not SMTP)."""
        if step in (Step.MX, Step.CONNECT, Extra.DATA):
            return None
        smtputf8 = bool(self.session and "SMTPUTF8" in self.session.keywords)
        return check_command(text, smtputf8=smtputf8)

    # --- where the wizard goes -------------------------------------------------------------

    def hint(self, step: Stage, prefill: str) -> str:
        """The line under a step's title: the telnet equivalent, warnings, the next keys."""
        if step is Step.CONNECT and prefill:
            port = prefill.split()[-1]
            tls = (
                " with TLS from the first byte"
                if port.isdigit() and self.implicit_tls(int(port))
                else ""
            )
            return f"Same as: telnet {prefill}{tls}  (F6: next MX)"
        if step is Step.EHLO:
            return "\n".join(self.sender_warnings())
        if step is Extra.STARTTLS:
            return "Enter encrypts the connection; F7 skips to MAIL FROM."
        rcpt_passed = self.session is not None and self.book.status(Step.RCPT) is StepStatus.PASSED
        if step is None and rcpt_passed:
            return "F8: send a real test message (DATA; it asks first)."
        return ""

    def next_stage(self, step: Stage, outcome: Outcome, *, tls_skipped: bool) -> Stage | object:
        """Where the wizard goes after ``outcome``: a stage, or STAY."""
        result, extra = outcome.result, outcome.extra
        session = self.session
        assert session is not None
        if extra is not None:
            if extra.name == "STARTTLS":
                return Step.EHLO if extra.ok else STAY
            return None  # after the test message: the free command line
        if result is None:
            return STAY
        if result.step is Step.RCPT or (self.finished and step is None):
            return None
        if result.status in (StepStatus.PASSED, StepStatus.WARNING):
            offers_tls = "STARTTLS" in session.keywords and not session.connection.tls
            if result.step is Step.EHLO and offers_tls and not tls_skipped:
                return Extra.STARTTLS
            return Step(result.step.value + 1)
        return result.step if result.step is not step else STAY

    # --- doing it --------------------------------------------------------------------------

    def choose_host(self, host: str) -> None:
        self.chosen_host = host

    def lab_port(self, port: int) -> int:
        """In the practice lab, 587 and 465 mean the lab's stand-ins for them."""
        if self.options.demo:
            return {587: self.options.submission_port, 465: self.options.smtps_port}.get(port, port)
        return port

    def implicit_tls(self, port: int) -> bool:
        """TLS from the first byte: port 465 (or the lab's stand-in for it)."""
        return port in (465, self.options.smtps_port)

    async def probe_other_ports(self) -> Outcome:
        """Port 25 failed: does the same host answer on 587 and 465?"""
        assert self.session is not None
        session = self.session
        if session.host is None:
            return Outcome(Step.CONNECT, error="Connect to a host first.")
        ports = [(self.options.submission_port, False), (self.options.smtps_port, True)]
        await session.probe_other_ports(session.host, ports)
        return Outcome(Step.CONNECT)

    async def send_test_message(self, body: str) -> Outcome:
        assert self.session is not None
        result = await self.session.send_test_message(
            effective_sender(self.options),
            self.recipient(),
            helo=effective_helo(self.options),
            body=body,
        )
        return Outcome(Extra.DATA, reply=result.reply, extra=result)

    async def submit(self, step: Step | Extra | None, text: str) -> Outcome:
        """Run ``step`` with the user's text (None: a free command)."""
        assert self.session is not None
        session = self.session
        if step is Step.MX:
            try:
                result = await session.lookup(text)
            except InputError as error:
                return Outcome(step, error=str(error))
            self.last_text[step] = text
            self._open_journal()
            self.chosen_host = None
            return Outcome(step, result=result)
        if step is Step.CONNECT:
            try:
                host, port = parse_host_port(text, self.options.port)
            except InputError as error:
                return Outcome(step, error=str(error))
            port = self.lab_port(port)
            result = await session.connect_host(host, port, implicit_tls=self.implicit_tls(port))
            if result.status is StepStatus.FAILED and result.reply is None:
                self._offer_next_host(host)
            return Outcome(step, reply=result.reply, result=result)
        self.history.append(text)
        verb = command_verb(text)
        if verb == "STARTTLS":
            tls = await session.starttls(text, helo=effective_helo(self.options))
            return Outcome(Extra.STARTTLS, reply=tls.reply, extra=tls)
        if verb in ("DATA", "BDAT"):
            return Outcome(
                step,
                error="A message cannot be typed line by line here: press F8 "
                "to send a test message (it asks first).",
            )
        if verb == "QUIT" and text.strip().upper() == "QUIT":
            if not session.connection.is_open:
                return Outcome(None, error="Not connected: there is nobody to say QUIT to.")
            return Outcome(None, reply=await session.connection.close())
        try:
            answer = await session.command(text)
        except SmtpError as error:
            return Outcome(step, error=str(error))
        except ValueError as error:  # CommandRefused: nothing was sent
            return Outcome(step, error=str(error))
        if isinstance(answer, StepResult):
            self.last_text[answer.step] = text
            return Outcome(answer.step, reply=answer.reply, result=answer)
        return Outcome(None, reply=answer)

    def _offer_next_host(self, failed: str) -> None:
        hosts = self.session.usable_hosts() if self.session else []
        names = [host.host for host in hosts]
        if failed in names and names.index(failed) + 1 < len(names):
            self.chosen_host = names[names.index(failed) + 1]

    def _open_journal(self) -> None:
        if self.journal is None and self.session and self.session.domain:
            self.journal = open_journal(self.transcript, self.session.domain.ascii)

    async def close(self) -> None:
        """Say QUIT, then end the journal with the verdict (as plain mode does)."""
        if self.session is not None:
            with contextlib.suppress(Exception):
                await self.session.close()
        if self.journal is not None:
            verdict = self.verdict()
            for line in verdict.as_text().splitlines() if verdict else []:
                self.journal.write_line(f"# {line}")
            self.journal.close()


def parse_host_port(text: str, default_port: int) -> tuple[str, int]:
    """``host port``, ``host:port`` or ``telnet host port`` -> (host, port)."""
    words = text.split()
    if words and words[0].lower() == "telnet":
        words = words[1:]
    if not words:
        raise InputError("Give a host name or address to connect to, e.g. mx1.example.com 25.")
    if len(words) > 2:
        raise InputError("Give a host and a port only, e.g. mx1.example.com 25.")
    if len(words) == 2:
        if not words[1].isdigit() or not 0 < int(words[1]) < 65536:
            raise InputError(f"{words[1]!r} is not a port (1 to 65535).")
        return words[0], int(words[1])
    return parse_server(words[0], default_port)

"""The five steps of a hand-made SMTP test (Microsoft KB153119) and what each reply means.

:class:`StepBook` is the pure part: which step is current, what each outcome was, what may be
sent now. :class:`TestSession` drives it over the network with the core's DNS and connection
layers; both front ends (the screen and plain mode) call the same methods.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import Enum

import dns.asyncresolver

from smtp_tui.core.addresses import DomainName, MailAddress, parse_target
from smtp_tui.core.commands import command_verb
from smtp_tui.core.connection import AddressFamily, SmtpConnection, SmtpError, Timeouts
from smtp_tui.core.dns import (
    DnsError,
    DnsFailure,
    MxHost,
    MxResult,
    is_ip_address,
    lookup_mx,
    resolve_addresses,
)
from smtp_tui.core.replies import Reply
from smtp_tui.core.transcript import Transcript


class Step(Enum):
    MX = 1
    CONNECT = 2
    EHLO = 3
    MAIL = 4
    RCPT = 5

    @property
    def title(self) -> str:
        return _TITLES[self]


_TITLES = {
    Step.MX: "Look up MX",
    Step.CONNECT: "Connect",
    Step.EHLO: "EHLO",
    Step.MAIL: "MAIL FROM",
    Step.RCPT: "RCPT TO",
}

STEP_FOR_VERB = {"EHLO": Step.EHLO, "HELO": Step.EHLO, "MAIL": Step.MAIL, "RCPT": Step.RCPT}


class StepStatus(Enum):
    """Shown with a symbol and a word, never by colour alone."""

    WAITING = ("·", "waiting")
    CURRENT = ("▶", "current")
    RUNNING = ("…", "running")
    PASSED = ("✔", "passed")
    WARNING = ("!", "warning")
    FAILED = ("✘", "failed")

    @property
    def symbol(self) -> str:
        return self.value[0]

    @property
    def word(self) -> str:
        return self.value[1]


@dataclass
class StepRecord:
    status: StepStatus = StepStatus.WAITING
    summary: str = ""
    reply: Reply | None = None
    error: Exception | None = None


def status_for_reply(step: Step, reply: Reply) -> StepStatus:
    """What a reply means for the step it answers: 2xx passes; 4xx and 5xx fail."""
    if reply.code in (220, 250) or (step is Step.RCPT and reply.code == 251):
        return StepStatus.PASSED
    if reply.is_positive:
        return StepStatus.WARNING
    return StepStatus.FAILED


@dataclass
class StepBook:
    """Where the five steps stand. Pure bookkeeping: no I/O."""

    records: dict[Step, StepRecord] = field(
        default_factory=lambda: {step: StepRecord() for step in Step}
    )

    def __post_init__(self) -> None:
        self.records[Step.MX].status = StepStatus.CURRENT

    @property
    def current(self) -> Step | None:
        for step in Step:
            if self.records[step].status in (StepStatus.CURRENT, StepStatus.RUNNING):
                return step
        return None

    def status(self, step: Step) -> StepStatus:
        return self.records[step].status

    def start(self, step: Step) -> None:
        self.records[step].status = StepStatus.RUNNING

    def finish(
        self,
        step: Step,
        status: StepStatus,
        summary: str,
        reply: Reply | None = None,
        error: Exception | None = None,
    ) -> None:
        """Record ``step``'s outcome; later steps go back to waiting, the next becomes current."""
        self.records[step] = StepRecord(status, summary, reply, error)
        for later in Step:
            if later.value > step.value:
                self.records[later] = StepRecord()
        if status in (StepStatus.PASSED, StepStatus.WARNING) and step is not Step.RCPT:
            self.records[Step(step.value + 1)].status = StepStatus.CURRENT

    def select(self, step: Step) -> None:
        """Go back to ``step`` to run it again (its record is kept until it runs)."""
        for other in Step:
            if self.records[other].status in (StepStatus.CURRENT, StepStatus.RUNNING):
                self.records[other].status = StepStatus.WAITING
        self.records[step].status = StepStatus.CURRENT

    @property
    def all_passed(self) -> bool:
        return all(
            record.status in (StepStatus.PASSED, StepStatus.WARNING)
            for record in self.records.values()
        )

    @property
    def first_failure(self) -> Step | None:
        for step in Step:
            if self.records[step].status is StepStatus.FAILED:
                return step
        return None


@dataclass(frozen=True)
class StepResult:
    """What one step did: its status, a one-line summary, and the reply when there was one."""

    step: Step
    status: StepStatus
    summary: str
    reply: Reply | None = None
    error: Exception | None = None


class TestSession:
    """One guided test: the steps, the transcript, the DNS answer and the live connection."""

    __test__ = False  # not a pytest class, despite the name

    def __init__(
        self,
        transcript: Transcript,
        resolver: dns.asyncresolver.Resolver,
        *,
        timeouts: Timeouts | None = None,
        family: AddressFamily = AddressFamily.ANY,
        source: str | None = None,
    ) -> None:
        self.transcript = transcript
        self.resolver = resolver
        self.timeouts = timeouts or Timeouts()
        self.family = family
        self.source = source
        self.book = StepBook()
        self.domain: DomainName | None = None
        self.recipient: MailAddress | None = None
        self.mx: MxResult | None = None
        self.connection = SmtpConnection(transcript, timeouts=self.timeouts)
        self.host: str | None = None
        self.port: int = 25
        # Every failed connection attempt, in order: (host label, address, error).
        self.connect_failures: list[tuple[str, str, SmtpError]] = []

    @property
    def keywords(self) -> dict[str, str]:
        return self.connection.keywords

    async def lookup(self, target: str) -> StepResult:
        """Step 1: parse the recipient or domain (InputError if unusable), look up its MX."""
        domain, address = parse_target(target)
        self.domain, self.recipient = domain, address
        self.connect_failures = []
        self.transcript.meta.target = domain.shown()
        self.book.start(Step.MX)
        self.transcript.info(f"Looking up the MX records of {domain.shown()} ...")
        try:
            mx = await lookup_mx(domain, self.resolver)
        except DnsError as error:
            self.transcript.error(str(error))
            return self._finish(Step.MX, StepStatus.FAILED, str(error), error=error)
        except asyncio.CancelledError:
            self._cancelled(Step.MX)
            raise
        self.mx = mx
        for host in mx.hosts:
            addresses = ", ".join(host.addresses) or "no address"
            self.transcript.info(f"MX {host.preference:>3} {host.host}  [{addresses}]")
            for note in host.notes:
                self.transcript.warning(f"{host.host}: {note}")
        for note in mx.notes:
            self.transcript.warning(note)
        if mx.null_mx:
            return self._finish(Step.MX, StepStatus.FAILED, "Null MX: the domain accepts no mail.")
        if not any(host.usable for host in mx.hosts):
            return self._finish(Step.MX, StepStatus.FAILED, "No MX host has an address.")
        best = mx.hosts[0]
        status = StepStatus.WARNING if (mx.implicit or best.notes) else StepStatus.PASSED
        count = len(mx.hosts)
        summary = f"{count} MX record{'s' if count != 1 else ''}; best: {best.host}"
        if mx.implicit:
            summary = f"No MX; implicit MX {best.host}"
        return self._finish(Step.MX, status, summary)

    def usable_hosts(self) -> list[MxHost]:
        return [host for host in (self.mx.hosts if self.mx else ()) if host.usable]

    async def connect(self, host: str, port: int = 25, *, label: str | None = None) -> StepResult:
        """Step 2: connect to ``host`` (a name or an address) and read the greeting."""
        if self.connection.is_open:
            await self.connection.close()
        self.connection = SmtpConnection(self.transcript, timeouts=self.timeouts)
        self.host, self.port = host, port
        self.transcript.meta.mx_host = label or host
        self.book.start(Step.CONNECT)
        try:
            banner = await self.connection.connect(
                host, port, family=self.family, source=self.source, label=label
            )
        except SmtpError as error:
            self.connect_failures.append((label or host, host, error))
            return self._finish(Step.CONNECT, StepStatus.FAILED, str(error), error=error)
        except asyncio.CancelledError:
            await self.connection.abort()
            self._cancelled(Step.CONNECT)
            raise
        if self.connection.peer:
            self.transcript.meta.mx_address = self.connection.peer[0]
        status = status_for_reply(Step.CONNECT, banner)
        summary = f"Greeting {banner.code}" + (
            "" if status is StepStatus.PASSED else ": the server refuses to talk to us"
        )
        return self._finish(Step.CONNECT, status, summary, banner)

    async def addresses_for(self, host: str) -> tuple[str, ...]:
        """Addresses to try for ``host``: itself if an IP, the MX answer's, or a fresh look-up."""
        if is_ip_address(host):
            return (host.strip("[]"),)
        for known in self.mx.hosts if self.mx else ():
            if known.host.lower() == host.lower().rstrip(".") and known.addresses:
                return known.addresses
        found = await resolve_addresses(self.resolver, host)
        if not found.addresses:
            raise DnsError(DnsFailure.NO_ANSWER, host, "A/AAAA", "; ".join(found.problems))
        return found.addresses

    async def connect_host(self, host: str, port: int = 25) -> StepResult:
        """Step 2 by name: find the host's addresses and try them in order until one greets."""
        self.book.start(Step.CONNECT)
        try:
            addresses = await self.addresses_for(host)
        except DnsError as error:
            self.transcript.error(str(error))
            return self._finish(Step.CONNECT, StepStatus.FAILED, str(error), error=error)
        except asyncio.CancelledError:
            self._cancelled(Step.CONNECT)
            raise
        result: StepResult | None = None
        for address in addresses:
            result = await self.connect(address, port, label=host)
            if result.reply is not None:
                break
        assert result is not None
        return result

    async def command(self, text: str) -> StepResult | Reply:
        """Send a command typed by the user. For EHLO/HELO, MAIL and RCPT the matching step is
        recorded and a StepResult returned; for anything else (RSET, NOOP, ...) the Reply.

        Raises CommandRefused (nothing sent) and SmtpError subclasses (connection gone).
        """
        verb = command_verb(text)
        step = STEP_FOR_VERB.get(verb)
        if step is not None:
            self.book.start(step)
        try:
            reply = await self.connection.send(text)
        except SmtpError as error:
            if step is not None:
                self._finish(step, StepStatus.FAILED, str(error), error=error)
            raise
        except asyncio.CancelledError:
            await self.connection.abort()
            if step is not None:
                self._cancelled(step)
            raise
        except Exception:
            if step is not None:
                self.book.select(step)
            raise
        if step is None:
            return reply
        status = status_for_reply(step, reply)
        return self._finish(step, status, f"{verb} answered {reply.code}", reply)

    async def close(self) -> None:
        await self.connection.close()

    def _finish(
        self,
        step: Step,
        status: StepStatus,
        summary: str,
        reply: Reply | None = None,
        *,
        error: Exception | None = None,
    ) -> StepResult:
        self.book.finish(step, status, summary, reply, error)
        return StepResult(step, status, summary, reply, error)

    def _cancelled(self, step: Step) -> None:
        self.transcript.warning(f"{step.title}: cancelled by the user.")
        self.book.select(step)

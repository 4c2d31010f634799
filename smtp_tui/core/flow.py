"""The guided run: what happens next in a session, decided once for both front ends.

:class:`GuidedRun` owns the session, the transcript and its journal, the sending-side check
and the verdict. A front end asks it what to offer (:attr:`GuidedRun.stage`,
:meth:`GuidedRun.prefill`, :attr:`GuidedRun.offers`), hands it what the user typed
(:meth:`GuidedRun.submit`) and shows the :class:`StepOutcome` it returns. Where the front
ends differ (plain mode tries the next MX by itself, the screen offers it on F6), that is a
:class:`~smtp_tui.core.flow_choices.FlowPolicy`, not a second copy of the rules.
"""

from __future__ import annotations

import contextlib
import socket

from smtp_tui import __version__
from smtp_tui.core.addresses import InputError
from smtp_tui.core.commands import command_verb
from smtp_tui.core.dns_errors import DnsError
from smtp_tui.core.flow_choices import (
    AUTOMATIC,
    OFFER,
    FlowPolicy,
    Offer,
    blocking_socket_will_do,
    parse_host_port,
    starts_without_dns,
    wants_sender_check,
)
from smtp_tui.core.flow_findings import RunFindings
from smtp_tui.core.journal import Journal, open_journal
from smtp_tui.core.loopless import cancellations, on_a_loop
from smtp_tui.core.options import (
    SessionOptions,
    effective_helo,
    mail_from_command,
    parse_server,
    with_lab,
)
from smtp_tui.core.record import replace
from smtp_tui.core.sending_side import SendingSide
from smtp_tui.core.session import TestSession
from smtp_tui.core.smtp_errors import SmtpError
from smtp_tui.core.steps import Step, StepBook, StepOutcome, StepStatus
from smtp_tui.core.transcript import Transcript, TranscriptMeta

# Re-exported: the front ends and the tests import the choices from here.
__all__ = [
    "AUTOMATIC",
    "OFFER",
    "FlowPolicy",
    "GuidedRun",
    "Offer",
    "blocking_socket_will_do",
    "parse_host_port",
    "starts_without_dns",
    "wants_sender_check",
]

# The DNS look-ups, the blacklists, the sending side, the port probes (TLS, cryptography) and
# the exports are imported where they are used, so a plain check loads only what it runs
# (issue 15); so is typing, whose TYPE_CHECKING is spelled out here.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    import dns.asyncresolver

    from smtp_tui.core.bounce import BouncedRecipient
    from smtp_tui.core.dnsbl_catalogue import Zone
    from smtp_tui.core.options import LabPorts
    from smtp_tui.core.policy_report import PolicyReport


_MAX_ATTEMPTS = 16  # addresses tried in one fail-over: an MX set can be long


class GuidedRun(RunFindings):
    """One guided session: the steps in order, the choices around them, and the verdict.
    (What each input starts with comes from :class:`~smtp_tui.core.flow_inputs.RunInputs`.)"""

    def __init__(self, options: SessionOptions, policy: FlowPolicy = OFFER) -> None:
        self.options = options
        self.policy = policy
        self.transcript = Transcript(
            TranscriptMeta(
                version=__version__,
                ran_on=socket.gethostname(),
                resolver=options.resolver.describe(),
            )
        )
        self.session: TestSession | None = None
        self.journal: Journal | None = None
        self.stage: Step | None = Step.MX  # None: the free command line
        self.offers: set[Offer] = set()
        self.chosen_host: str | None = None
        self.last_text: dict[Step, str] = {}
        self.history: list[str] = []
        self.lab_note = ""
        self.sending = SendingSide()
        self.closed = False
        self.https_port = 443  # the MTA-STS policy host's port (the lab's stand-in in --demo)
        self.policy_report: PolicyReport | None = None
        self.bounced: BouncedRecipient | None = None  # set when re-testing a bounce

    # --- setting up ------------------------------------------------------------------------

    def use_lab(self, lab: LabPorts, zones: list[Zone], ca_file: Path | None = None) -> None:
        """Point the run at the practice lab (--demo): its resolver, its block lists, and its
        CA trusted for certificates."""
        from smtp_tui.core.sender import DiscoveryProvider

        self.options = with_lab(self.options, lab)
        if ca_file is not None and self.options.tls_cafile is None:
            self.options = replace(self.options, tls_cafile=str(ca_file))
        self.transcript.meta.resolver = f"{self.options.resolver.describe()} (practice lab)"
        self.lab_note = (
            f"Practice lab: DNS {lab.dns}, SMTP port {lab.smtp_port} (its 587: "
            f"{lab.submission_port}, its 465: {lab.smtps_port})"
        )
        self.sending.use_zones(zones)
        self.https_port = getattr(lab, "https_port", 0) or self.https_port
        lab_provider = DiscoveryProvider("the practice lab", "myip.lab.test", "A", lab.dns)
        self.sending.discovery = (lab_provider,)

    def open(self) -> str | None:
        """Make the resolver and the session; returns an error to show, or None.

        A run that looks nothing up at the start (--server with an address, no sending-side
        check) makes its resolver on first use instead, so it never loads dnspython."""
        resolver: dns.asyncresolver.Resolver | None = None
        if not self.looks_nothing_up():
            try:
                resolver = self._make_resolver()
            except DnsError as error:
                return str(error)
        self.session = TestSession(
            self.transcript,
            resolver,
            make_resolver=self._make_resolver,
            timeouts=self.options.timeouts,
            family=self.options.family,
            source=self.options.source,
            tls_cafile=self.options.tls_cafile,
        )
        if self.lab_note:
            self.transcript.info(self.lab_note)
        if self.options.server:
            self._skip_mx_lookup()
        return None

    def _make_resolver(self) -> dns.asyncresolver.Resolver:
        from smtp_tui.core.dns import make_resolver

        return make_resolver(self.options.resolver, timeout=self.options.dns_timeout)

    def looks_nothing_up(self) -> bool:
        """True when the run starts without DNS (see :func:`starts_without_dns`)."""
        return starts_without_dns(self.options, self.policy)

    def _skip_mx_lookup(self) -> None:
        """--server: step 1 is done by the user's choice of host."""
        from smtp_tui.core.addresses import parse_target

        assert self.session is not None
        host, port = parse_server(self.options.server or "", self.options.port)
        if self.options.target:
            with contextlib.suppress(InputError):
                self.session.domain, self.session.recipient = parse_target(self.options.target)
        outcome = StepOutcome(Step.MX, StepStatus.PASSED, f"skipped: --server {host}")
        self.book.record(outcome)
        self.transcript.info(f"MX look-up skipped: using --server {host} port {port}.")
        self._open_journal(self.session.domain.ascii if self.session.domain else host)
        self._go(Step.CONNECT)

    @property
    def book(self) -> StepBook:
        assert self.session is not None
        return self.session.book

    @property
    def finished(self) -> bool:
        """True once step 5 has an outcome: the free command line takes over."""
        return self.session is not None and self.book.status(Step.RCPT).done

    @property
    def decided(self) -> bool:
        """True when the verdict is worth showing: step 5 or a failure has happened."""
        if self.session is None:
            return False
        return self.finished or any(o.failed for o in self.book.records.values())

    # --- doing it --------------------------------------------------------------------------

    def choose_host(self, host: str) -> None:
        """Use ``host`` for step 2 (the MX table's Enter, F6)."""
        self.chosen_host = host
        self._go(Step.CONNECT)

    def choose_next_host(self) -> str | None:
        """F6: the next usable MX after the one offered now (wrapping round)."""
        hosts = [host.host for host in self.usable_hosts()]
        if not hosts:
            return None
        current = self.connect_target()[0]
        position = hosts.index(current) + 1 if current in hosts else 0
        self.choose_host(hosts[position % len(hosts)])
        return self.chosen_host

    def go_back(self, step: Step) -> None:
        """The user picked ``step`` in the step list."""
        self._go(step)

    def skip(self, step: Step) -> None:
        """F7 on STARTTLS: go on to MAIL FROM without encryption."""
        if step is Step.STARTTLS and self.stage is Step.STARTTLS:
            self.book.skip(Step.STARTTLS)
            self.offers.discard(Offer.STARTTLS)
            self._go(Step.MAIL)

    def _go(self, step: Step | None) -> None:
        self.stage = step
        if self.session is not None:
            self.book.select(step)

    async def submit(self, step: Step | None, text: str) -> StepOutcome:
        """Run ``step`` with the user's text (None: a free command), then decide what comes
        next (:attr:`stage`, :attr:`offers`) as the policy says."""
        assert self.session is not None
        try:
            outcome = await self._run(step, text)
        except cancellations():
            raise
        except InputError as error:
            return StepOutcome(step, problem=str(error))
        except SmtpError as error:
            outcome = StepOutcome(step, StepStatus.FAILED, str(error), error=error)
        except ValueError as error:  # CommandRefused: nothing was sent
            return StepOutcome(step, problem=str(error))
        if outcome.failed and outcome.reply is not None:
            await self._check_claim(outcome.reply.text)
        return await self._after(outcome)

    async def _check_claim(self, text: str) -> None:
        """A rejection that names a block list: ask that list, so the verdict and the
        Blacklists tab show whether it agrees (never fatal, never long: DNS timeouts)."""
        from smtp_tui.core.block_claim import find_block_claim

        claim = find_block_claim(text)
        session = self.session
        if claim is None or session is None:
            return
        try:
            # DNS needs asyncio: under the loopless driver, on a loop of its own.
            line = await on_a_loop(lambda: self.sending.check_claim(claim, session.resolver))
        except Exception as error:  # the claim is a bonus: failing to check it is said
            self.transcript.warning(f"Could not check the server's claim: {error}")
            return
        if line:
            self.transcript.info(line)

    async def _run(self, step: Step | None, text: str) -> StepOutcome:
        session = self.session
        assert session is not None
        if step is Step.MX:
            outcome = await session.lookup(text)
            self.last_text[Step.MX] = text
            self.chosen_host = None
            if session.domain:
                self._open_journal(session.domain.ascii)
            return outcome
        if step is Step.CONNECT:
            host, port = parse_host_port(text, self.options.port)
            return await self._connect(host, self.lab_port(port))
        self.history.append(text)
        verb = command_verb(text)
        if verb in ("DATA", "BDAT"):
            return StepOutcome(
                step,
                problem="A message cannot be typed line by line here: press F8 to send a "
                "test message (it asks first).",
            )
        if verb == "QUIT" and text.strip().upper() == "QUIT":
            if not session.connection.is_open:
                return StepOutcome(None, problem="Not connected: there is nobody to say QUIT to.")
            return StepOutcome(None, reply=await session.connection.close())
        if verb == "STARTTLS":
            return await session.starttls(text, helo=effective_helo(self.options))
        await self._reset_if_needed(verb)
        answer = await session.command(text)
        if isinstance(answer, StepOutcome):
            if answer.step is not None:
                self.last_text[answer.step] = text
            return answer
        return StepOutcome(None, StepStatus.PASSED, f"{verb} answered {answer.code}", answer)

    async def _reset_if_needed(self, verb: str) -> None:
        """Going back to MAIL FROM or RCPT TO inside a transaction: RSET first, so the server
        does not answer 503 (nested MAIL command) and the verdict does not blame it."""
        session = self.session
        assert session is not None
        book = self.book
        if not session.connection.is_open:
            return
        again = verb == "MAIL" and book.status(Step.MAIL).ok
        replay = verb == "RCPT" and (book.status(Step.DATA).done or book.status(Step.RCPT).ok)
        if not (again or replay):
            return
        self.transcript.info("Starting the transaction again: RSET first.")
        await session.command("RSET")
        if replay and Step.MAIL in self.last_text:
            await session.command(self.last_text[Step.MAIL])
        elif replay:
            await session.command(mail_from_command(self.options))

    async def _connect(self, host: str, port: int) -> StepOutcome:
        """Step 2: this host, and (policy) the next ones until one greets."""
        session = self.session
        assert session is not None
        implicit = self.implicit_tls(port) or self.policy.tls_on_connect
        outcome = await session.connect_host(host, port, implicit_tls=implicit)
        tried = {host}
        if self.policy.next_mx and outcome.reply is None:
            for attempt, candidate in enumerate(self.usable_hosts()):
                if attempt >= _MAX_ATTEMPTS or outcome.reply is not None:
                    break
                if candidate.host in tried:
                    continue
                tried.add(candidate.host)
                self.transcript.info(f"Trying the next MX: {candidate.host}.")
                outcome = await session.connect_host(candidate.host, port, implicit_tls=implicit)
                peer = session.connection.peer
                if outcome.reply is not None and peer is not None:
                    self.transcript.info(f"{candidate.host} [{peer[0]}] answered.")
        failover = self.evidence_failover()
        if failover and outcome.reply is not None:
            outcome = replace(outcome, note=failover)
            self.book.record(outcome)
        return outcome

    def evidence_failover(self) -> str | None:
        evidence = self.evidence()
        return evidence.failover if evidence else None

    # --- the journal and saved output ------------------------------------------------------

    def _open_journal(self, name: str) -> None:
        if self.journal is None:
            self.journal = open_journal(self.transcript, name)

    def ticket_markdown(self) -> str:
        """The Markdown export with the verdict, as copied and saved for a ticket."""
        from smtp_tui.core.run_output import ticket_markdown

        return ticket_markdown(self)

    def save(self) -> tuple[Path, Path]:
        """Ctrl+S: the transcript as Markdown and as plain text, both with the verdict."""
        from smtp_tui.core.run_output import save_run

        return save_run(self)

    def interrupt(self, by: str) -> None:
        """A signal is ending the session: waits cancelled now are said to be ``by`` it."""
        if self.session is not None:
            self.session.interrupted_by = by

    async def close(self, interrupted_by: str | None = None) -> None:
        """Say QUIT (a second at most), then end the journal with the verdict."""
        if self.closed:
            return
        self.closed = True
        if interrupted_by:
            self.transcript.warning(f"The session was interrupted by {interrupted_by}.")
        if self.session is not None:
            with contextlib.suppress(Exception):
                await self.session.close()
        journal = self.journal
        if journal is None:
            return
        from smtp_tui.core.run_output import closing_lines

        self.transcript.info(f"Transcript saved to {journal.location}")
        for line in closing_lines(self):
            journal.write_line(f"# {line}")
        journal.close()

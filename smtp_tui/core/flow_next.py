"""What comes after each step of a guided run: the next stage, what to offer, and the
automatic choices a policy takes (HELO after a refused EHLO, STARTTLS, the port probes, the
test message).

:class:`NextSteps` is the part of :class:`~smtp_tui.core.flow.GuidedRun` that decides after
each reply, split from :mod:`smtp_tui.core.flow` for size: GuidedRun sets the attributes
declared here and runs the steps these methods ask for.
"""

from __future__ import annotations

from smtp_tui.core.commands import command_verb, helo, rcpt_to
from smtp_tui.core.flow_choices import FlowPolicy, Offer
from smtp_tui.core.flow_inputs import RunInputs
from smtp_tui.core.loopless import on_a_loop
from smtp_tui.core.options import effective_helo, effective_sender
from smtp_tui.core.smtp_errors import ConnectFailed, ConnectTimedOut
from smtp_tui.core.steps import Step, StepOutcome, StepStatus
from smtp_tui.core.transcript import Transcript

TYPE_CHECKING = False  # as typing's, without importing typing (issue 15)
if TYPE_CHECKING:
    from smtp_tui.core.steps import StepBook


class NextSteps(RunInputs):
    """After a step's reply: where the run goes, what it offers, what it does by itself."""

    policy: FlowPolicy
    transcript: Transcript
    stage: Step | None

    if TYPE_CHECKING:  # defined by GuidedRun

        @property
        def book(self) -> StepBook:
            raise NotImplementedError

        async def submit(self, step: Step | None, text: str) -> StepOutcome:
            raise NotImplementedError

        def _go(self, step: Step | None) -> None:
            raise NotImplementedError

        async def _reset_if_needed(self, verb: str) -> None:
            raise NotImplementedError

    async def _after(self, outcome: StepOutcome) -> StepOutcome:
        """Decide what comes next, and take the policy's automatic choices."""
        session = self.session
        assert session is not None
        step = outcome.step
        self.offers.discard(Offer.HELO)
        if outcome.problem:
            return outcome
        if step is None:
            if not session.connection.is_open and self.stage is not Step.MX:
                self._go(Step.CONNECT if self.book.status(Step.MX).ok else Step.MX)
            elif self.stage is not None and self.book.status(Step.MAIL) is StepStatus.WAITING:
                self._go(Step.MAIL if self.book.status(Step.EHLO).ok else self.stage)
            return outcome
        if step is Step.MX:
            self.offers.clear()
            if outcome.ok and len(self.usable_hosts()) > 1:
                self.offers.add(Offer.NEXT_MX)
            self._go(Step.CONNECT if outcome.ok else Step.MX)
            return outcome
        if step is Step.CONNECT:
            return await self._after_connect(outcome)
        if outcome.failed and not session.connection.is_open:
            self.offers = {Offer.NEXT_MX} if len(self.usable_hosts()) > 1 else set()
            self._go(Step.CONNECT)
            return outcome
        if step is Step.EHLO:
            return await self._after_hello(outcome)
        if step is Step.STARTTLS:
            self.offers.discard(Offer.STARTTLS)
            self._go(Step.EHLO if outcome.ok else Step.MAIL)
            return outcome
        if step is Step.MAIL:
            self._go(Step.RCPT if outcome.ok else Step.MAIL)
            return outcome
        if step is Step.RCPT:
            if outcome.ok:
                self.offers.add(Offer.DATA)
                self.book.offer(Step.DATA)
            self._go(None)
            if outcome.ok and self.policy.data:
                return await self.send_test_message()
            return outcome
        self.offers.discard(Offer.DATA)
        self._go(None)
        return outcome

    async def _after_connect(self, outcome: StepOutcome) -> StepOutcome:
        session = self.session
        assert session is not None
        self.offers.clear()
        several = len(self.usable_hosts()) > 1
        if outcome.reply is not None and outcome.ok:
            self._go(Step.EHLO)
            return outcome
        if several:
            self.offers.add(Offer.NEXT_MX)
            self._offer_next_host()
        if isinstance(outcome.error, ConnectFailed):
            # Nothing answered on this port (refused, dropped, unreachable): do other ports?
            self.offers.add(Offer.PROBE_PORTS)
            if self.policy.probe_ports:
                await self.probe_ports()
        self._go(Step.CONNECT)
        return outcome

    async def _after_hello(self, outcome: StepOutcome) -> StepOutcome:
        session = self.session
        assert session is not None
        reply = outcome.reply
        if (
            reply is not None
            and reply.code in (500, 502)
            and command_verb(self.last_text.get(Step.EHLO, "EHLO")) != "HELO"
        ):
            self.transcript.info("EHLO was not understood; the older HELO may work.")
            self.offers.add(Offer.HELO)
            self._go(Step.EHLO)
            if self.policy.helo_fallback:
                return await self.submit(Step.EHLO, helo(effective_helo(self.options)))
            return outcome
        if not outcome.ok:
            self._go(Step.EHLO)
            return outcome
        offers_tls = "STARTTLS" in session.keywords and not session.connection.tls
        if offers_tls:
            self.offers.add(Offer.STARTTLS)
            self.book.offer(Step.STARTTLS)
        if self.policy.starttls and not session.connection.tls:
            if not offers_tls:
                refused = StepOutcome(
                    Step.STARTTLS,
                    StepStatus.FAILED,
                    "The server does not offer STARTTLS (not in its EHLO reply), so this "
                    "connection cannot be encrypted.",
                )
                self.transcript.error(refused.summary)
                self.book.record(refused)
                return refused
            return await self.submit(Step.STARTTLS, "STARTTLS")
        self._go(Step.MAIL)
        return outcome

    def _offer_next_host(self) -> None:
        names = [host.host for host in self.usable_hosts()]
        current = self.connect_target()[0]
        if current in names and names.index(current) + 1 < len(names):
            self.chosen_host = names[names.index(current) + 1]

    async def probe_ports(self) -> StepOutcome:
        """Port 25 failed: does the same host answer on 587 and 465?"""
        from smtp_tui.core.probes import diagnose

        session = self.session
        assert session is not None
        address = session.host
        if address is None:
            return StepOutcome(Step.CONNECT, problem="Connect to a host first.")
        ports = [(self.options.submission_port, False), (self.options.smtps_port, True)]
        ports = [(port, tls) for port, tls in ports if port != session.port]
        timeout = min(self.options.timeouts.connect, 8.0)
        # The probes (and TLS on 465) need asyncio: under the loopless driver, on its own loop.
        probes = await on_a_loop(lambda: session.probe_other_ports(address, ports, timeout=timeout))
        self.offers.discard(Offer.PROBE_PORTS)
        failures = session.connect_failures
        refused = not any(isinstance(error, ConnectTimedOut) for _, _, error in failures)
        message = diagnose(probes, session.port, refused=refused)
        self.transcript.info(message)
        status = StepStatus.WARNING if any(p.answered for p in probes) else StepStatus.FAILED
        return StepOutcome(Step.CONNECT, status, message, note="probes")

    async def send_test_message(self, body: str | None = None) -> StepOutcome:
        """F8 (after a confirmation) or --data: DATA and a small, real test message."""
        session = self.session
        assert session is not None
        if not (session.connection.is_open and self.book.status(Step.RCPT).ok):
            return StepOutcome(
                Step.DATA,
                problem="A test message can be sent once RCPT TO was accepted on a live "
                "connection.",
            )
        await self._reset_if_data_done()
        outcome = await session.send_test_message(
            effective_sender(self.options),
            self.recipient(),
            helo=effective_helo(self.options),
            body=body,
        )
        if outcome.ok:
            self.transcript.info(f"Test message accepted; queue id: {outcome.queue_id or '?'}")
        self.offers.discard(Offer.DATA)
        self._go(None)
        return outcome

    async def _reset_if_data_done(self) -> None:
        if self.book.status(Step.DATA).done:
            await self._reset_if_needed("RCPT")
            assert self.session is not None
            await self.session.command(rcpt_to(self.recipient()))

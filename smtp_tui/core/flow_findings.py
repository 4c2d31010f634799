"""What a guided run has found, beyond the steps themselves: the sending side as receivers
check it, the verdict, a bounce re-tested, and the destination's transport policy.

:class:`RunFindings` is the part of :class:`~smtp_tui.core.flow.GuidedRun` that gathers and
judges evidence, split from :mod:`smtp_tui.core.flow` for size: GuidedRun sets the
attributes declared here and opens the session these methods use.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable

from smtp_tui.core.evidence import Evidence, SenderFindings, snapshot
from smtp_tui.core.flow_choices import wants_sender_check
from smtp_tui.core.flow_next import NextSteps
from smtp_tui.core.options import effective_helo
from smtp_tui.core.record import replace
from smtp_tui.core.sending_side import SendingSide
from smtp_tui.core.steps import Step
from smtp_tui.core.verdict import Verdict, judge

TYPE_CHECKING = False  # as typing's, without importing typing (issue 15)
if TYPE_CHECKING:
    from smtp_tui.core.bounce import BouncedRecipient
    from smtp_tui.core.dnsbl import ZoneResult
    from smtp_tui.core.policy_report import PolicyReport
    from smtp_tui.core.sender import PublicAddress, SenderReport


class RunFindings(NextSteps):
    """The evidence around the steps, and the verdict drawn from it."""

    sending: SendingSide
    policy_report: PolicyReport | None
    bounced: BouncedRecipient | None
    https_port: int

    if TYPE_CHECKING:  # defined by GuidedRun

        def open(self) -> str | None:
            raise NotImplementedError

        @property
        def decided(self) -> bool:
            raise NotImplementedError

    # --- the sending side ------------------------------------------------------------------

    @property
    def wants_sender_check(self) -> bool:
        """The sending IP is checked when it is known, or when the policy may discover it."""
        return wants_sender_check(self.options, self.policy)

    async def sending_address(self) -> PublicAddress:
        """--ip or the config's, else found through DNS (DiscoveryFailed if not)."""
        return await self.sending.address(self.options)

    async def check_sender(
        self,
        address: PublicAddress,
        on_result: Callable[[ZoneResult], None] | None = None,
    ) -> SenderReport:
        """The sending side as receivers check it (see :class:`SendingSide`)."""
        assert self.session is not None
        report, problem = await self.sending.check(
            self.options, self.session.resolver, address, on_result
        )
        if problem:
            self.transcript.warning(problem)
        return report

    def findings(self) -> SenderFindings:
        return self.sending.findings()

    # --- the verdict -----------------------------------------------------------------------

    def evidence(self) -> Evidence | None:
        if self.session is None:
            return None
        report = self.policy_report
        blocked = report.summary if report is not None and report.blocked else None
        return snapshot(self.session, self.findings(), blocked)

    def verdict(self) -> Verdict | None:
        """Whose fault is it, as things stand (None before the session exists). When a
        bounce is being re-tested, the verdict compares the re-test with the bounce."""
        evidence = self.evidence()
        if evidence is None:
            return None
        if self.bounced is not None and self.decided:
            from smtp_tui.core.retest import compare

            local = self.session.connection.local if self.session else None
            this_host = local[0] if local else socket.gethostname()
            helo_name = effective_helo(self.options)
            return compare(self.bounced, evidence, this_host=this_host, helo=helo_name).verdict
        return judge(evidence)

    # --- a bounce, re-tested -----------------------------------------------------------------

    async def start_from_bounce(self, bounced: BouncedRecipient, sender: str | None) -> None:
        """Pre-fill the wizard from a bounced recipient: its address, the original sender,
        the host that refused (else the MX); the step that failed is marked."""
        from smtp_tui.core.retest import plan_retest

        plan = plan_retest(bounced, sender, with_data=False)
        if self.session is not None:
            with contextlib.suppress(Exception):
                await self.session.close()
        self.options = replace(
            self.options,
            target=plan.recipient,
            rcpt_to=None,
            mail_from=self.options.mail_from or plan.sender,
            server=plan.server,
        )
        self.bounced = bounced
        self.last_text.clear()
        self.offers.clear()
        self.chosen_host = None
        self.stage = Step.MX
        self.transcript.info(
            f"Re-testing the bounce for {plan.recipient}: it failed at {plan.step.title}."
        )
        problem = self.open()
        if problem:
            self.transcript.error(problem)
            return
        self.book.marked = plan.step

    # --- the destination's transport policy ------------------------------------------------

    def policy_standing(self, host: str | None) -> list[str]:
        """How ``host``'s certificate stands against what its domain publishes (MTA-STS,
        DANE), for the STARTTLS step; empty until the policy check has run."""
        from smtp_tui.core.policy_standing import standing_lines

        return standing_lines(self.policy_report, host)

    async def check_policy(self) -> PolicyReport | None:
        """MTA-STS, DANE and TLS-RPT of the domain, against what its MX hosts present."""
        session = self.session
        if session is None or session.domain is None:
            return None
        from smtp_tui.core.dns import make_resolver
        from smtp_tui.core.policy import PolicySettings, check_policy

        resolver = make_resolver(self.options.resolver, timeout=self.options.dns_timeout)
        settings = PolicySettings(
            port=self.options.port,
            https_port=self.https_port,
            cafile=self.options.tls_cafile,
            helo=effective_helo(self.options),
            timeouts=self.options.timeouts,
        )
        self.policy_report = await check_policy(session.domain, resolver, settings)
        return self.policy_report

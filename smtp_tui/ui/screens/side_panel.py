"""The side panel's background work: the sending side against the block lists, the MX on the
lists, the destination's transport policy, and IPv4 and IPv6 side by side. Each runs in a
worker beside the wizard and posts messages or fills its tab; widgets only display."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.screen import Screen
from textual.widgets import Static

from smtp_tui.core.connection import AddressFamily
from smtp_tui.core.flow import GuidedRun
from smtp_tui.core.options import sender_domain
from smtp_tui.core.steps import Step, StepOutcome, StepStatus
from smtp_tui.core.transcript import TranscriptEvent
from smtp_tui.core.verdict import side_words
from smtp_tui.ui.messages import BlacklistResult, SenderChecked
from smtp_tui.ui.widgets.blacklist_panel import BlacklistPanel
from smtp_tui.ui.widgets.step_panel import StepPanel

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from smtp_tui.core.dnsbl import ZoneResult
    from smtp_tui.ui.widgets.mx_panel import MxPanel


class SidePanelScreen(Screen[None]):
    """The main screen's side-panel workers; the wizard lives in :class:`MainScreen`."""

    guided: GuidedRun

    @property
    def panel(self) -> StepPanel:
        return self.query_one(StepPanel)

    @property
    def shown_step(self) -> Step | None:
        return self.guided.stage

    # The side panel's tabs are mounted after the first frame, and their modules (Textual's
    # TabbedContent and DataTable) are loaded then: these reach them without importing early.

    @property
    def mx_panel(self) -> MxPanel:
        from smtp_tui.ui.widgets.mx_panel import MxPanel

        return self.query_one(MxPanel)

    def label_tab(self, pane_id: str, label: str) -> None:
        """Rename the side panel's tab of ``pane_id``."""
        from textual.widgets import TabbedContent

        self.query_one(TabbedContent).get_tab(pane_id).label = label

    def _show_verdict(self) -> None:
        """The wizard's pinned verdict lines (the main screen draws them)."""

    def _hint(self, step: Step | None, prefill: str) -> str:
        """The current step's hint line (the main screen writes it)."""
        return ""

    async def _network(self, label: str, work: Awaitable[StepOutcome], step: Step | None) -> None:
        """A wait on the network with the pending line (the main screen runs it)."""
        await work

    # --- the sending side (a worker that posts messages; the panel only displays) ----------

    @work(exclusive=True, group="blacklists", exit_on_error=False)
    async def check_blacklists(self) -> None:
        """The sending IP and the MAIL FROM domain against the lists, then reverse DNS."""
        from smtp_tui.core.dnsbl import parse_target, zones_for
        from smtp_tui.core.sender import DiscoveryFailed

        run = self.guided
        panel = self.query_one(BlacklistPanel)
        panel.show_problem("Finding the sending IP ...")
        try:
            address = await run.sending_address()
        except DiscoveryFailed as error:
            panel.show_problem(str(error))
            return
        domain = sender_domain(run.options)
        targets = [parse_target(address.address)] + ([parse_target(domain)] if domain else [])
        zones = run.sending.zones(run.options)
        total = sum(len(zones_for(zones, target)) for target in targets)
        panel.begin(address.describe(), total, domain)
        for problem in run.sending.zone_problems:
            self.notify(
                f"Blacklist config: {problem}", severity="warning", markup=False, timeout=10
            )
        report = await run.check_sender(address, self._post_result)
        self.post_message(SenderChecked(report))

    def _post_result(self, result: ZoneResult) -> None:
        self.post_message(BlacklistResult(result))

    def on_blacklist_result(self, message: BlacklistResult) -> None:
        self.query_one(BlacklistPanel).add(message.result)

    def on_sender_checked(self, message: SenderChecked) -> None:
        panel = self.query_one(BlacklistPanel)
        panel.show_findings(message.report)
        identity = self.guided.sending.identity
        if identity is not None:
            from smtp_tui.core.sender_text import report_text

            lines = report_text(identity, self.guided.options.resolver.describe())
            start = next((i for i, line in enumerate(lines) if line == "== SPF"), len(lines))
            panel.show_identity(lines[start:])
        self.label_tab("bl-tab", f"Blacklists ({len(panel.summary.listed)} listed)")
        if self.shown_step is Step.EHLO:
            self.panel.show_hint(self._hint(Step.EHLO, ""))
        self._show_verdict()

    @work(group="mx-lists", exit_on_error=False)
    async def check_mx_lists(self, address: str) -> None:
        """For information: is the MX the session connected to on the IP lists?"""
        from smtp_tui.core.dnsbl import parse_target, zones_for

        session = self.guided.session
        if session is None:
            return
        checker = self.guided.sending.list_checker(session.resolver)
        target = parse_target(address)
        zones = self.guided.sending.zones(self.guided.options)
        found = checker.sweep(zones_for(zones, target), target)
        self.query_one(BlacklistPanel).show_mx(address, [result async for result in found])

    def action_recheck_blacklists(self) -> None:
        if self.guided.session is not None:
            self.check_blacklists()

    # --- the destination's transport policy (the Policy tab) ---------------------------------

    @work(exclusive=True, group="policy", exit_on_error=False)
    async def check_policy(self) -> None:
        from smtp_tui.core.policy_text import report_lines

        shown = self.query_one("#policy", Static)
        shown.update("Checking MTA-STS, DANE and TLS-RPT ...")
        try:
            report = await self.guided.check_policy()
        except Exception as error:  # a DNS error, or anything: the tab says so, nothing breaks
            shown.update(f"Could not check the transport policy: {error}")
            return
        if report is None:
            return
        resolver = self.guided.options.resolver.describe()
        shown.update("\n".join(report_lines(report, resolver)))
        self.label_tab("policy-tab", "Policy (blocks!)" if report.blocked else "Policy")
        self._show_verdict()

    # --- IPv4 and IPv6 side by side (F4) -----------------------------------------------------

    @work(exclusive=True, group="network", exit_on_error=False)
    async def action_both_families(self) -> None:
        from smtp_tui.core.families import run_both

        run = self.guided
        if run.session is None:  # not open yet (with --demo the lab may not be up: no lab DNS)
            self.notify("The session is not open yet.", severity="warning")
            return
        if not run.options.target:
            self.notify("Name a recipient first (step 1).", severity="warning")
            return
        transcript = run.transcript
        transcript.info("Running the dialogue over IPv4, then over IPv6 ...")

        def prepare(other: GuidedRun) -> None:
            other.sending.use_zones(run.sending.zones(run.options))
            other.https_port = run.https_port

        async def both() -> StepOutcome:
            def show(family: AddressFamily, event: TranscriptEvent) -> None:
                transcript.info(f"[{family.value}] {event.plain_line()}")

            comparison = await run_both(run.options, prepare=prepare, on_event=show)
            for line in comparison.summary_lines():
                transcript.info(line)
            verdict = comparison.verdict
            transcript.info(f"Verdict ({side_words(verdict.side)}): {verdict.verdict}")
            self.notify(f"{verdict.verdict}", title="IPv4 and IPv6", markup=False, timeout=15)
            return StepOutcome(None, StepStatus.PASSED, verdict.verdict)

        await self._network("Running over IPv4 and IPv6", both(), None)

"""The guided screen: the wizard (steps and the current step), the live transcript, and the
side panel with the MX records and blacklists. It shows what the core's :class:`GuidedRun`
decides and turns keys into its calls; network work runs in workers; Esc cancels.

The first frame waits for nothing: the steps are shown from a new session's book as the
screen mounts, and the practice lab, the session, the egress-IP look-up and the blacklist
sweep start only once that frame is on the terminal. Screens and modules a key opens
(F2, F3, F8, Ctrl+Y) load when the key is pressed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Static

from smtp_tui.core.flow import GuidedRun, Offer
from smtp_tui.core.steps import Step
from smtp_tui.ui.key_names import ESC_DIGIT
from smtp_tui.ui.screens.wizard import WAITING_FOR, WizardScreen
from smtp_tui.ui.widgets.step_list import StepList
from smtp_tui.ui.widgets.step_panel import StepPanel
from smtp_tui.ui.widgets.transcript_view import TranscriptView

if TYPE_CHECKING:
    # Loaded when first used, after the first frame: the bounce reader pulls in the bounce
    # knowledge, email and the clipboard.
    from smtp_tui.ui.screens.bounce import BounceChoice
    from smtp_tui.ui.widgets.mx_panel import MxPanel

# The bindings that only make sense when the flow offers them (shown in the footer then).
_OFFERED_BY = {
    "next_mx": Offer.NEXT_MX,
    "starttls": Offer.STARTTLS,
    "test_message": Offer.DATA,
    "probe_ports": Offer.PROBE_PORTS,
}


class MainScreen(WizardScreen):
    # The command line has the focus from the start (not the first focusable widget, then
    # the command line: one restyle fewer before the first frame).
    AUTO_FOCUS = "#command"
    BINDINGS = [
        # F1 also here, first, so the footer shows it first at 80 columns (the app's F1 would
        # come after every key of this screen, past the right edge).
        Binding("f1", "app.help", "Help", id="help"),
        # Ctrl+Q second, for the same reason: with F6-F9 all on offer the app's own Quit
        # would fall past the right edge at 80 columns.
        Binding("ctrl+q", "app.quit", "Quit", id="quit", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+y", "copy_ticket", "Copy", id="copy-ticket"),
        Binding("ctrl+s", "save", "Save", id="save", show=False),  # F1 and ^p list it
        Binding("ctrl+t", "toggle_timestamps", "Times", id="timestamps", show=False),
        Binding("ctrl+w", "toggle_wrap", "Wrap", id="wrap", show=False),
        Binding("f2", "explain", "Explain", id="explain"),
        Binding("f3", "bounce", "Bounce", id="bounce"),
        Binding("f4", "both_families", "IPv4+IPv6", id="both-families", show=False),
        Binding("ctrl+r", "recheck_blacklists", "Re-check lists", id="recheck", show=False),
        Binding("f6", "next_mx", "Next MX", id="next-mx"),
        Binding("f7", "starttls", "STARTTLS", id="starttls"),
        Binding("f8", "test_message", "Test message", id="test-message"),
        Binding("f9", "probe_ports", "587/465", id="probe-ports"),
        # Alt+digit as terminals send it arrives as a character (see ESC_DIGIT): both are
        # bound, with priority, so the command line does not take the character as text.
        Binding(
            f"alt+1,{ESC_DIGIT[1]}",
            "focus_pane('command')",
            "Wizard",
            id="pane-wizard",
            show=False,
            priority=True,
        ),
        Binding(
            f"alt+2,{ESC_DIGIT[2]}",
            "focus_pane('steps')",
            "Steps",
            id="pane-steps",
            show=False,
            priority=True,
        ),
        Binding(
            f"alt+3,{ESC_DIGIT[3]}",
            "focus_pane('transcript-log')",
            "Transcript",
            id="pane-transcript",
            show=False,
            priority=True,
        ),
        Binding(
            f"alt+4,{ESC_DIGIT[4]}",
            "focus_pane('mx')",
            "MX",
            id="pane-mx",
            show=False,
            priority=True,
        ),
    ]

    def __init__(
        self,
        run: GuidedRun,
        start_lab: Callable[[], Awaitable[None]] | None = None,
        bounce: bytes | None = None,
    ) -> None:
        """``start_lab``: run before the session starts (--demo starts the practice lab);
        ``bounce``: a bounce message to open the bounce reader with (--bounce FILE)."""
        super().__init__()
        self.guided = run
        self._bounce = bounce
        self._start_lab = start_lab
        self._first_frame = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield Header(icon="✉")
        with Container(id="body"):
            with Vertical(id="wizard"):
                yield StepList(id="steps")
                yield StepPanel(id="panel")
            yield TranscriptView(id="transcript")
            # The side panel (#side) joins right after the first frame: see _add_side_panel.
        yield Static("", id="verdict-bar", markup=False)
        # Ctrl+P stays bound (F1 lists it): the footer's room goes to the keys of the step.
        # Compact: a column less per key, so every key on offer fits 80 columns (and each key
        # is styled once at start, not twice).
        yield Footer(show_command_palette=False, compact=True)

    async def _add_side_panel(self) -> None:
        """The tabs with the MX records, the blacklists and the policy, in the body's last
        cell. Mounted after the first frame: a third of the screen's widgets, styled later,
        let the steps show sooner; the workers that fill the tabs start after this (outside
        them, so a start that fails cannot leave the screen without its tabs)."""
        from textual.widgets import TabbedContent, TabPane

        from smtp_tui.ui.widgets.blacklist_panel import BlacklistPanel
        from smtp_tui.ui.widgets.mx_panel import MxPanel

        policy = Static(
            "MTA-STS, DANE and TLS-RPT: checked after the MX look-up.", id="policy", markup=False
        )
        side = TabbedContent(id="side")
        for pane in (  # what `with TabbedContent(): with TabPane(): ...` does in compose
            TabPane("MX records", MxPanel(id="mx"), id="mx-tab"),
            TabPane("Blacklists", BlacklistPanel(id="blacklists"), id="bl-tab"),
            TabPane("Policy", VerticalScroll(policy, id="policy-scroll"), id="policy-tab"),
        ):
            side.compose_add_child(pane)
        await self.query_one("#body").mount(side)

    def on_mount(self) -> None:
        self.query_one("#wizard").border_title = "Steps"
        self.query_one(TranscriptView).border_title = "Transcript"
        self.guided.transcript.subscribe(self.query_one(TranscriptView).add)
        self.query_one("#verdict-bar").display = False
        self.panel.command.focus()
        # The steps and step 1 in the first frame; the session fills in once it is open.
        self.show(self.guided.stage)
        if self._start_lab is not None:
            self.panel.show_pending("Starting the practice lab ...")
        self.call_after_refresh(self._after_first_frame)
        self.start_session()

    async def _after_first_frame(self) -> None:
        await self._add_side_panel()
        self._first_frame.set()

    # --- which keys apply now --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """F6-F9 show in the footer only when the flow offers them."""
        offer = _OFFERED_BY.get(action)
        if offer is None:
            return True
        return offer in self.guided.offers

    # --- starting --------------------------------------------------------------------------

    # Not in the "network" group that Esc cancels: the start waits only on this machine (the
    # first frame, the practice lab's loopback servers), and a start cancelled by Esc left a
    # session that never opened.
    @work(exclusive=True, group="start", exit_on_error=False)
    async def start_session(self) -> None:
        # Nothing here may hold up the first frame: the lab's certificates, the resolver
        # (dnspython) and the sending-side checks all start after it is drawn.
        await self._first_frame.wait()
        opened = False
        try:
            opened = await self._open_session()
        finally:  # (also when the start fails or the screen goes: an Enter kept is dropped)
            self.session_opened(opened)
        if not opened:
            return
        if self.guided.options.server:
            self.mx_panel.show_placeholder(f"Skipped: --server {self.guided.options.server}")
        if self.guided.wants_sender_check:
            self.check_blacklists()
        if self._bounce is not None:
            from smtp_tui.ui.screens.bounce import BounceScreen

            data, self._bounce = self._bounce, None
            self.app.push_screen(
                BounceScreen(demo=self.guided.options.demo, bounce=data), self._retest_bounce
            )

    async def _open_session(self) -> bool:
        """Start the lab (--demo) and open the session; say why not when it cannot."""
        if self._start_lab is not None:
            try:
                await self._start_lab()
            except OSError as error:
                self.panel.show_error(f"The practice lab could not start: {error}")
                return False
        problem = self.guided.open()
        if problem:
            self.panel.show_error(problem)
            return False
        self._update_title()
        self.show(self.guided.stage)
        return True

    # --- actions ---------------------------------------------------------------------------

    def action_cancel(self) -> None:
        cancelled = self.app.workers.cancel_group(self, "network")
        if any(worker.is_running for worker in cancelled):
            return
        if self._starting:
            self.notify("Still starting (nothing on the network yet): one moment.", timeout=2)
            return
        self.notify("Nothing is pending.", timeout=2)

    def action_focus_pane(self, widget_id: str) -> None:
        found = self.query(f"#{widget_id}")
        if found:
            found.first().focus()

    def on_step_list_step_chosen(self, message: StepList.StepChosen) -> None:
        if self.guided.session is None or self._pending_since is not None:
            return
        self.guided.go_back(message.step)
        self.show(message.step)
        self.panel.command.focus()

    def on_mx_panel_host_chosen(self, message: MxPanel.HostChosen) -> None:
        self.use_host(message.host)

    def use_host(self, host: str) -> None:
        if self.guided.session is None or self._pending_since is not None:
            return
        self.guided.choose_host(host)
        self.show(Step.CONNECT)
        self.panel.command.focus()

    def action_next_mx(self) -> None:
        if self._pending_since is not None:
            return
        if self.guided.choose_next_host() is None:
            self.notify("No MX records to choose from yet.", severity="warning")
            return
        self.show(Step.CONNECT)
        self.panel.command.focus()

    def action_starttls(self) -> None:
        """F7: run the optional STARTTLS step, or (on it) go on without it."""
        if self._pending_since is not None:
            return
        if self.shown_step is Step.STARTTLS:
            self.guided.skip(Step.STARTTLS)
            self.show(self.guided.stage)
            return
        if Offer.STARTTLS in self.guided.offers:
            self.guided.go_back(Step.STARTTLS)
            self.show(Step.STARTTLS)

    def action_test_message(self) -> None:
        run = self.guided
        session = run.session
        if session is None or not session.connection.is_open or not run.book.status(Step.RCPT).ok:
            self.notify(
                "A test message can be sent once RCPT TO was accepted on a live connection.",
                severity="warning",
                markup=False,
            )
            return
        from smtp_tui.core.options import effective_sender
        from smtp_tui.ui.screens.confirm_message import ConfirmMessageScreen

        screen = ConfirmMessageScreen(run.recipient(), effective_sender(run.options))
        self.app.push_screen(screen, self._send_confirmed)

    def _send_confirmed(self, body: str | None) -> None:
        if body is None:
            self.notify("No message was sent.", timeout=3)
            return
        self.send_message(body)

    @work(exclusive=True, group="network", exit_on_error=False)
    async def send_message(self, body: str) -> None:
        await self._network(WAITING_FOR[Step.DATA], self.guided.send_test_message(body), Step.DATA)

    @work(exclusive=True, group="network", exit_on_error=False)
    async def action_probe_ports(self) -> None:
        session = self.guided.session
        if session is None or session.host is None:
            self.notify("Connect to a host first.", severity="warning")
            return
        await self._network("Probing the other mail ports", self.guided.probe_ports(), None)

    def action_explain(self) -> None:
        from smtp_tui.ui.screens.explain import ExplainScreen

        self.app.push_screen(ExplainScreen())

    # --- a bounce to start from (F3) ---------------------------------------------------------

    def action_bounce(self) -> None:
        if self._starting:  # its re-test opens a session, which the start is about to do
            self.notify("Still starting: one moment.", timeout=2)
            return
        if self._pending_since is not None:
            self.notify("Wait for the server first; Esc cancels.", severity="warning")
            return
        from smtp_tui.ui.screens.bounce import BounceScreen

        self.app.push_screen(BounceScreen(demo=self.guided.options.demo), self._retest_bounce)

    def _retest_bounce(self, choice: BounceChoice | None) -> None:
        if choice is not None:
            self.start_retest(choice)

    @work(exclusive=True, group="network", exit_on_error=False)
    async def start_retest(self, choice: BounceChoice) -> None:
        """Pre-fill the wizard from the chosen recipient; Enter walks to the re-test."""
        await self.guided.start_from_bounce(choice.recipient, choice.sender)
        self.mx_panel.show_placeholder("No MX look-up yet.")
        self._update_title()
        self.show(self.guided.stage)
        where = choice.remote_host or "the MX"
        self.panel.show_hint(
            f"Re-testing {choice.address} against {where}: Enter at each step; the verdict "
            "compares the answer with the bounce's."
        )

    def action_toggle_timestamps(self) -> None:
        view = self.query_one(TranscriptView)
        view.set_timestamps(not view.timestamps)

    def action_toggle_wrap(self) -> None:
        view = self.query_one(TranscriptView)
        view.set_wrap(not view.wrap)
        self.notify(f"Transcript lines {'wrap' if view.wrap else 'do not wrap'}.", timeout=2)

    def action_save(self) -> None:
        try:
            markdown, plain = self.guided.save()
        except OSError as error:
            self.notify(
                f"Could not save: {error}. Ctrl+Y still copies the transcript to the "
                "clipboard; the journal may still be on disk.",
                severity="error",
                markup=False,
            )
            return
        self.notify(
            f"Saved:\n{markdown}\n{plain}", title="Transcript saved", markup=False, timeout=10
        )

    @work(group="clipboard", exit_on_error=False)
    async def action_copy_ticket(self) -> None:
        from smtp_tui.core.exports import save_ticket
        from smtp_tui.ui.clipboard import copy_everywhere

        text = self.guided.ticket_markdown()
        try:
            path = str(save_ticket(self.guided.transcript, text))
        except OSError as error:
            path = f"not saved ({error}); the clipboard has it"
        report = await copy_everywhere(self.app, text)
        self.notify(
            f"{report.describe()}\nAlso saved to:\n{path}",
            title="Ticket export",
            markup=False,
            timeout=12,
        )

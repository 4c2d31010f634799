"""The guided screen: the wizard (steps and the current step), the live transcript, and the
side panel with the MX records and blacklists. It shows what the core's :class:`GuidedRun`
decides and turns keys into its calls; network work runs in workers; Esc cancels."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static, TabbedContent, TabPane

from smtp_tui.core.commands import command_verb
from smtp_tui.core.explain import explain_keywords, explain_reply
from smtp_tui.core.exports import save_ticket
from smtp_tui.core.flow import GuidedRun, Offer
from smtp_tui.core.lessons import lessons
from smtp_tui.core.options import effective_sender
from smtp_tui.core.steps import Step, StepOutcome
from smtp_tui.core.verdict import side_words
from smtp_tui.ui.clipboard import copy_everywhere
from smtp_tui.ui.key_names import key_for
from smtp_tui.ui.screens.confirm_message import ConfirmMessageScreen
from smtp_tui.ui.screens.explain import ExplainScreen
from smtp_tui.ui.screens.side_panel import SidePanelScreen
from smtp_tui.ui.widgets.blacklist_panel import BlacklistPanel
from smtp_tui.ui.widgets.mx_panel import MxPanel
from smtp_tui.ui.widgets.step_list import StepList
from smtp_tui.ui.widgets.step_panel import StepPanel
from smtp_tui.ui.widgets.transcript_view import TranscriptView

if TYPE_CHECKING:
    # Loaded when first used, after the first frame: the lists, the sender checks and the
    # bounce reader pull in dnspython, email and their data.
    from smtp_tui.ui.screens.bounce import BounceChoice

_WAITING_FOR = {
    Step.MX: "Looking up MX records",
    Step.CONNECT: "Connecting and waiting for the greeting",
    Step.EHLO: "Waiting for the reply to EHLO",
    Step.STARTTLS: "Waiting for STARTTLS and the TLS handshake",
    Step.MAIL: "Waiting for the reply to MAIL FROM",
    Step.RCPT: "Waiting for the reply to RCPT TO",
    Step.DATA: "Sending the test message",
}

# The bindings that only make sense when the flow offers them (shown in the footer then).
_OFFERED_BY = {
    "next_mx": Offer.NEXT_MX,
    "starttls": Offer.STARTTLS,
    "test_message": Offer.DATA,
    "probe_ports": Offer.PROBE_PORTS,
}


class MainScreen(SidePanelScreen):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+y", "copy_ticket", "Copy", id="copy-ticket"),
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("ctrl+t", "toggle_timestamps", "Times", id="timestamps", show=False),
        Binding("ctrl+w", "toggle_wrap", "Wrap", id="wrap", show=False),
        Binding("f2", "explain", "Explain", id="explain"),
        Binding("f3", "bounce", "Bounce", id="bounce"),
        Binding("f4", "both_families", "IPv4+IPv6", id="both-families", show=False),
        Binding("ctrl+r", "recheck_blacklists", "Re-check lists", id="recheck", show=False),
        Binding("f6", "next_mx", "Next MX", id="next-mx"),
        Binding("f7", "starttls", "STARTTLS", id="starttls"),
        Binding("f8", "test_message", "Test message", id="test-message"),
        Binding("f9", "probe_ports", "Probe 587/465", id="probe-ports"),
        Binding("alt+1", "focus_pane('command')", "Wizard", id="pane-wizard", show=False),
        Binding("alt+2", "focus_pane('steps')", "Steps", id="pane-steps", show=False),
        Binding(
            "alt+3", "focus_pane('transcript-log')", "Transcript", id="pane-transcript", show=False
        ),
        Binding("alt+4", "focus_pane('mx')", "MX", id="pane-mx", show=False),
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
        self._confirmed = ""
        self._pending_since: float | None = None
        self._pending_label = ""
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="✉")
        with Container(id="body"):
            with Vertical(id="wizard"):
                yield StepList(id="steps")
                yield StepPanel(id="panel")
            yield TranscriptView(id="transcript")
            with TabbedContent(id="side"):
                with TabPane("MX records", id="mx-tab"):
                    yield MxPanel(id="mx")
                with TabPane("Blacklists", id="bl-tab"):
                    yield BlacklistPanel(id="blacklists")
                with TabPane("Policy", id="policy-tab"), VerticalScroll(id="policy-scroll"):
                    yield Static(
                        "MTA-STS, DANE and TLS-RPT: checked after the MX look-up.",
                        id="policy",
                        markup=False,
                    )
        yield Static("", id="verdict-bar", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#wizard").border_title = "Steps"
        self.query_one(TranscriptView).border_title = "Transcript"
        self.guided.transcript.subscribe(self.query_one(TranscriptView).add)
        self.query_one("#verdict-bar").display = False
        self.panel.command.focus()
        self.start_session()

    # --- which keys apply now --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """F6-F9 show in the footer only when the flow offers them."""
        offer = _OFFERED_BY.get(action)
        if offer is None:
            return True
        return offer in self.guided.offers

    def _bindings_changed(self) -> None:
        self.refresh_bindings()

    # --- starting --------------------------------------------------------------------------

    @work(exclusive=True, group="network", exit_on_error=False)
    async def start_session(self) -> None:
        if self._start_lab is not None:
            self.panel.show_pending("Starting the practice lab ...")
            try:
                await self._start_lab()
            except OSError as error:
                self.panel.show_error(f"The practice lab could not start: {error}")
                return
        problem = self.guided.open()
        if problem:
            self.panel.show_error(problem)
            return
        self._update_title()
        self.show(self.guided.stage)
        if self.guided.wants_sender_check:
            self.check_blacklists()
        if self._bounce is not None:
            from smtp_tui.ui.screens.bounce import BounceScreen

            data, self._bounce = self._bounce, None
            self.app.push_screen(
                BounceScreen(demo=self.guided.options.demo, bounce=data), self._retest_bounce
            )

    # --- showing ---------------------------------------------------------------------------

    def _update_title(self) -> None:
        session = self.guided.session
        target = session.domain.shown() if session and session.domain else ""
        demo = "practice lab" if self.guided.options.demo else ""
        self.sub_title = " · ".join(part for part in (target, demo) if part)

    def show(self, step: Step | None) -> None:
        """Offer ``step`` (None: the free command line) in the panel."""
        self._confirmed = ""
        if step is None:
            key, heading = "free", "Free command"
        elif step.number is None:
            key, heading = step.value, "Optional"
        else:
            key, heading = step.value, f"Step {step.number} of 5"
        prefill = self.guided.prefill(step)
        self.panel.show_step(heading, lessons()[key], prefill, self._hint(step, prefill))
        self._refresh_steps()
        self._check_input(prefill)
        self._bindings_changed()

    def _hint(self, step: Step | None, prefill: str) -> str:
        """The line under a step's title: the telnet equivalent, warnings, the next keys."""
        run = self.guided
        keys = self._key_hints()
        if step is Step.CONNECT and prefill:
            port = prefill.split()[-1]
            tls = (
                " with TLS from the first byte"
                if port.isascii() and port.isdigit() and run.implicit_tls(run.lab_port(int(port)))
                else ""
            )
            heading = f"Same as: telnet {prefill}{tls}"
            if run.options.demo:
                heading += f"\n({run.port_heading()})"
            return "\n".join(part for part in (heading, keys) if part)
        if step is Step.EHLO:
            lines = run.sending.warnings()
            if Offer.HELO in run.offers:
                lines.insert(0, "The server does not understand EHLO: try the older HELO.")
            return "\n".join(lines)
        if step is Step.STARTTLS:
            return f"Enter encrypts the connection; {self._key('starttls')} leaves it plain."
        return keys

    def _key(self, binding_id: str) -> str:
        """The key bound to ``binding_id`` now (the config may have remapped it)."""
        return key_for(self.app, (self, self.app), binding_id)

    def _key_hints(self) -> str:
        offers = self.guided.offers
        parts = []
        if Offer.NEXT_MX in offers:
            parts.append(f"{self._key('next-mx')}: next MX")
        if Offer.PROBE_PORTS in offers:
            parts.append(f"{self._key('probe-ports')}: probe this host on 587 and 465")
        if Offer.STARTTLS in offers and self.shown_step is not Step.STARTTLS:
            parts.append(f"{self._key('starttls')}: STARTTLS")
        if Offer.DATA in offers:
            parts.append(f"{self._key('test-message')}: send a real test message (asks first)")
        return " · ".join(parts)

    def _refresh_steps(self) -> None:
        if self.guided.session is not None:
            self.query_one(StepList).show(self.guided.book)

    def _check_input(self, text: str) -> None:
        if self.guided.session is None or not text.strip():
            self.panel.show_check(None)
            return
        self.panel.show_check(self.guided.check(self.shown_step, text))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._confirmed = ""
        self._check_input(event.value)
        if self.shown_step is Step.CONNECT:
            self.panel.show_hint(self._hint(Step.CONNECT, event.value))

    def _show_verdict(self) -> None:
        """Two pinned lines above the footer: whose side, one sentence, and what Enter does."""
        bar = self.query_one("#verdict-bar", Static)
        verdict = self.guided.verdict() if self.guided.decided else None
        if verdict is None:
            bar.display = False
            return
        following = {
            None: "Enter sends a free command (RSET, NOOP, QUIT ...)",
            Step.CONNECT: "Enter connects again",
        }.get(self.shown_step, f"Enter runs {self.shown_step.title if self.shown_step else ''}")
        bar.update(
            f"Verdict ({side_words(verdict.side)}): {verdict.verdict}\n"
            f"{following} · {self._key('copy-ticket')}: copy for a ticket"
        )
        bar.display = True
        if self.guided.decided:
            self.panel.show_summary(self.guided.book, verdict.as_text())

    # --- sending ---------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.guided.session is None:
            return
        if self._pending_since is not None:
            self.notify("Still waiting for the server; Esc cancels.", severity="warning")
            return
        text = event.value
        if not text.strip():
            self.panel.show_check(None, note="Type a command first.")
            return
        check = self.guided.check(self.shown_step, text)
        if check is not None and not check.ok:
            self.panel.show_check(check, note="Nothing was sent.")
            self.app.bell()
            return
        if check is not None and check.warnings and self._confirmed != text:
            self._confirmed = text
            self.panel.show_check(check, note="Press Enter again to send it as typed.")
            return
        if self.shown_step is None:
            self.panel.command.remember(text)
            self.panel.command.value = ""  # the free line starts empty for the next command
        self.submit(self.shown_step, text)

    @work(exclusive=True, group="network", exit_on_error=False)
    async def submit(self, step: Step | None, text: str) -> None:
        label = _WAITING_FOR.get(step, "") if step else ""
        await self._network(
            label or f"Waiting for the reply to {command_verb(text)}",
            self.guided.submit(step, text),
            step,
        )

    async def _network(self, label: str, work: Awaitable[StepOutcome], step: Step | None) -> None:
        """Wait for ``work`` with the pending line; whatever happens, the wait ends, the
        error is said in words and the screen stays usable."""
        self._begin_wait(label)
        try:
            outcome = await work
        except asyncio.CancelledError:
            self._end_wait()
            if self.guided.session is not None:
                self.guided.book.stopped()
            self.panel.show_error(
                "Cancelled. The connection was dropped if one was waiting; "
                "edit and press Enter to try again."
            )
            self._refresh_steps()
            raise
        except Exception as error:  # a bug must not lock the screen: say it, stay usable
            self._end_wait()
            if self.guided.session is not None:
                self.guided.book.stopped()
            message = f"Unexpected error ({type(error).__name__}): {error}"
            self.guided.transcript.error(message)
            self.panel.show_error(message + " The session goes on; Esc, Enter and keys work.")
            self._refresh_steps()
            return
        self._end_wait()
        self.after(outcome)

    def _begin_wait(self, label: str) -> None:
        self._pending_since = time.monotonic()
        self._pending_label = label
        self._tick()
        self._ticker = self.set_interval(0.2, self._tick)

    def _tick(self) -> None:
        if self._pending_since is not None:
            elapsed = time.monotonic() - self._pending_since
            self.panel.show_pending(f"… {self._pending_label}: {elapsed:.1f} s (Esc cancels)")

    def _end_wait(self) -> None:
        self._pending_since = None
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self.panel.show_pending("")

    def after(self, outcome: StepOutcome) -> None:
        """Show what a submission did, then the step the flow offers next."""
        run = self.guided
        session = run.session
        assert session is not None
        if outcome.step is Step.MX and session.mx is not None:
            self.query_one(MxPanel).show(session.mx)
            self._update_title()
            if outcome.ok:
                self.check_policy()
        peer = session.connection.peer
        if outcome.step is Step.CONNECT and outcome.reply is not None and peer:
            self.check_mx_lists(peer[0])
        claims = run.sending.claims
        if claims:
            self.query_one(BlacklistPanel).show_claims(claims)
            if any(" is listed on " in line for line in claims):
                tab = self.query_one(TabbedContent).get_tab("bl-tab")
                tab.label = "Blacklists (the server's list: listed)"
        moved = self.guided.stage is not outcome.step or outcome.ok
        if outcome.problem or not moved:
            self._refresh_steps()
            self.panel.clear_result()
            if run.stage is Step.CONNECT:
                self.panel.command.value = run.prefill(Step.CONNECT)
            self.panel.show_hint(self._hint(run.stage, self.panel.command.value))
        else:
            self.show(run.stage)
        if outcome.step is Step.EHLO and Offer.HELO in run.offers:
            self.panel.command.value = run.prefill(Step.EHLO)
        self._show_outcome(outcome)
        self._bindings_changed()
        self._show_verdict()
        self._refresh_steps()

    def _show_outcome(self, outcome: StepOutcome) -> None:
        session = self.guided.session
        assert session is not None
        if outcome.problem:
            self.panel.show_error(outcome.problem)
            return
        if outcome.step is not None or outcome.summary:
            summary = outcome.summary
            if outcome.note and outcome.note != "probes":
                summary += f" ({outcome.note})"
            self.panel.show_result(outcome.status, summary)
        if outcome.reply is None:
            return
        lines: list[str] = []
        if outcome.step is Step.CONNECT:
            lines += [lessons()["reply-codes"].does]
        if outcome.step is Step.EHLO and outcome.reply.code == 250:
            lines += ["Extensions offered:"] + [
                f"  {line}" for line in explain_keywords(session.keywords)
            ]
        if outcome.certificate is not None:
            lines += ["Certificate:"] + [f"  {line}" for line in outcome.certificate.lines()]
            lines += self.guided.policy_standing(session.host_name)
        if outcome.queue_id:
            lines.append(
                f"Queue id: {outcome.queue_id}  (the receiving side can trace the message with it)"
            )
        self.panel.show_reply(outcome.reply, explain_reply(outcome.reply), lines)

    # --- actions ---------------------------------------------------------------------------

    def action_cancel(self) -> None:
        cancelled = self.app.workers.cancel_group(self, "network")
        if not any(worker.is_running for worker in cancelled):
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
        screen = ConfirmMessageScreen(run.recipient(), effective_sender(run.options))
        self.app.push_screen(screen, self._send_confirmed)

    def _send_confirmed(self, body: str | None) -> None:
        if body is None:
            self.notify("No message was sent.", timeout=3)
            return
        self.send_message(body)

    @work(exclusive=True, group="network", exit_on_error=False)
    async def send_message(self, body: str) -> None:
        await self._network(_WAITING_FOR[Step.DATA], self.guided.send_test_message(body), Step.DATA)

    @work(exclusive=True, group="network", exit_on_error=False)
    async def action_probe_ports(self) -> None:
        session = self.guided.session
        if session is None or session.host is None:
            self.notify("Connect to a host first.", severity="warning")
            return
        await self._network("Probing the other mail ports", self.guided.probe_ports(), None)

    def action_explain(self) -> None:
        self.app.push_screen(ExplainScreen())

    # --- a bounce to start from (F3) ---------------------------------------------------------

    def action_bounce(self) -> None:
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
        self.query_one(MxPanel).show_placeholder("No MX look-up yet.")
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

"""The guided screen: the wizard (steps and the current step), the live transcript, and the
side panel with the MX records and blacklists. Network work runs in workers; Esc cancels."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, TabbedContent, TabPane

from smtp_tui.core.commands import command_verb
from smtp_tui.core.explain import explain_keywords, explain_reply
from smtp_tui.core.exports import save_ticket
from smtp_tui.core.lessons import lessons
from smtp_tui.core.options import effective_helo, effective_sender
from smtp_tui.core.probes import diagnose
from smtp_tui.core.session import Step, StepStatus
from smtp_tui.core.steps import Extra
from smtp_tui.ui.clipboard import copy_everywhere
from smtp_tui.ui.controller import STAY, STEP_KEYS, Outcome, SessionController, Stage
from smtp_tui.ui.screens.confirm_message import ConfirmMessageScreen
from smtp_tui.ui.screens.explain import ExplainScreen
from smtp_tui.ui.widgets.blacklist_panel import BlacklistPanel
from smtp_tui.ui.widgets.mx_panel import MxPanel
from smtp_tui.ui.widgets.step_list import StepList
from smtp_tui.ui.widgets.step_panel import StepPanel
from smtp_tui.ui.widgets.transcript_view import TranscriptView

_WAITING_FOR = {
    Step.MX: "Looking up MX records",
    Step.CONNECT: "Connecting and waiting for the greeting",
    Step.EHLO: "Waiting for the reply to EHLO",
    Step.MAIL: "Waiting for the reply to MAIL FROM",
    Step.RCPT: "Waiting for the reply to RCPT TO",
}


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+y", "copy_ticket", "Copy", id="copy-ticket"),
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("ctrl+t", "toggle_timestamps", "Times", id="timestamps", show=False),
        Binding("f2", "explain", "Explain", id="explain"),
        Binding("ctrl+r", "recheck_blacklists", "Re-check lists", id="recheck", show=False),
        Binding("f6", "next_mx", "Next MX", id="next-mx", show=False),
        Binding("f7", "skip_tls", "Skip STARTTLS", id="skip-tls", show=False),
        Binding("f8", "test_message", "Test message", id="test-message", show=False),
        Binding("f9", "probe_ports", "Probe 587/465", id="probe-ports", show=False),
    ]

    def __init__(
        self,
        controller: SessionController,
        start_lab: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """``start_lab``: run before the session starts (--demo starts the practice lab)."""
        super().__init__()
        self.controller = controller
        self._start_lab = start_lab
        self.shown_step: Stage = Step.MX
        self._tls_skipped = False
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
        yield Footer()

    @property
    def panel(self) -> StepPanel:
        return self.query_one(StepPanel)

    def on_mount(self) -> None:
        self.query_one("#wizard").border_title = "Steps"
        self.query_one(TranscriptView).border_title = "Transcript"
        self.controller.transcript.subscribe(self.query_one(TranscriptView).add)
        self.panel.command.focus()
        self.start_session()

    @work(exclusive=True, group="network", exit_on_error=False)
    async def start_session(self) -> None:
        if self._start_lab is not None:
            self.panel.show_pending("Starting the practice lab ...")
            try:
                await self._start_lab()
            except OSError as error:
                self.panel.show_error(f"The practice lab could not start: {error}")
                return
        problem = self.controller.start()
        if problem:
            self.panel.show_error(problem)
            return
        if self.controller.lab_note:
            self.controller.transcript.info(self.controller.lab_note)
        self._update_title()
        self.show(Step.MX)
        self.check_blacklists()

    def check_blacklists(self) -> None:
        """Runs beside the wizard: the sending side against the lists (the panel's worker)."""
        self.query_one(BlacklistPanel).check(self.controller)

    def on_blacklist_panel_checked(self, message: BlacklistPanel.Checked) -> None:
        tab = self.query_one(TabbedContent).get_tab("bl-tab")
        tab.label = f"Blacklists ({message.listed} listed)"
        if self.shown_step is Step.EHLO:
            self.panel.show_hint(self.controller.hint(Step.EHLO, ""))
        if self.shown_step is None and self.controller.session is not None:
            self.panel.show_summary(self.controller.book, self.verdict_text())

    def action_recheck_blacklists(self) -> None:
        if self.controller.checker is not None:
            self.check_blacklists()

    def verdict_text(self) -> str:
        verdict = self.controller.verdict()
        return verdict.as_text() if verdict else ""

    # --- showing ---------------------------------------------------------------------------

    def _update_title(self) -> None:
        session = self.controller.session
        target = session.domain.shown() if session and session.domain else ""
        demo = "practice lab" if self.controller.options.demo else ""
        self.sub_title = " · ".join(part for part in (target, demo) if part)

    def show(self, step: Stage) -> None:
        """Make ``step`` (None: the free command line) the one the panel offers."""
        self.shown_step = step
        self._confirmed = ""
        if isinstance(step, Extra):
            key, heading = step.value, "Optional"
        elif step is None:
            key, heading = "free", "Free command"
        else:
            key, heading = STEP_KEYS[step], f"Step {step.value} of 5"
        prefill = self.controller.prefill(step)
        self.panel.show_step(heading, lessons()[key], prefill, self.controller.hint(step, prefill))
        self._refresh_steps()
        self._check_input(prefill)

    def _refresh_steps(self) -> None:
        if self.controller.session is not None:
            self.query_one(StepList).show(self.controller.book)

    def _check_input(self, text: str) -> None:
        if self.controller.session is None or not text.strip():
            self.panel.show_check(None)
            return
        self.panel.show_check(self.controller.check(self.shown_step, text))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._confirmed = ""
        self._check_input(event.value)
        if self.shown_step is Step.CONNECT:
            self.panel.show_hint(self.controller.hint(Step.CONNECT, event.value))

    # --- sending ---------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.controller.session is None:
            return
        if self._pending_since is not None:
            self.notify("Still waiting for the server; Esc cancels.", severity="warning")
            return
        text = event.value
        if not text.strip():
            self.panel.show_check(None, note="Type a command first.")
            return
        check = self.controller.check(self.shown_step, text)
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
        self.submit(self.shown_step, text)

    @work(exclusive=True, group="network", exit_on_error=False)
    async def submit(self, step: Stage, text: str) -> None:
        verb = command_verb(text)
        label = f"Waiting for the reply to {verb}"
        if isinstance(step, Step):
            label = _WAITING_FOR[step]
        self._begin_wait(label)
        try:
            outcome = await self.controller.submit(step, text)
        except asyncio.CancelledError:
            self._end_wait()
            self.panel.show_error(
                "Cancelled. The connection was dropped if one was waiting; "
                "edit and press Enter to try again."
            )
            self._refresh_steps()
            raise
        self._end_wait()
        self.after(step, outcome)

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

    def after(self, step: Stage, outcome: Outcome) -> None:
        """Show what a submission did, and move on when the step passed."""
        controller = self.controller
        session = controller.session
        assert session is not None
        if outcome.step is Step.MX and session.mx is not None:
            self.query_one(MxPanel).show(session.mx)
            self._update_title()
        peer = session.connection.peer
        if outcome.step is Step.CONNECT and outcome.reply is not None and peer:
            self.query_one(BlacklistPanel).check_mx(self.controller, peer[0])
        following = self.controller.next_stage(step, outcome, tls_skipped=self._tls_skipped)
        if following is not STAY:
            self.show(following)  # type: ignore[arg-type]
        elif step is Step.CONNECT and outcome.result is not None:
            # Offer the next MX in the input, ready to send, and the port probe.
            self.panel.command.value = controller.prefill(Step.CONNECT)
            self.panel.show_hint("F6: next MX · F9: probe this host on 587 and 465")
        elif self._ehlo_not_understood(outcome):
            self.panel.command.value = f"HELO {effective_helo(controller.options)}"
            self.panel.show_hint("The server does not understand EHLO: try the older HELO.")
        self._show_outcome(outcome)
        failed = outcome.result is not None and outcome.result.status is StepStatus.FAILED
        if self.shown_step is None or failed:
            # The verdict as things stand: the test may well end here.
            self.panel.show_summary(controller.book, self.verdict_text())
        self._refresh_steps()

    @staticmethod
    def _ehlo_not_understood(outcome: Outcome) -> bool:
        return (
            outcome.step is Step.EHLO
            and outcome.reply is not None
            and outcome.reply.code in (500, 502)
        )

    def _show_outcome(self, outcome: Outcome) -> None:
        session = self.controller.session
        assert session is not None
        extra, result = outcome.extra, outcome.result
        if outcome.error:
            self.panel.show_error(outcome.error)
        elif extra is not None:
            status = StepStatus.PASSED if extra.ok else StepStatus.FAILED
            self.panel.show_result(status, _short(extra.summary))
        elif result is not None:
            self.panel.show_result(result.status, _short(result.summary))
        if outcome.reply is None:
            return
        lines: list[str] = []
        if outcome.step is Step.EHLO and outcome.reply.code == 250:
            lines = ["Extensions offered:"] + [
                f"  {line}" for line in explain_keywords(session.keywords)
            ]
        if extra is not None and extra.certificate is not None:
            lines += ["Certificate:"] + [f"  {line}" for line in extra.certificate.lines()]
        if extra is not None and extra.queue_id:
            lines.append(
                f"Queue id: {extra.queue_id}  (the receiving side can trace the message with it)"
            )
        self.panel.show_reply(outcome.reply, explain_reply(outcome.reply), lines)

    # --- actions ---------------------------------------------------------------------------

    def action_cancel(self) -> None:
        cancelled = self.app.workers.cancel_group(self, "network")
        if not any(worker.is_running for worker in cancelled):
            self.notify("Nothing is pending.", timeout=2)

    def on_step_list_step_chosen(self, message: StepList.StepChosen) -> None:
        if self.controller.session is None or self._pending_since is not None:
            return
        self.controller.book.select(message.step)
        self.show(message.step)
        self.panel.command.focus()

    def on_mx_panel_host_chosen(self, message: MxPanel.HostChosen) -> None:
        self.use_host(message.host)

    def use_host(self, host: str) -> None:
        if self.controller.session is None or self._pending_since is not None:
            return
        self.controller.choose_host(host)
        self.controller.book.select(Step.CONNECT)
        self.show(Step.CONNECT)
        self.panel.command.focus()

    def action_next_mx(self) -> None:
        session = self.controller.session
        hosts = [host.host for host in session.usable_hosts()] if session else []
        if not hosts:
            self.notify("No MX records to choose from yet.", severity="warning")
            return
        current = self.controller.connect_target()[0]
        position = hosts.index(current) + 1 if current in hosts else 0
        self.use_host(hosts[position % len(hosts)])

    def action_skip_tls(self) -> None:
        if self.shown_step is Extra.STARTTLS:
            self._tls_skipped = True
            self.show(Step.MAIL)

    def action_test_message(self) -> None:
        controller = self.controller
        session = controller.session
        if (
            session is None
            or not session.connection.is_open
            or controller.book.status(Step.RCPT) is not StepStatus.PASSED
        ):
            self.notify(
                "A test message can be sent once RCPT TO was accepted on a live connection.",
                severity="warning",
                markup=False,
            )
            return
        screen = ConfirmMessageScreen(controller.recipient(), effective_sender(controller.options))
        self.app.push_screen(screen, self._send_confirmed)

    def _send_confirmed(self, body: str | None) -> None:
        if body is None:
            self.notify("No message was sent.", timeout=3)
            return
        self.send_message(body)

    @work(exclusive=True, group="network", exit_on_error=False)
    async def send_message(self, body: str) -> None:
        self._begin_wait("Sending the test message")
        try:
            outcome = await self.controller.send_test_message(body)
        finally:
            self._end_wait()
        self.after(None, outcome)

    @work(exclusive=True, group="network", exit_on_error=False)
    async def action_probe_ports(self) -> None:
        session = self.controller.session
        if session is None or session.host is None:
            self.notify("Connect to a host first.", severity="warning")
            return
        self._begin_wait("Probing the other mail ports")
        try:
            await self.controller.probe_other_ports()
        finally:
            self._end_wait()
        message = diagnose(session.port_probes, session.port)
        if any(probe.answered for probe in session.port_probes):
            self.panel.show_result(StepStatus.WARNING, message)
        else:
            self.panel.show_error(message)
        self.panel.show_summary(self.controller.book, self.verdict_text())

    def action_explain(self) -> None:
        self.app.push_screen(ExplainScreen())

    def action_toggle_timestamps(self) -> None:
        view = self.query_one(TranscriptView)
        view.set_timestamps(not view.timestamps)

    def action_save(self) -> None:
        try:
            markdown, plain = self.controller.save()
        except OSError as error:
            self.notify(f"Could not save: {error}", severity="error", markup=False)
            return
        self.notify(
            f"Saved:\n{markdown}\n{plain}", title="Transcript saved", markup=False, timeout=10
        )

    @work(group="clipboard", exit_on_error=False)
    async def action_copy_ticket(self) -> None:
        text = self.controller.ticket_markdown()
        try:
            path = str(save_ticket(self.controller.transcript, text))
        except OSError as error:
            path = f"not saved ({error})"
        report = await copy_everywhere(self.app, text)
        self.notify(
            f"{report.describe()}\nAlso saved to {path}",
            title="Ticket export",
            markup=False,
            timeout=12,
        )


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

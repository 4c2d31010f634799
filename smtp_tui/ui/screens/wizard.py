"""The wizard's half of the main screen: offering a step (the panel, its hint, the step list),
sending it in a worker with a pending line that Esc cancels, and showing what came back with
the verdict. The keys and the start-up live in :class:`MainScreen`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable

from textual import work
from textual.timer import Timer
from textual.widgets import Input, Static

from smtp_tui.core.commands import command_verb
from smtp_tui.core.flow import Offer
from smtp_tui.core.lessons import lessons
from smtp_tui.core.steps import Step, StepBook, StepOutcome
from smtp_tui.core.verdict import side_words
from smtp_tui.ui.key_names import key_for
from smtp_tui.ui.screens.side_panel import SidePanelScreen
from smtp_tui.ui.widgets.blacklist_panel import BlacklistPanel
from smtp_tui.ui.widgets.step_list import StepList

WAITING_FOR = {
    Step.MX: "Looking up MX records",
    Step.CONNECT: "Connecting and waiting for the greeting",
    Step.EHLO: "Waiting for the reply to EHLO",
    Step.STARTTLS: "Waiting for STARTTLS and the TLS handshake",
    Step.MAIL: "Waiting for the reply to MAIL FROM",
    Step.RCPT: "Waiting for the reply to RCPT TO",
    Step.DATA: "Sending the test message",
}


class WizardScreen(SidePanelScreen):
    """Offers the step the core's :class:`GuidedRun` is at and sends what the user typed."""

    def __init__(self) -> None:
        super().__init__()
        self._confirmed = ""  # a command with warnings, sent as typed on a second Enter
        # While the session starts (the practice lab, the resolver) there is nothing to send to
        # yet: an Enter pressed then is kept and acted on once the session is open.
        self._starting = True
        self._enter_while_starting = False
        self._pending_since: float | None = None
        self._pending_label = ""
        self._ticker: Timer | None = None

    def _bindings_changed(self) -> None:
        self.refresh_bindings()

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
        # Before the session opens (the first frame, the lab starting) the list shows the
        # steps as a new session has them.
        book = self.guided.book if self.guided.session is not None else StepBook()
        self.query_one(StepList).show(book)

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
            if self._starting:  # kept for the session's start (see ``session_opened``)
                self.keep_enter()
            return  # otherwise it could not start, and said so
        self.send_typed(event.value)

    def keep_enter(self) -> None:
        """An Enter pressed before the session is open (on the command line, or on the stand-in
        before this screen was loaded) runs the step shown once it is open."""
        if not self._starting:  # open already (or it could not open, and said so)
            self._send_kept()
            return
        self._enter_while_starting = True
        self.panel.show_check(None, note="Starting: your Enter runs once it is ready.")

    def _send_kept(self) -> None:
        """Send what the command line holds for a kept Enter, unless another screen is on top
        by now (the bounce reader opened with --bounce, F2's explain): the Enter was meant for
        this one."""
        if self.guided.session is not None and self.app.screen is self:
            self.send_typed(self.panel.command.value)

    def session_opened(self, opened: bool) -> None:
        """The session's start is over (``opened``: it can send): an Enter pressed meanwhile
        sends what the command line holds then."""
        self._starting = False
        if opened and self._enter_while_starting:
            self.call_later(self._send_kept)
        self._enter_while_starting = False

    def send_typed(self, text: str) -> None:
        """Check ``text`` for the step shown and send it (Enter on the command line)."""
        if self._pending_since is not None:
            self.notify("Still waiting for the server; Esc cancels.", severity="warning")
            return
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
        label = WAITING_FOR.get(step, "") if step else ""
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
            self.mx_panel.show(session.mx)
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
                self.label_tab("bl-tab", "Blacklists (the server's list: listed)")
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
        from smtp_tui.core.explain import explain_keywords
        from smtp_tui.core.explain_command import explain_answer

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
        explanation = explain_answer(outcome.reply, outcome.step)
        self.panel.show_reply(outcome.reply, explanation, lines)

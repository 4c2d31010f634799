"""F3: read a whole bounce (an NDR), see who failed and why, and choose one recipient to re-test.

The user pastes the bounce (terminal paste or Ctrl+V) and presses F5; in the demo, the lab's
own bounces can be loaded from a list. The result lists the failed and delayed recipients with
the remote server's reply and its explanation, and the verdict from the bounce alone. Enter on
a recipient returns a :class:`BounceChoice` (the wizard is pre-filled from it); Esc returns None.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from smtp_tui.core.bounce import MAX_BOUNCE_BYTES, BouncedRecipient, BounceReport, read_bounce
from smtp_tui.core.bounce_report import recipient_lines
from smtp_tui.core.bounce_verdict import bounce_verdict
from smtp_tui.core.record import frozen_record, replace
from smtp_tui.core.sanitize import sanitize_text
from smtp_tui.core.steps import STEP_FOR_VERB, Step
from smtp_tui.core.verdict import excerpt, side_words

if TYPE_CHECKING:
    from smtp_tui.lab.bounces import DemoBounce

# The server's words are often several lines of boilerplate; the screen shows the start.
DIAGNOSTIC_LIMIT = 300
# Reading the system clipboard must not hang the screen (a clipboard program may not answer).
CLIPBOARD_TIMEOUT = 3.0
# The failed SMTP command of a bounce -> the wizard's step that runs it again.
_STEP_FOR_COMMAND = {**STEP_FOR_VERB, "CONN": Step.CONNECT, "DATA": Step.DATA}

INSTRUCTION = (
    "Paste the whole bounce below (your terminal's paste, or Ctrl+V), headers or not, "
    "then press F5 to read it."
)


@frozen_record
class BounceChoice:
    """The recipient the user chose to re-test, and the bounce it came from."""

    recipient: BouncedRecipient
    report: BounceReport

    @property
    def address(self) -> str:
        """The recipient for RCPT TO."""
        return self.recipient.recipient

    @property
    def sender(self) -> str | None:
        """The original sender, for MAIL FROM (None when the bounce does not say)."""
        return self.report.envelope_sender

    @property
    def remote_host(self) -> str | None:
        """The server that refused (a name or an address), for step 2; None: use the MX."""
        return self.recipient.remote_mta

    @property
    def failed_command(self) -> str | None:
        """CONN, HELO, EHLO, MAIL, RCPT, DATA, STARTTLS, or None when the bounce does not say."""
        return self.recipient.smtp_command

    @property
    def failed_step(self) -> Step | None:
        """The wizard's step that failed (CONN is step 2, HELO/EHLO step 3, ...), or None."""
        return _STEP_FOR_COMMAND.get(self.recipient.smtp_command or "")


def display_safe(text: str) -> str:
    """``text`` fit for the paste area: a bounce may carry terminal escapes (ESC, OSC 52), and
    the text area sends what it holds to the terminal as it is. Line breaks and tabs stay."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(
        "\t".join(sanitize_text(piece, max_chars=MAX_BOUNCE_BYTES) for piece in line.split("\t"))
        for line in lines
    )


def recipient_text(number: int, recipient: BouncedRecipient) -> str:
    """One recipient for the list: the plain report's facts, the server's words cut short,
    then the explanation with the side in words."""
    said = recipient.diagnostic
    shown = replace(
        recipient,
        diagnostic=excerpt(said, DIAGNOSTIC_LIMIT) if said else None,
        explanation=None,
    )
    # No indent: a wrapped line would start at the left edge anyway.
    lines = [line.strip() for line in recipient_lines(number, shown)]
    explanation = recipient.explanation
    if explanation is not None:
        lines.append(f"Meaning: {explanation.meaning}")
        lines.append(f"Category: {explanation.category} · {side_words(explanation.side)}")
        lines += [f"→ {step}" for step in explanation.next_steps]
    return "\n".join(lines)


def verdict_text(report: BounceReport) -> str:
    """The verdict from the bounce alone (the recipients above are its evidence), or, when
    nothing was recognised, what the reader saw."""
    if not report.failures:
        lines = ["No failed or delayed recipient found in this text."]
        lines += [f"Seen: {item}" for item in report.seen]
        lines.append("Paste the whole bounce, headers included, and press F5 again.")
        return "\n".join(lines)
    verdict = bounce_verdict(report)
    # The recipients' own next steps are listed with each one below; only the rest here.
    listed = {step for r in report.failures if r.explanation for step in r.explanation.next_steps}
    lines = [f"{side_words(verdict.side).capitalize()}: {verdict.verdict}"]
    lines += [f"→ {step}" for step in verdict.next_steps if step not in listed]
    return "\n".join(lines)


class BouncePasteArea(TextArea):
    """The paste area: whatever is pasted is made safe to show before it goes in, and Ctrl+V
    reads the system clipboard (falling back to text copied inside the app)."""

    def on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # instead of TextArea's own paste, which inserts it as it is
        event.stop()
        self.insert_pasted(event.text)

    def insert_pasted(self, text: str) -> None:
        if self.read_only or not text:
            return
        result = self.replace(display_safe(text), *self.selection)
        self.move_cursor(result.end_location)
        self.focus()

    def action_paste(self) -> None:
        self.paste_from_clipboard()

    @work(exclusive=True, group="bounce-paste", exit_on_error=False)
    async def paste_from_clipboard(self) -> None:
        import pyperclip  # and ctypes under it: loaded on the first paste, not with the screen

        try:
            text = await asyncio.wait_for(asyncio.to_thread(pyperclip.paste), CLIPBOARD_TIMEOUT)
        except Exception:  # no clipboard program, no display (over SSH), or it hung
            text = ""
        text = text or self.app.clipboard
        if text:
            self.insert_pasted(text)
        else:
            self.notify(
                "No clipboard here to read: paste with your terminal "
                "(Ctrl+Shift+V, Shift+Insert or a right click).",
                severity="warning",
                markup=False,
            )


class BounceScreen(ModalScreen[BounceChoice | None]):
    """Returns the recipient chosen for a re-test (Enter), or None (Esc)."""

    BINDINGS = [
        Binding("f5,ctrl+r", "read", "Read bounce", id="bounce-read", priority=True),
        Binding("f4", "paste_another", "Paste another", id="bounce-paste-another"),
        Binding("escape", "close", "Close", id="bounce-close", priority=True),
    ]
    DEFAULT_CSS = """
    BounceScreen { align: center middle; }
    BounceScreen > #bounce-box { width: 100%; max-width: 110; height: 100%; max-height: 44;
        border: round $accent; background: $surface; padding: 0 1; }
    BounceScreen OptionList, BounceScreen TextArea, BounceScreen #bounce-verdict-box {
        border: round $panel-lighten-2; }
    BounceScreen OptionList:focus, BounceScreen TextArea:focus,
    BounceScreen #bounce-verdict-box:focus { border: heavy $accent; }
    BounceScreen #bounce-demos { height: auto; max-height: 7; }
    BounceScreen #bounce-text { height: 1fr; min-height: 5; }
    BounceScreen #bounce-verdict-box { height: auto; max-height: 7; padding: 0 1;
        display: none; }
    BounceScreen #bounce-recipients { height: 1fr; display: none; }
    BounceScreen .-read #bounce-instruction, BounceScreen .-read #bounce-demos { display: none; }
    BounceScreen .-read #bounce-text { height: 4; min-height: 4; }
    BounceScreen .-read #bounce-recipients { display: block; }
    BounceScreen .-shown #bounce-verdict-box { display: block; }
    """

    def __init__(self, *, demo: bool = False, bounce: bytes | None = None) -> None:
        """``demo``: offer the lab's demo bounces. ``bounce``: a bounce to load and read at
        once (``smtp-tui --bounce FILE``)."""
        super().__init__()
        self.demo = demo
        self.report: BounceReport | None = None
        self._shown = False  # a result is on the screen (F4 goes back to the paste)
        self._demos: tuple[DemoBounce, ...] = ()
        self._initial = bounce
        # The exact bytes behind the area's text, while the area still shows them unchanged:
        # read those rather than the display-safe copy.
        self._loaded: tuple[str, bytes] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="bounce-box") as box:
            box.border_title = "Read a bounce (F5 reads, Esc closes)"
            yield Static(INSTRUCTION, id="bounce-instruction", markup=False)
            if self.demo:
                from smtp_tui.lab.bounces import demo_bounces

                self._demos = demo_bounces()
                demos = OptionList(
                    *(Option(Content(d.title), id=str(i)) for i, d in enumerate(self._demos)),
                    id="bounce-demos",
                    markup=False,
                )
                demos.border_title = "You got this bounce this morning: whose fault is it?"
                demos.border_subtitle = "Enter loads one"
                yield demos
            area = BouncePasteArea(id="bounce-text", soft_wrap=True)
            area.border_title = "The bounce"
            area.border_subtitle = "F5 reads it"
            yield area
            recipients = OptionList(id="bounce-recipients", markup=False)
            recipients.border_title = "Failed or delayed recipients"
            recipients.border_subtitle = "Enter: re-test this one"
            yield recipients
            # Below the recipients, as in `smtp-tui bounce` (the verdict's text says "above").
            with VerticalScroll(id="bounce-verdict-box") as verdict:
                verdict.border_title = "Verdict from the bounce alone"
                yield Static("", id="bounce-verdict", markup=False)
        yield Footer()

    @property
    def paste_area(self) -> BouncePasteArea:
        return self.query_one(BouncePasteArea)

    @property
    def recipient_list(self) -> OptionList:
        return self.query_one("#bounce-recipients", OptionList)

    def on_mount(self) -> None:
        if self._initial is not None:
            self.load_bounce(self._initial)
        elif self._demos:
            self.query_one("#bounce-demos", OptionList).focus()
        else:
            self.paste_area.focus()

    def load_bounce(self, data: bytes) -> None:
        """Show ``data`` in the paste area and read it."""
        text = display_safe(data.decode("utf-8", errors="replace"))
        self.paste_area.load_text(text)
        self._loaded = (text, data)
        self.action_read()

    def on_paste(self, event: events.Paste) -> None:
        """A paste while the demo list or the result has the focus goes into the area too."""
        event.stop()
        self.paste_area.insert_pasted(event.text)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = int(event.option.id or 0)
        if event.option_list.id == "bounce-demos":
            self.load_bounce(self._demos[index].read_bytes())
        elif self.report is not None:
            self.dismiss(BounceChoice(self.report.failures[index], self.report))

    def action_read(self) -> None:
        text = self.paste_area.text
        if not text.strip():
            self.notify("Paste a bounce first.", severity="warning", markup=False)
            return
        loaded = self._loaded
        data: bytes | str = loaded[1] if loaded and loaded[0] == text else text
        self.read_and_show(data)

    @work(exclusive=True, group="bounce-read", exit_on_error=False)
    async def read_and_show(self, data: bytes | str) -> None:
        # A pasted bounce may be megabytes: read it off the event loop.
        report = await asyncio.to_thread(read_bounce, data)
        self.show_report(report)

    def show_report(self, report: BounceReport) -> None:
        self.report = report
        box = self.query_one("#bounce-box")
        box.add_class("-shown")
        self._shown = True
        self.refresh_bindings()
        self.query_one("#bounce-verdict", Static).update(verdict_text(report))
        self.query_one("#bounce-verdict-box").border_title = (
            "Verdict from the bounce alone" if report.failures else "What smtp-tui saw"
        )
        options = self.recipient_list
        options.clear_options()
        failures = report.failures
        for number, recipient in enumerate(failures, 1):
            if number > 1:
                options.add_option(None)
            options.add_option(
                Option(Content(recipient_text(number, recipient)), id=str(number - 1))
            )
        box.set_class(bool(failures), "-read")
        if failures:
            self.paste_area.move_cursor((0, 0))  # the shrunk area shows the bounce's start
            options.highlighted = 0
            options.focus()
        else:
            self.paste_area.focus()

    def action_paste_another(self) -> None:
        """Back to an empty paste area (and the demo bounces); the result goes."""
        box = self.query_one("#bounce-box")
        box.remove_class("-read", "-shown")
        self._shown = False
        self.refresh_bindings()
        self.report = None
        self.recipient_list.clear_options()
        self.paste_area.clear()
        self._loaded = None
        if self._demos:
            self.query_one("#bounce-demos", OptionList).focus()
        else:
            self.paste_area.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "paste_another":
            return self._shown
        return True

    def action_close(self) -> None:
        self.dismiss(None)

"""F1: the keys and the five steps, in plain words."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from smtp_tui.core.lessons import lessons

KEYS = """\
Keys
  Enter        send the command as it stands in the input
  Esc          cancel a pending network wait
  Tab          move between the input, the step list, the transcript and the MX table
  ↑ ↓ Enter    in the step list: go back to (or on to) a step
               in the MX table: use that host for step 2
  ↑ ↓          on the free command line: earlier commands
  F1           this help         Ctrl+P  every action, by name
  F2           explain a reply pasted from a bounce message (NDR)
  Ctrl+Y       copy the transcript for a ticket (and save it to a file)
  Ctrl+S       save the transcript (Markdown and plain text)
  Ctrl+T       timestamps in the transcript on or off
  F6           try the next MX host
  F7           skip the optional STARTTLS step
  F8           send a real test message after RCPT TO (asks first)
  F9           after port 25 failed: probe the same host on 587 and 465
  Ctrl+R       check the blacklists again
  Ctrl+Q       quit (says QUIT to the server first)

Transcript markers:  -> sent   <-  received   === note   !!! warning   *** error
Inside TLS:          ~> sent   <~  received

Every session is also written, line by line as it happens, to
$XDG_STATE_HOME/smtp-tui/transcripts/ (~/.local/state/smtp-tui/transcripts/), so a
dropped connection loses nothing; it ends with the verdict when you quit.
"""


def help_text() -> str:
    parts = [KEYS, "The five steps"]
    for number, key in enumerate(("mx", "connect", "ehlo", "mail", "rcpt"), start=1):
        lesson = lessons()[key]
        parts.append(
            f"\n{number}. {lesson.title}\n   {lesson.does}\n   Good: {lesson.good}\n"
            f"   Watch for: {lesson.wrong}"
        )
    parts.append("\nAfter step 5: " + lessons()["free"].does)
    return "\n".join(parts)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%;
        border: round $accent; background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Help (Esc closes)"
            yield Static(help_text(), markup=False)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

"""F1: the keys and the five steps, in plain words."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from smtp_tui.core.lessons import lessons
from smtp_tui.ui.key_names import key_for

# (binding id, what it does): the key shown is the one bound now, so remapped keys read right.
KEYS = (
    ("help", "this help (Ctrl+P lists every action by name)"),
    ("cancel", "cancel a pending network wait"),
    ("explain", "explain a reply pasted from a bounce message (NDR)"),
    ("bounce", "read a whole bounce; pick a recipient to re-test from it"),
    ("both-families", "run the dialogue over IPv4 and over IPv6 and compare"),
    ("copy-ticket", "copy the transcript and verdict for a ticket (and save it to a file)"),
    ("save", "save the transcript (Markdown and plain text)"),
    ("timestamps", "timestamps in the transcript on or off"),
    ("wrap", "wrap long transcript lines on or off"),
    ("next-mx", "use the next MX host for step 2"),
    ("starttls", "run the optional STARTTLS step (on it: go on unencrypted)"),
    ("test-message", "send a real test message after RCPT TO (asks first)"),
    ("probe-ports", "after port 25 failed: probe the same host on 587 and 465"),
    ("recheck", "check the blacklists again"),
    ("quit", "quit (says QUIT to the server first, a second at most)"),
)

FIXED = """\
Keys
  Enter        send the command as it stands in the input
  Tab          move between the wizard, the step list, the transcript and the MX table
  Alt+1..4     jump to the wizard, the step list, the transcript, the MX table
  ↑ ↓ Enter    in the step list: go back to (or on to) a step
               in the MX table: use that host for step 2
  ↑ ↓          on the free command line: earlier commands
"""

NOTES = """
Transcript markers:  -> sent   <-  received   === note   !!! warning   *** error
Inside TLS:          ~> sent   <~  received

Whose side: "your side" = the sending side must change something (IP, reputation, PTR,
HELO, SPF/DKIM/DMARC, TLS, rate, content); "their side" = the receiving side's state or
configuration (no such mailbox, full or disabled mailbox, server down, greylisting, their
misconfiguration); "unclear" = the text alone cannot tell.

Every session is also written, line by line as it happens, to
$XDG_STATE_HOME/smtp-tui/transcripts/ (~/.local/state/smtp-tui/transcripts/), so a
dropped connection loses nothing; it ends with the verdict when you quit.
"""


def help_text(key_for: Callable[[str], str] | None = None) -> str:
    """The help; ``key_for`` names the key bound to an id now (default: the id itself)."""
    name = key_for or (lambda binding_id: binding_id)
    lines = [FIXED.rstrip("\n")]
    lines += [f"  {name(binding_id):<12} {does}" for binding_id, does in KEYS]
    parts = ["\n".join(lines), NOTES, "The five steps"]
    for number, key in enumerate(("mx", "connect", "ehlo", "mail", "rcpt"), start=1):
        lesson = lessons()[key]
        parts.append(
            f"\n{number}. {lesson.title}\n   {lesson.does}\n   Good: {lesson.good}\n"
            f"   Watch for: {lesson.wrong}"
        )
    parts.append("\nAfter step 5: " + lessons()["free"].does)
    parts.append("\n" + lessons()["reply-codes"].title + ": " + lessons()["reply-codes"].does)
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
            yield Static(help_text(self._key_for), markup=False)

    def _key_for(self, binding_id: str) -> str:
        """The key bound to ``binding_id`` on the screen below (remapped keys read right)."""
        screens = self.app.screen_stack
        below = screens[-2] if len(screens) > 1 else self.app.screen
        return key_for(self.app, (below, self.app), binding_id)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

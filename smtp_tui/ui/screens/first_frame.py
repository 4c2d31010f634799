"""The first frame, drawn before the guided screen is even loaded: the same layout, the five
steps as a new session has them, and empty panes.

The guided screen needs the core's flow, the wizard, the command line, the transcript and their
styles: together about as much start-up work as Textual itself. Drawn first, this screen puts
the steps on the terminal after little more than Textual's own start; the app then loads the
guided screen and switches to it (a few tenths of a second later on a slow machine).

Keys pressed while the stand-in is up are dropped (Enter does nothing before the session opens
anyway), except Ctrl+Q, which quits; the app turns off the palette and F1 here (see
``SmtpTuiApp.check_action``). Keys that arrive while the guided screen loads wait in the app's
queue and reach it."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from smtp_tui.core.steps import StepBook
from smtp_tui.ui.step_lines import styled_step_lines


class FirstFrameScreen(Screen[None]):
    """Stands in for the guided screen until it is loaded (the app says when it is drawn)."""

    class Drawn(Message):
        """The first frame is on the terminal: time to load the guided screen."""

    def compose(self) -> ComposeResult:
        yield Header(icon="✉")
        with Container(id="body"):
            with Vertical(id="wizard"):
                yield Static(styled_step_lines(StepBook()), id="first-steps")
                yield Static("Loading the guided screen ...", id="first-note", markup=False)
            yield Static("", id="first-transcript")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#wizard").border_title = "Steps"
        self.query_one("#first-transcript").border_title = "Transcript"

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()

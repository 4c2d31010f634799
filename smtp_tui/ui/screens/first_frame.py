"""The first frame, drawn before the guided screen is even loaded: the guided screen's columns,
the five steps as a new session has them, and an empty transcript.

The guided screen needs the core's flow, the wizard, the command line, the transcript and their
styles: together about as much start-up work as Textual itself. Drawn first, this screen puts
the steps on the terminal after little more than Textual's own start; the app then loads the
guided screen and pushes it over this one (a few tenths of a second later on a slow machine).
It is the app's default screen, composed as Textual composes any app's first screen, and it
holds as few widgets as a bare app (a header, two panes, a footer): each widget costs its
styling, layout and registration before the first frame.

Keys pressed while the stand-in is up are dropped, except Ctrl+Q, which quits, and Enter, which
the stand-in keeps for the guided screen: it runs step 1 once the session is open, as an Enter
pressed while the session starts does (muscle memory: start, Enter). The app turns off the
palette and F1 here (see ``SmtpTuiApp.check_action``). Keys that arrive while the guided screen
loads wait in the app's queue and reach it."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from smtp_tui.core.steps import StepBook
from smtp_tui.ui.step_lines import styled_step_lines

LOADING_NOTE = "Loading the guided screen ..."


class FirstFrameScreen(Screen[None]):
    """Stands in for the guided screen until it is loaded (the app says when it is drawn)."""

    class Drawn(Message):
        """The first frame is on the terminal: time to load the guided screen."""

    def __init__(self) -> None:
        super().__init__()
        self.enter_pressed = False  # handed on to the guided screen (``keep_enter``)

    def compose(self) -> ComposeResult:
        yield Header(icon="✉")
        steps = Content("\n").join(
            [styled_step_lines(StepBook()), Content(), Content.styled(LOADING_NOTE, "$text-muted")]
        )
        wizard = Static(steps, id="first-steps")
        wizard.border_title = "Steps"
        yield wizard
        transcript = Static("", id="first-transcript")
        transcript.border_title = "Transcript"
        yield transcript
        yield Footer(show_command_palette=False, compact=True)

    def on_key(self, event: events.Key) -> None:
        # An Enter typed before the app took the terminal was turned into a line feed by the
        # terminal's line discipline (ICRNL): it arrives here as Ctrl+J.
        if event.key in ("enter", "ctrl+j"):
            self.enter_pressed = True
        event.stop()
        event.prevent_default()

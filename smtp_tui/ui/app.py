"""The Textual application: a thin shell that holds the lab (in --demo) and the main screen."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from smtp_tui.core.options import SessionOptions
from smtp_tui.core.session import Step
from smtp_tui.ui.controller import SessionController
from smtp_tui.ui.screens.help import HelpScreen
from smtp_tui.ui.screens.main import MainScreen
from smtp_tui.ui.widgets.step_list import StepList


class SmtpTuiApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "smtp-tui"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (160, "-wide")]
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(
        self,
        options: SessionOptions,
        *,
        theme: str | None = None,
        lab_ports: tuple[int, int, int, int] = (0, 0, 0, 0),
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.controller = SessionController(options)
        self.lab_ports = lab_ports
        self._lab: object | None = None
        self._wanted_theme = theme
        self._keymap = keymap or {}

    async def start_lab(self) -> None:
        """Start the practice lab on this app's loop and point the session at it."""
        from smtp_tui.lab import Lab

        dns_port, smtp_port, submission_port, smtps_port = self.lab_ports
        lab = Lab(
            dns_port=dns_port,
            smtp_port=smtp_port,
            submission_port=submission_port,
            smtps_port=smtps_port,
        )
        info = await lab.start()
        self._lab = lab
        self.controller.use_lab(info)

    def on_mount(self) -> None:
        if self._wanted_theme:
            if self._wanted_theme in self.available_themes:
                self.theme = self._wanted_theme
            else:
                self.notify(
                    f"Unknown theme {self._wanted_theme!r} in the config; using the default.",
                    severity="warning",
                    markup=False,
                )
        if self._keymap:
            self.set_keymap(self._keymap)  # the config's [keys], by binding id
        start_lab = self.start_lab if self.controller.options.demo else None
        self.push_screen(MainScreen(self.controller, start_lab))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Say QUIT on a live connection, stop the lab, then leave."""
        self.workers.cancel_all()
        with contextlib.suppress(Exception):
            async with asyncio.timeout(6):
                await self.controller.close()
        await self.stop_lab()
        self.exit(0)

    async def stop_lab(self) -> None:
        lab, self._lab = self._lab, None
        if lab is not None:
            with contextlib.suppress(Exception):
                await lab.stop()  # type: ignore[attr-defined]

    async def on_unmount(self) -> None:
        await self.stop_lab()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            # Every action of the main screen, by name (the keys are in the footer and F1).
            actions: list[tuple[str, str, Callable[[], object]]] = [
                (
                    "Copy transcript for a ticket",
                    "OSC 52, local clipboard and a file (Ctrl+Y)",
                    screen.action_copy_ticket,
                ),
                ("Save transcript", "Markdown and plain text files (Ctrl+S)", screen.action_save),
                (
                    "Toggle timestamps",
                    "Times in the transcript (Ctrl+T)",
                    screen.action_toggle_timestamps,
                ),
                ("Cancel the pending wait", "Like Esc", screen.action_cancel),
                (
                    "Explain a reply",
                    "Paste a line from a bounce message (F2)",
                    screen.action_explain,
                ),
                ("Next MX host", "Use the next MX for step 2 (F6)", screen.action_next_mx),
                ("Skip STARTTLS", "Go on to MAIL FROM unencrypted (F7)", screen.action_skip_tls),
                (
                    "Send a test message",
                    "DATA after RCPT TO; asks first (F8)",
                    screen.action_test_message,
                ),
                (
                    "Probe 587 and 465",
                    "Why does port 25 not answer? (F9)",
                    screen.action_probe_ports,
                ),
                (
                    "Check the blacklists again",
                    "The sending IP (Ctrl+R)",
                    screen.action_recheck_blacklists,
                ),
            ]
            for title, help_text, callback in actions:
                yield SystemCommand(title, help_text, callback)
            for step in Step:
                yield SystemCommand(
                    f"Go to step {step.value}: {step.title}",
                    "Run this step (again)",
                    partial(screen.on_step_list_step_chosen, StepList.StepChosen(step)),
                )
        yield SystemCommand("Help", "Keys and the five steps (F1)", self.action_help)


def make_app(
    options: SessionOptions,
    *,
    theme: str | None = None,
    lab_ports: tuple[int, int, int, int] = (0, 0, 0, 0),
    keymap: dict[str, str] | None = None,
) -> SmtpTuiApp:
    """The one factory the command line, the tests and the screenshot script use."""
    return SmtpTuiApp(options, theme=theme, lab_ports=lab_ports, keymap=keymap)

"""The Textual application: a thin shell that holds the lab (in --demo) and the main screen."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from smtp_tui.core.session import Step
from smtp_tui.options import SessionOptions
from smtp_tui.ui.controller import SessionController
from smtp_tui.ui.screens.help import HelpScreen
from smtp_tui.ui.screens.main import MainScreen


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
    ) -> None:
        super().__init__()
        self.controller = SessionController(options)
        self.lab_ports = lab_ports
        self._lab: object | None = None
        self._wanted_theme = theme

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
        self.push_screen(MainScreen(self.controller))

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
            yield SystemCommand(
                "Copy transcript for a ticket",
                "OSC 52 and local clipboard, and a file",
                screen.action_copy_ticket,
            )
            yield SystemCommand(
                "Save transcript", "Markdown and plain text files", screen.action_save
            )
            yield SystemCommand(
                "Toggle timestamps",
                "Show or hide times in the transcript",
                screen.action_toggle_timestamps,
            )
            yield SystemCommand("Cancel the pending wait", "Like Esc", screen.action_cancel)
            yield SystemCommand("Next MX host", "Use the next MX for step 2", screen.action_next_mx)
            for step in Step:
                yield SystemCommand(
                    f"Go to step {step.value}: {step.title}",
                    "Run this step (again)",
                    lambda step=step: screen.on_step_list_step_chosen(
                        screen.query_one("#steps").StepChosen(step)
                    ),
                )
        yield SystemCommand("Help", "Keys and the five steps", self.action_help)


def make_app(
    options: SessionOptions,
    *,
    theme: str | None = None,
    lab_ports: tuple[int, int, int, int] = (0, 0, 0, 0),
) -> SmtpTuiApp:
    """The one factory the command line, the tests and the screenshot script use."""
    return SmtpTuiApp(options, theme=theme, lab_ports=lab_ports)

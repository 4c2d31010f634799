"""The Textual application: a thin shell that holds the lab (in --demo) and the main screen.

From the command line the app first draws the steps from a light stand-in screen
(screens/first_frame.py) and only then loads the guided screen, the core's flow and the session
(``first_frame=True``); tests and screenshots open the guided screen at once."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from smtp_tui.core.options import SessionOptions
from smtp_tui.exit_codes import ExitCode
from smtp_tui.ui.screens.first_frame import FirstFrameScreen

if TYPE_CHECKING:
    from textual.driver import Driver

    # Loaded after the first frame (see the module's docstring).
    from smtp_tui.core.flow import FlowPolicy, GuidedRun
    from smtp_tui.ui.screens.main import MainScreen

AnyScreen = TypeVar("AnyScreen", bound=Screen)


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
        policy: FlowPolicy | None = None,
        bounce: bytes | None = None,
        first_frame: bool = False,
    ) -> None:
        """``policy``: the flow's (OFFER when None); ``first_frame``: draw the steps from the
        stand-in screen before the guided screen loads (the command line's start)."""
        super().__init__()
        self._bounce = bounce
        self._options = options
        self._policy = policy
        self._guided: GuidedRun | None = None
        self._first_frame = first_frame
        self.lab_ports = lab_ports
        self._lab: object | None = None
        self._wanted_theme = theme
        self._keymap = keymap or {}

    @property
    def guided(self) -> GuidedRun:
        """The session's flow, made on first use (the core's flow loads after the first frame)."""
        if self._guided is None:
            from smtp_tui.core.flow import OFFER, GuidedRun

            policy = OFFER if self._policy is None else self._policy
            self._guided = GuidedRun(self._options, policy)
        return self._guided

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
        from smtp_tui.lab.dnsbl_zones import DEMO_ZONES

        self.guided.use_lab(info, list(DEMO_ZONES), info.ca_file)

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
        self._catch_signals()
        if self._keymap:
            keymap = dict(self._keymap)
            if "skip-tls" in keymap:  # the old id of F7, still accepted
                keymap.setdefault("starttls", keymap.pop("skip-tls"))
            self.set_keymap(keymap)  # the config's [keys], by binding id
        if not self._first_frame:
            self.push_screen(self._main_screen())

    def get_default_screen(self) -> Screen[None]:
        """From the command line the stand-in is the first screen, composed as a bare app's
        is; otherwise Textual's empty default, under the guided screen."""
        if self._first_frame:
            return self._with_width_class(FirstFrameScreen())
        return super().get_default_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """On the stand-in only Ctrl+Q acts: the palette (a priority key in Textual) or the
        help would be on top when the guided screen is pushed, and stay under it."""
        if isinstance(self.screen, FirstFrameScreen):
            return action not in ("command_palette", "help")
        return True

    def on_ready(self) -> None:
        """Textual's Ready: the app writes to the terminal from now on (a frame drawn while it
        was starting was not written). The stand-in is drawn once more; then, once that frame
        is out, the guided screen loads."""
        if isinstance(self.screen, FirstFrameScreen):
            self.screen.refresh()
            self.screen.call_after_refresh(self.post_message, FirstFrameScreen.Drawn())

    async def on_first_frame_screen_drawn(self) -> None:
        """The steps are on the terminal: load the guided screen and put it over them (the
        stand-in is the default screen, which stays at the bottom of the stack unseen).
        Keys pressed before this point were dropped by the stand-in but an Enter, which it
        hands on; keys that arrive while the guided screen loads wait in the app's queue and
        reach it."""
        stand_in = self.screen
        main = self._main_screen()
        await self.push_screen(main)
        if isinstance(stand_in, FirstFrameScreen) and stand_in.enter_pressed:
            main.keep_enter()

    def _main_screen(self) -> MainScreen:
        from smtp_tui.ui.screens.main import MainScreen

        start_lab = self.start_lab if self._options.demo else None
        return self._with_width_class(MainScreen(self.guided, start_lab, self._bounce))

    def get_driver_class(self) -> type[Driver]:
        """Textual's choice, but on Linux and macOS the driver that survives a hang-up
        (see terminal_driver.py)."""
        driver = super().get_driver_class()
        # Looked up, not imported: Textual loads it only where it is the choice (not Windows).
        linux = sys.modules.get("textual.drivers.linux_driver")
        if linux is not None and driver is linux.LinuxDriver:
            from smtp_tui.ui.terminal_driver import HangupSafeDriver

            return HangupSafeDriver
        return driver

    def _with_width_class(self, screen: AnyScreen) -> AnyScreen:
        # The width class (-narrow, -medium, -wide) before the screen mounts: added on the
        # first resize instead, it would restyle every widget a second time before the first
        # frame.
        width = self.size.width
        for least, name in sorted(self.HORIZONTAL_BREAKPOINTS, reverse=True):
            if width >= least:
                screen.add_class(name)
                break
        return screen

    def _catch_signals(self) -> None:
        """SIGTERM and SIGHUP (a dropped SSH session): QUIT, the journal's last line, the
        terminal restored, then exit 143 or 129."""
        loop = asyncio.get_running_loop()
        for number, name, code in (
            (signal.SIGTERM, "SIGTERM", ExitCode.TERMINATED),
            (signal.SIGHUP, "SIGHUP (the terminal went away)", ExitCode.HANGUP),
        ):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(number, self._on_signal, name, int(code))

    def _on_signal(self, name: str, code: int) -> None:
        if self._guided is not None:  # before the first frame's swap there is no session
            self._guided.interrupt(name)
        self.run_worker(self._end_by_signal(name, code), group="signal", exclusive=True)

    async def _end_by_signal(self, name: str, code: int) -> None:
        await self.finish(name)
        self.exit(code, return_code=code)

    def action_help(self) -> None:
        from smtp_tui.ui.screens.help import HelpScreen  # loaded on F1, not at start-up

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Say QUIT on a live connection (a second at most), stop the lab, then leave."""
        await self.finish()
        self.exit(0)

    async def finish(self, interrupted_by: str | None = None) -> None:
        """End the session: QUIT, the journal's last lines, the lab stopped."""
        for worker in list(self.workers):
            if worker.group != "signal":
                worker.cancel()
        if self._guided is not None:  # quit from the first frame: no session was opened
            with contextlib.suppress(Exception):
                async with asyncio.timeout(3):
                    await self._guided.close(interrupted_by)
        await self.stop_lab()

    async def stop_lab(self) -> None:
        lab, self._lab = self._lab, None
        if lab is not None:
            with contextlib.suppress(Exception):
                await lab.stop()  # type: ignore[attr-defined]

    async def on_unmount(self) -> None:
        await self.stop_lab()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        from smtp_tui.core.steps import Step
        from smtp_tui.ui.screens.main import MainScreen
        from smtp_tui.ui.widgets.step_list import StepList

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
                    "Read a bounce",
                    "Paste a whole NDR, then re-test from it (F3)",
                    screen.action_bounce,
                ),
                (
                    "IPv4 and IPv6 side by side",
                    "The same dialogue over each family (F4)",
                    screen.action_both_families,
                ),
                (
                    "Explain a reply",
                    "Paste a line from a bounce message (F2)",
                    screen.action_explain,
                ),
                ("Next MX host", "Use the next MX for step 2 (F6)", screen.action_next_mx),
                (
                    "STARTTLS",
                    "Encrypt the connection, or skip it when offered (F7)",
                    screen.action_starttls,
                ),
                ("Wrap transcript lines", "On or off (Ctrl+W)", screen.action_toggle_wrap),
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
                number = f"step {step.number}" if step.number else "the optional step"
                yield SystemCommand(
                    f"Go to {number}: {step.title}",
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
    policy: FlowPolicy | None = None,
    bounce: bytes | None = None,
    first_frame: bool = False,
) -> SmtpTuiApp:
    """The one factory the command line, the tests and the screenshot script use."""
    return SmtpTuiApp(
        options,
        theme=theme,
        lab_ports=lab_ports,
        keymap=keymap,
        policy=policy,
        bounce=bounce,
        first_frame=first_frame,
    )

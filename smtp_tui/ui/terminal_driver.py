"""Textual's terminal driver for Linux and macOS, made safe for a terminal that goes away.

When the terminal goes away (a dropped SSH session, a closed window), the kernel sends the
session leader SIGHUP and SIGCONT together (smtp-tui is the leader when started directly, as
in `ssh -t host smtp-tui` or a tmux pane's command; from an interactive shell, bash passes on
the SIGHUP alone), and every later write to the terminal fails (EIO).
Textual's driver has two ways to stay alive for good after that:

- it reads every SIGCONT as the return from a Ctrl+Z and starts application mode again,
  though nothing had stopped it: a second writer thread, which dies on its first write;
- its writer thread dies on the first failed write; whatever writes to the screen after
  that (the shutdown's last escape codes) fills the thread's queue of 30 and then blocks
  for good. A link that stalled before it dropped (the terminal no longer read, the writer
  blocked in a write) reaches that state on the hang-up itself.

Here a SIGCONT resumes only what a suspend stopped (Ctrl+Z, ``App.suspend()``), and the
writer thread drops what it cannot write instead of dying, so it keeps emptying its queue.
(Textual is pinned; ``tests/test_screen_hangup.py`` would show a change in what is
overridden here.)
"""

from __future__ import annotations

import contextlib
from typing import IO

from textual.drivers.linux_driver import LinuxDriver


class _TerminalOutput:
    """The terminal as the writer thread sees it: a write or flush that fails (EIO once the
    terminal hung up) is dropped, so the thread lives on and keeps taking its queue."""

    def __init__(self, file: IO[str]) -> None:
        self._file = file

    def write(self, text: str) -> None:
        with contextlib.suppress(OSError):
            self._file.write(text)

    def flush(self) -> None:
        with contextlib.suppress(OSError):
            self._file.flush()

    def fileno(self) -> int:
        return self._file.fileno()


class HangupSafeDriver(LinuxDriver):
    """A SIGCONT that does not follow a suspend changes nothing; a gone terminal blocks nothing."""

    _suspended = False  # application mode stopped by a suspend, to be resumed by SIGCONT

    def start_application_mode(self) -> None:
        if not isinstance(self._file, _TerminalOutput) and self._file is not None:
            self._file = _TerminalOutput(self._file)  # type: ignore[assignment]
        super().start_application_mode()

    def suspend_application_mode(self) -> None:
        self._suspended = True
        super().suspend_application_mode()

    def resume_application_mode(self) -> None:
        self._suspended = False
        super().resume_application_mode()

    def _sigcont_application(self, *args: object) -> None:
        if self._suspended:
            super()._sigcont_application(*args)
        # Else a hang-up's SIGCONT, or `kill -CONT` of a running screen: nothing to resume.

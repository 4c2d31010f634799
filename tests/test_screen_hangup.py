"""The screen on a real terminal that goes away: a dropped SSH session must end the process.

The app runs in a pseudo-terminal of its own (its session's controlling terminal, as under
sshd) and then the terminal is closed: the kernel sends SIGHUP and SIGCONT, and writes to it
fail. The process must journal the interruption and exit 129, not stay behind blocked on a
write to the vanished terminal: Textual's driver restarted itself on that SIGCONT, and its
writer thread died on the first failed write, leaving a queue that fills and blocks (see
smtp_tui/ui/terminal_driver.py)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from smtp_tui.exit_codes import ExitCode

_WAIT_LIMIT = 60.0  # seconds: a bound on waiting for the process, never a pause

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


class ScreenOnPty:
    """``smtp-tui --demo DOMAIN`` on a pty of 80x24; its output drained by a thread."""

    def __init__(self, domain: str, env: dict[str, str]) -> None:
        pid, master = pty.fork()
        if pid == 0:  # the child: the pty is its controlling terminal
            os.execvpe(sys.executable, [sys.executable, "-m", "smtp_tui", "--demo", domain], env)
        self.pid, self.master = pid, master
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.reading = True
        self.output = bytearray()
        self.arrived = threading.Condition()
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self) -> None:
        # select() with a short timeout, so the thread notices `reading` going False and the
        # pty can really be closed (a read blocked on it would keep it open).
        while self.reading:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    return
                if not data:
                    return
                with self.arrived:
                    self.output += data
                    self.arrived.notify_all()

    def wait_for_output(self, marker: bytes) -> None:
        """Until the terminal has been sent ``marker`` (a text drawn in one piece)."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: marker in self.output, timeout=_WAIT_LIMIT):
                pytest.fail(f"the screen never showed {marker!r} within {_WAIT_LIMIT} s")

    def press_enter(self) -> None:
        os.write(self.master, b"\r")

    def stop_reading(self) -> None:
        """The link stalls: nothing reads what the app writes any more."""
        self.reading = False
        self.reader.join()

    def hang_up(self) -> None:
        self.stop_reading()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1

    def resize(self, rows: int, columns: int) -> None:
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))

    def drawing_blocked(self) -> bool:
        """The app can draw no more: a thread waits in a write to the terminal, and the main
        thread waits to hand it more (the writer's queue is full). Linux's /proc says where
        each thread sleeps: "wait_woken" is the tty's wait for room, a futex a lock's."""
        waits = {}
        for wchan in Path(f"/proc/{self.pid}/task").glob("*/wchan"):
            with contextlib.suppress(OSError):
                waits[int(wchan.parent.name)] = wchan.read_text()
        main_waits_for_a_lock = waits.get(self.pid, "").startswith("futex")
        return main_waits_for_a_lock and "wait_woken" in waits.values()

    def exit_code(self) -> int | None:
        """The exit code once the process ends within the limit, else None."""
        deadline = time.monotonic() + _WAIT_LIMIT
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.05)  # polling the child's state, not waiting for something to happen
        return None

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            self.hang_up()  # the reader stopped and the pty closed, whatever failed


def wait_for_journal(state: Path, text: str) -> str:
    """The journal's text once it holds ``text``."""
    deadline = time.monotonic() + _WAIT_LIMIT
    while time.monotonic() < deadline:
        for journal in state.glob("smtp-tui/transcripts/*.log"):
            content = journal.read_text(encoding="utf-8", errors="replace")
            if text in content:
                return content
        time.sleep(0.05)  # polling a file for a line, not waiting for time to pass
    pytest.fail(f"no journal line {text!r} within {_WAIT_LIMIT} s")


def screen_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TERM": "xterm-256color",
    }


def test_a_dropped_terminal_ends_the_screen_after_the_verdict(tmp_path: Path) -> None:
    state = tmp_path / "state"
    screen = ScreenOnPty("blocked.test", screen_env(tmp_path))
    try:
        # The transcript's first line: the guided screen is up and its session open (the
        # lab started). An Enter before that finds nothing to send, as a user's would.
        screen.wait_for_output(b"Practice lab: DNS")
        # Each step's Enter once the journal shows the step before it answered (the journal
        # opens with the MX answer).
        for answered in ("=== MX ", "<-  220 ", "<-  250 HELP", "<-  250 2.1.0", "<-  554 "):
            screen.press_enter()
            wait_for_journal(state, answered)
        wait_for_journal(state, "Checked the server's claim")
        screen.hang_up()
        code = screen.exit_code()
    finally:
        screen.kill()
    assert code == ExitCode.HANGUP, "the process stayed after its terminal went away"
    journal = wait_for_journal(state, "interrupted by SIGHUP")
    assert " -> QUIT" in journal.split("interrupted by SIGHUP", 1)[1]


def test_a_link_that_stalled_before_it_dropped_ends_the_screen(tmp_path: Path) -> None:
    # Nothing reads the terminal any more, the app keeps drawing (each resize redraws it
    # whole) until it can draw no more; then the terminal goes away.
    state = tmp_path / "state"
    screen = ScreenOnPty("blocked.test", screen_env(tmp_path))
    try:
        screen.wait_for_output(b"Practice lab: DNS")
        screen.press_enter()
        wait_for_journal(state, "=== MX ")
        screen.stop_reading()
        for turn in range(2000):
            if screen.drawing_blocked():
                break
            screen.resize(*((30, 100) if turn % 2 else (24, 80)))
            time.sleep(0.02)  # a poll of /proc between redraws, not a wait for an outcome
        else:
            pytest.skip("no thread was seen waiting to write (is /proc's wchan hidden here?)")
        screen.hang_up()
        code = screen.exit_code()
    finally:
        screen.kill()
    assert code == ExitCode.HANGUP, "the process stayed after its stalled terminal went away"

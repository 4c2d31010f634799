"""Faults from outside: SIGTERM and SIGHUP to a real process, and a journal on a full disk.

A signal ends the run with QUIT and a last journal line that says what interrupted it; a disk
that fills up is said once and the session goes on (issue 10)."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from smtp_tui.core import journal as journal_module
from smtp_tui.core.options import build_options, with_lab
from smtp_tui.exit_codes import ExitCode
from smtp_tui.plain.check import run_check

_WAIT_LIMIT = 60.0  # seconds: a bound on waiting for the process, never a pause


class RunningCheck:
    """`smtp-tui check` as a real process; its stdout read as it comes (by a thread), so the
    test waits on the process's own output instead of sleeping."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "smtp_tui", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stdout: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def next_line(self, deadline: float) -> str | None:
        """The next stdout line, None at its end; fails the test past ``deadline``."""
        try:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            pytest.fail(f"smtp-tui said nothing more within {_WAIT_LIMIT} s: {self.stdout}")
        if line is not None:
            self.stdout.append(line)
        return line

    def wait_for_journal_line(self, state: Path, text: str) -> Path:
        """Wait until stdout shows ``text``, then until a journal under ``state`` holds it
        (written in the same moment; each further wait is for the process's next output)."""
        deadline = time.monotonic() + _WAIT_LIMIT
        while not any(text in line for line in self.stdout):
            if self.next_line(deadline) is None:
                pytest.fail(f"smtp-tui ended early: {self.stdout}")
        while time.monotonic() < deadline:
            for journal in state.glob("smtp-tui/transcripts/*.log"):
                if text in journal.read_text(encoding="utf-8", errors="replace"):
                    return journal
            with contextlib.suppress(queue.Empty):
                line = self.lines.get(timeout=0.05)  # wakes early when the process says more
                if line is not None:
                    self.stdout.append(line)
        pytest.fail(f"no journal line {text!r} within {_WAIT_LIMIT} s")

    def finish(self) -> tuple[int, str, str]:
        """Wait for the end: (exit code, all stdout, stderr)."""
        deadline = time.monotonic() + _WAIT_LIMIT
        while self.next_line(deadline) is not None:
            pass
        assert self.process.stderr is not None
        stderr = self.process.stderr.read()
        return self.process.wait(timeout=_WAIT_LIMIT), "".join(self.stdout), stderr

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def interrupt_a_waiting_run(tmp_path: Path, signal_number: int) -> tuple[int, str, str, str]:
    """Start a demo check against the tarpit (it connects and is never greeted), signal it
    once the journal shows the connection; returns (exit code, stdout, stderr, journal)."""
    state = tmp_path / "state"
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(state),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "PYTHONIOENCODING": "utf-8",
    }
    run = RunningCheck(["check", "--demo", "alice@tarpit.test"], env)
    try:
        journal = run.wait_for_journal_line(state, "Connected to 127.0.25.6")
        run.process.send_signal(signal_number)
        returncode, stdout, stderr = run.finish()
    finally:
        run.kill()
    return returncode, stdout, stderr, journal.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("signal_number", "code", "named"),
    [
        (signal.SIGTERM, ExitCode.TERMINATED, "SIGTERM"),
        (signal.SIGHUP, ExitCode.HANGUP, "SIGHUP"),
    ],
)
def test_a_signal_ends_the_run_with_a_last_journal_line(tmp_path, signal_number, code, named):
    returncode, stdout, stderr, journal = interrupt_a_waiting_run(tmp_path, signal_number)
    assert returncode == code, stdout + stderr
    assert "Traceback" not in stderr
    assert f"The session was interrupted by {named}" in stdout
    lines = journal.splitlines()
    interrupted = [n for n, line in enumerate(lines) if "The session was interrupted by" in line]
    assert interrupted and named in lines[interrupted[0]]
    # What follows is the journal's closing: where it is, the context and the verdict.
    closing = lines[interrupted[0] + 1 :]
    assert closing and "Transcript saved to" in closing[0]
    assert all(line.startswith("# ") for line in closing[1:])


def test_a_signal_is_not_journaled_as_the_user_cancelling(tmp_path):
    _, _, _, journal = interrupt_a_waiting_run(tmp_path, signal.SIGTERM)
    assert "cancelled by the user" not in journal


async def test_a_full_disk_is_said_once_and_the_session_finishes(lab, monkeypatch):
    def disk_full(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(journal_module, "_write_all", disk_full)
    out = io.StringIO()
    options = with_lab(build_options(target="alice@example.test", timeout=2.0), lab)
    code = await run_check(options, out=out)
    output = out.getvalue()
    assert code == ExitCode.OK
    assert "Traceback" not in output
    said = [line for line in output.splitlines() if "journal cannot be written" in line]
    assert len(said) == 1
    assert os.strerror(errno.ENOSPC) in said[0] and "transcripts" in said[0]
    assert " -> QUIT" in output and "Verdict (" in output

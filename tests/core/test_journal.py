"""The journal survives a killed process: everything up to that moment is on disk."""

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from smtp_tui.core import journal as journal_module
from smtp_tui.core.journal import Journal, journal_path, open_journal
from smtp_tui.core.transcript import Transcript

KILLED_SESSION = textwrap.dedent(
    """
    import asyncio, sys
    from smtp_tui.lab import Lab
    from smtp_tui.core.dns import make_resolver, parse_dns_server
    from smtp_tui.core.journal import open_journal
    from smtp_tui.core.session import TestSession
    from smtp_tui.core.transcript import Transcript

    async def main():
        async with Lab() as lab:
            transcript = Transcript()
            journal = open_journal(transcript, "example.test")
            session = TestSession(transcript, make_resolver(parse_dns_server(lab.dns)))
            await session.lookup("alice@example.test")
            await session.connect("127.0.25.1", lab.smtp_port)
            await session.command("EHLO client.lab.test")
            await session.command("MAIL FROM:<tester@lab.test>")
            print(journal.path, flush=True)
            await asyncio.Event().wait()   # mid-session: wait to be killed

    asyncio.run(main())
    """
)


def test_journal_survives_kill_9(private_dirs: Path):
    env = {**os.environ, "XDG_STATE_HOME": str(private_dirs / "state")}
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_SESSION], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        path = Path(process.stdout.readline().strip())
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    text = path.read_text()
    assert path.is_relative_to(private_dirs / "state" / "smtp-tui" / "transcripts")
    assert " -> EHLO client.lab.test" in text
    assert "<-  250 2.1.0 Sender OK" in text


def test_journal_path_is_under_xdg_state_and_names_the_domain(private_dirs: Path):
    path = journal_path("bücher/../x.test")
    assert path.parent == private_dirs / "state" / "smtp-tui" / "transcripts"
    assert path.name.endswith("-b_cher_.._x.test.log")


def test_each_line_is_on_disk_before_the_next_is_written(private_dirs: Path):
    transcript = Transcript()
    journal = Journal(private_dirs / "j.log")
    journal.attach(transcript)
    transcript.info("first")
    assert "=== first" in (private_dirs / "j.log").read_text()
    journal.close()


def _full_disk(fd: int, data: bytes) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_is_told_once_and_the_session_goes_on(monkeypatch):
    transcript = Transcript()
    shown: list[str] = []
    transcript.subscribe(lambda event: shown.append(event.plain_line()))
    journal = open_journal(transcript, "example.com")
    assert journal is not None
    transcript.info("before the disk filled")

    monkeypatch.setattr(journal_module, "_write_all", _full_disk)
    transcript.info("one")  # must not raise
    transcript.info("two")
    journal.write_line("# a verdict line")
    journal.close()

    failure = journal.failure
    assert failure is not None and failure.errno == errno.ENOSPC
    assert failure.path == journal.path and failure.doing == "writing to"
    warnings = [line for line in shown if "journal cannot be written" in line]
    assert len(warnings) == 1
    assert "No space left on device" in warnings[0] and str(journal.path) in warnings[0]
    assert not journal.writing
    assert "before the disk filled" in journal.path.read_text()


def test_the_failure_is_handed_out_once_and_to_the_callback(private_dirs: Path, monkeypatch):
    journal = Journal(private_dirs / "j.log")
    told = []
    journal.on_failure = told.append
    assert journal.take_failure() is None
    monkeypatch.setattr(journal_module, "_write_all", _full_disk)
    journal.write_line("x")
    journal.write_line("y")
    assert len(told) == 1 and told[0].errno == errno.ENOSPC
    assert journal.take_failure() is told[0]
    assert journal.take_failure() is None


FILE_SIZE_LIMIT = textwrap.dedent(
    """
    import resource, signal, sys
    from smtp_tui.core.journal import open_journal
    from smtp_tui.core.transcript import Transcript

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big write then fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (600, 600))
    transcript = Transcript()
    transcript.subscribe(lambda event: print(event.plain_line(), flush=True))
    journal = open_journal(transcript, "example.com")
    for number in range(100):
        transcript.info(f"line {number} " + "x" * 40)
    journal.close()
    print("finished", journal.failure.errno, flush=True)
    """
)


def test_a_file_that_cannot_grow_stops_the_journal_not_the_run(private_dirs: Path):
    env = {**os.environ, "XDG_STATE_HOME": str(private_dirs / "state")}
    result = subprocess.run(
        [sys.executable, "-c", FILE_SIZE_LIMIT],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.count("journal cannot be written") == 1
    assert "line 99" in result.stdout
    assert f"finished {errno.EFBIG}" in result.stdout


def test_without_a_home_the_journal_goes_to_the_spare_folder_not_to_a_folder_named_tilde(
    monkeypatch,
):
    from smtp_tui.core import journal

    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setattr(journal.os.path, "expanduser", lambda path: path)  # no HOME, no passwd
    assert journal.state_dir() == journal.spare_folder()

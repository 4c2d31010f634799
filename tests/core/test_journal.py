"""The journal survives a killed process: everything up to that moment is on disk."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from smtp_tui.core.journal import Journal, journal_path
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

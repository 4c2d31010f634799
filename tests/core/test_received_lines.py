"""Every line a server sends reaches the journal as it arrives; the session keeps only a
bounded part of a flood in memory and on screen (issues 10 and 15)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from smtp_tui.core.connection import SmtpConnection, Timeouts
from smtp_tui.core.journal import Journal, open_journal
from smtp_tui.core.received_lines import ReceivedLineRecorder
from smtp_tui.core.replies import MAX_REPLY_LINES, ArrivedLines, Reply, ReplyParser
from smtp_tui.core.transcript import ArchivedLines, EventKind, Transcript


def flood(lines: int, *, end: bool = True) -> bytes:
    body = b"".join(b"220-flood line %d " % n + b"x" * 80 + b"\r\n" for n in range(lines))
    return body + (b"220 end of the flood\r\n" if end else b"")


def texts(arrived: list[ArrivedLines], *, kept: bool | None = None) -> list[str]:
    return [text for batch in arrived if kept in (None, batch.kept) for text in batch.texts]


# --- the parser hands out every line --------------------------------------------------------


def test_every_line_is_handed_out_as_written_kept_or_not():
    parser = ReplyParser(max_reply_lines=3, record_lines=True)
    [reply] = parser.feed(b"250-a\r\n250-b\r\n250-c\r\n250-d\r\n250 e\r\n")
    arrived = parser.take_lines()
    assert texts(arrived) == ["250-a", "250-b", "250-c", "250-d", "250 e"]
    assert texts(arrived, kept=True) == ["250-a", "250-b", "250-c"]
    assert reply.lines == ("a", "b", "c") and reply.lines_cut == 2
    assert parser.take_lines() == []  # taken once


def test_kept_lines_read_as_the_reply_shows_them():
    parser = ReplyParser(record_lines=True)
    [reply] = parser.feed(b"250-mx.example \x1b[31m\r\n250-\r\n250\r\n")
    assert texts(parser.take_lines()) == reply.display_lines()


def test_a_100000_line_flood_is_handed_out_whole_in_chunks():
    data = flood(100_000)
    parser = ReplyParser(record_lines=True)
    replies, arrived = [], []
    for offset in range(0, len(data), 65536):
        replies += parser.feed(data[offset : offset + 65536])
        arrived += parser.take_lines()
    [reply] = replies
    lines = texts(arrived)
    assert len(lines) == 100_001
    assert lines[0].startswith("220-flood line 0 ") and lines[99_999].startswith(
        "220-flood line 99999"
    )
    assert lines[-1] == "220 end of the flood"
    assert len(texts(arrived, kept=True)) == MAX_REPLY_LINES == len(reply.lines)


def test_flood_lines_beyond_the_cap_are_still_sanitized():
    parser = ReplyParser(max_reply_lines=2, max_line_bytes=64, record_lines=True)
    data = (
        b"250-ok\r\n" * 40 + b"250-\x1b]52;c;AAAA\x07 \xff\r\n" + b"250-ok\n" * 3 + b"250 end\r\n"
    )
    parser.feed(data)
    lines = texts(parser.take_lines())
    assert "250-\\x1b]52;c;AAAA\\x07 \\xff" in lines
    assert all("\x1b" not in line and "\x07" not in line for line in lines)
    assert len(lines) == 45


def test_a_bad_line_and_an_unfinished_reply_are_handed_out_once():
    parser = ReplyParser(record_lines=True)
    events = parser.feed(b"250-a\r\nnot a reply\r\n250-b\r\n250-c")
    events += parser.feed_eof()
    assert [type(event).__name__ for event in events] == ["ProtocolError", "ProtocolError"]
    arrived = parser.take_lines()
    assert texts(arrived) == ["250-a", "not a reply", "250-b", "250-c"]
    assert [batch.reply for batch in arrived] == [0, 0, 1, 1]  # which event each belongs to


def test_an_endless_flood_is_handed_out_up_to_the_journal_cap():
    # Taken whole up to a cap (250,000 lines by default), so an endless flood cannot
    # fill the disk until the timeout; the reply still counts every line.
    parser = ReplyParser(
        max_line_bytes=128, max_reply_lines=10, max_journaled_lines=500, record_lines=True
    )
    data = b"".join(b"250-line %05d\r\n" % n for n in range(2000)) + b"250 end\r\n"
    [reply] = parser.feed(data)
    lines = texts(parser.take_lines())
    assert len(lines) == 500 and lines[-1] == "250-line 00499"
    assert reply.lines_cut == 2001 - 10


def test_a_parser_that_does_not_record_keeps_nothing():
    parser = ReplyParser()
    parser.feed(flood(5000))
    assert parser.take_lines() == []


# --- the recorder: lines in step with the replies ---------------------------------------------


def test_lines_of_a_later_reply_wait_until_it_is_awaited():
    transcript = Transcript()
    parser = ReplyParser(record_lines=True)
    recorder = ReceivedLineRecorder(transcript)
    parser.feed(b"220 ready for TLS\r\n250 injected\r\n")
    recorder.arrived(parser.take_lines(), tls=False)
    assert [event.text for event in transcript.events] == ["220 ready for TLS"]
    recorder.reply_taken()
    # STARTTLS throws the rest away unread: the injected reply is never shown as received.
    assert recorder.discard() == 1
    recorder.flush(tls=True)
    assert [event.text for event in transcript.events] == ["220 ready for TLS"]


def test_lines_beyond_the_cap_are_archived_not_kept():
    transcript = Transcript()
    archived: list[ArchivedLines] = []
    transcript.subscribe_archive(archived.append)
    parser = ReplyParser(record_lines=True)
    recorder = ReceivedLineRecorder(transcript)
    data = flood(20_000)
    for offset in range(0, len(data), 65536):
        parser.feed(data[offset : offset + 65536])
        recorder.arrived(parser.take_lines(), tls=False)
    assert len(transcript.events) == MAX_REPLY_LINES
    assert transcript.archived == 20_001 - MAX_REPLY_LINES
    assert sum(len(batch.texts) for batch in archived) == transcript.archived
    assert archived[-1].texts[-1] == "220 end of the flood"


@pytest.mark.parametrize(
    ("lines_cut", "journal"),
    [
        (99_001, "the journal file holds every line."),
        (2_000_000, "the journal file holds the first 250,000 of its 2,001,000 lines."),
    ],
)
def test_a_cut_reply_says_where_its_lines_are(lines_cut: int, journal: str):
    transcript = Transcript()
    reply = Reply(code=220, lines=("x",) * MAX_REPLY_LINES, raw=b"", lines_cut=lines_cut)
    ReceivedLineRecorder(transcript).reply_notes(reply)
    [warning] = [event.text for event in transcript.events]
    assert warning.startswith(f"The reply was cut: {lines_cut} more lines dropped.")
    assert warning.endswith(journal)


def test_archived_text_is_sanitized_again():
    transcript = Transcript()
    archived: list[ArchivedLines] = []
    transcript.subscribe_archive(archived.append)
    transcript.archive(EventKind.RECEIVED, ("250-fine", "250-\x1b[2J"))
    assert archived[0].texts == ("250-fine", "250-\\x1b[2J")
    assert transcript.events == []


# --- the journal, end to end ----------------------------------------------------------------


def journal_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_archived_lines_have_the_journal_format(tmp_path: Path):
    transcript = Transcript()
    journal = Journal(tmp_path / "j.log")
    journal.attach(transcript)
    transcript.add(EventKind.RECEIVED, "220-kept")
    transcript.archive(EventKind.RECEIVED, ("220-one", "220-two"), tls=True)
    journal.close()
    kept, one, two = journal_lines(tmp_path / "j.log")[1:]
    assert kept.endswith(" <-  220-kept") and one.endswith(" <~  220-one")
    assert two.split(" ", 1)[1] == "<~  220-two"
    assert one.split(" ", 1)[0] == two.split(" ", 1)[0]  # the batch's arrival time


async def serve(data: bytes, *, then: Callable[[], bytes] | None = None) -> asyncio.Server:
    """A loopback server that sends ``data`` to each client, then waits for it to hang up."""

    async def greet(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(data)
        await writer.drain()
        while await reader.read(4096):
            if then is not None:
                writer.write(then())
        writer.close()

    return await asyncio.start_server(greet, "127.0.0.1", 0)


@pytest.fixture
async def flood_server() -> AsyncIterator[int]:
    server = await serve(flood(100_000), then=lambda: b"221 2.0.0 Bye\r\n")
    async with server:
        yield server.sockets[0].getsockname()[1]


async def test_a_100000_line_greeting_is_journaled_whole_and_kept_bounded(
    flood_server: int, private_dirs: Path
):
    transcript = Transcript()
    journal = open_journal(transcript, "flood.test")
    assert journal is not None
    connection = SmtpConnection(transcript, timeouts=Timeouts.all(60.0))
    greeting = await connection.connect("127.0.0.1", flood_server)
    await connection.close()
    journal.close()
    assert greeting.code == 220 and greeting.lines_cut == 100_001 - MAX_REPLY_LINES
    lines = journal_lines(journal.path)
    flood_lines = [line for line in lines if "<-  220-flood line " in line]
    assert len(flood_lines) == 100_000
    assert flood_lines[-1].endswith("220-flood line 99999 " + "x" * 80)
    assert any(line.endswith("<-  220 end of the flood") for line in lines)
    assert "The reply was cut: 99001 more lines dropped." in "\n".join(lines)
    # In memory (and on a screen): the first lines only, and where the rest are.
    assert len(transcript.events) < MAX_REPLY_LINES + 10
    assert transcript.archived == 100_001 - MAX_REPLY_LINES
    assert any("the journal file holds every line" in event.text for event in transcript.events)


async def test_an_endless_reply_is_journaled_as_it_arrives(private_dirs: Path):
    server = await serve(flood(30_000, end=False))
    async with server:
        transcript = Transcript()
        journal = open_journal(transcript, "flood.test")
        assert journal is not None
        connection = SmtpConnection(transcript, timeouts=Timeouts.all(1.0))
        with pytest.raises(Exception, match="part of a reply had arrived"):
            await connection.connect("127.0.0.1", server.sockets[0].getsockname()[1])
        journal.close()
    flood_lines = [line for line in journal_lines(journal.path) if "220-flood line " in line]
    assert len(flood_lines) == 30_000
    assert len(transcript.events) < MAX_REPLY_LINES + 10


KILLED_MID_FLOOD = textwrap.dedent(
    """
    import asyncio, sys
    from smtp_tui.core.connection import SmtpConnection, Timeouts
    from smtp_tui.core.journal import open_journal
    from smtp_tui.core.transcript import Transcript

    async def main():
        transcript = Transcript()
        journal = open_journal(transcript, "flood.test")
        print(journal.path, flush=True)
        connection = SmtpConnection(transcript, timeouts=Timeouts.all(600))
        await connection.connect("127.0.0.1", int(sys.argv[1]))  # a greeting that never ends

    asyncio.run(main())
    """
)


async def test_a_killed_process_leaves_the_lines_that_had_arrived(private_dirs: Path):
    server = await serve(flood(50_000, end=False))
    async with server:
        port = server.sockets[0].getsockname()[1]
        env = {**os.environ, "XDG_STATE_HOME": str(private_dirs / "state")}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", KILLED_MID_FLOOD, str(port), env=env, stdout=subprocess.PIPE
        )
        try:
            assert process.stdout is not None
            path = Path((await process.stdout.readline()).decode().strip())
            # Wait (on the file, with a generous limit) until every line sent is on disk.
            limit = time.monotonic() + 60
            while time.monotonic() < limit:
                if path.read_bytes().count(b"220-flood line ") >= 50_000:
                    break
                await asyncio.sleep(0.05)
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()
    lines = [line for line in journal_lines(path) if "<-  220-flood line " in line]
    assert len(lines) == 50_000
    assert lines[-1].endswith("220-flood line 49999 " + "x" * 80)

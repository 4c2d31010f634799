"""Each step against the lab's SMTP servers."""

import asyncio

import pytest

from smtp_tui.core.blocking_connection import BlockingConnection
from smtp_tui.core.commands import CommandRefused
from smtp_tui.core.connection import (
    ConnectionLost,
    ConnectionRefusedByHost,
    ReplyTimedOut,
    ServerProtocolError,
    SmtpConnection,
    Timeouts,
)
from smtp_tui.core.loopless import run_loopless
from smtp_tui.core.replies import MAX_REPLY_LINES
from smtp_tui.core.session import Step, StepStatus
from smtp_tui.core.transcript import EventKind


async def ready(session, lab, host="127.0.25.1"):
    await session.lookup("alice@example.test")
    await session.connect(host, lab.smtp_port)
    await session.command("EHLO client.lab.test")


async def test_happy_path_passes_all_five_steps(session, lab):
    assert (await session.lookup("alice@example.test")).status is StepStatus.PASSED
    assert (await session.connect("127.0.25.1", lab.smtp_port)).status is StepStatus.PASSED
    for command in (
        "EHLO client.lab.test",
        "MAIL FROM:<tester@lab.test>",
        "RCPT TO:<alice@example.test>",
    ):
        result = await session.command(command)
        assert result.status is StepStatus.PASSED, command
    assert session.book.all_passed
    assert "ENHANCEDSTATUSCODES" in session.keywords


async def test_every_line_sent_and_received_is_in_the_transcript(session, lab, transcript):
    await ready(session, lab)
    kinds = [(e.kind, e.text) for e in transcript.events]
    assert (EventKind.RECEIVED, "220 mx1.example.test ESMTP Lab") in kinds
    assert (EventKind.SENT, "EHLO client.lab.test") in kinds
    assert (EventKind.RECEIVED, "250 HELP") in kinds
    assert all(e.wall and e.monotonic for e in transcript.events)


async def test_unknown_user_is_rejected_at_rcpt(session, lab):
    await ready(session, lab)
    await session.command("MAIL FROM:<tester@lab.test>")
    result = await session.command("RCPT TO:<nobody@example.test>")
    assert result.status is StepStatus.FAILED
    assert result.reply.code == 550 and result.reply.enhanced == "5.1.1"


async def test_relaying_to_another_domain_is_denied(session, lab):
    await ready(session, lab)
    await session.command("MAIL FROM:<tester@lab.test>")
    result = await session.command("RCPT TO:<someone@elsewhere.test>")
    assert result.reply.code == 554 and "Relay access denied" in result.reply.text


async def test_address_without_brackets_is_sent_as_typed_and_answered(session, lab):
    await ready(session, lab)
    result = await session.command("MAIL FROM:tester@lab.test")
    assert result.reply.code == 501


async def test_smuggled_crlf_is_refused_before_anything_is_sent(session, lab, transcript):
    await ready(session, lab)
    sent_before = sum(e.kind is EventKind.SENT for e in transcript.events)
    with pytest.raises(CommandRefused):
        await session.command("MAIL FROM:<a@lab.test>\r\nRCPT TO:<x@elsewhere.test>")
    assert sum(e.kind is EventKind.SENT for e in transcript.events) == sent_before
    assert session.book.shown_status(Step.MAIL) is StepStatus.CURRENT


async def test_refused_connection_is_its_own_error(session, lab):
    result = await session.connect("127.0.25.3", lab.smtp_port)
    assert result.status is StepStatus.FAILED
    assert isinstance(result.error, ConnectionRefusedByHost)
    assert "refused" in result.summary


async def test_silent_server_times_out_and_is_closed(transcript, lab):
    connection = SmtpConnection(transcript, timeouts=Timeouts.all(0.3))
    with pytest.raises(ReplyTimedOut):
        await connection.connect("127.0.25.6", lab.smtp_port)
    assert not connection.is_open
    assert "out of step" in transcript.events[-1].text


async def test_waiting_on_a_silent_server_can_be_cancelled(session, lab):
    task = asyncio.create_task(session.connect("127.0.25.6", lab.smtp_port))
    while session.book.shown_status(Step.CONNECT) is not StepStatus.RUNNING:
        await asyncio.sleep(0)
    while not session.connection.is_open:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not session.connection.is_open
    assert session.book.shown_status(Step.CONNECT) is StepStatus.CURRENT


async def test_garbage_greeting_is_a_protocol_error_shown_safely(transcript, lab):
    connection = SmtpConnection(transcript, timeouts=Timeouts.all(2))
    with pytest.raises(ServerProtocolError):
        await connection.connect("127.0.25.7", lab.smtp_port)
    received = [e.text for e in transcript.events if e.kind is EventKind.RECEIVED]
    assert received and "\\x1b]52" in received[0]
    assert all("\x1b" not in e.text for e in transcript.events)


async def test_server_hanging_up_is_reported(transcript):
    async def hang_up(reader, writer):
        writer.write(b"220 hello\r\n")
        await reader.readline()
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        connection = SmtpConnection(transcript, timeouts=Timeouts.all(2))
        await connection.connect("127.0.0.1", port)
        with pytest.raises(ConnectionLost):
            await connection.send("EHLO client.lab.test")
    finally:
        server.close()


async def test_closing_a_live_session_says_quit(session, lab, transcript):
    await ready(session, lab)
    await session.close()
    sent = [e.text for e in transcript.events if e.kind is EventKind.SENT]
    assert sent[-1] == "QUIT"
    assert any(e.text.startswith("221") for e in transcript.events)


async def test_greylisting_defers_the_first_try_and_accepts_the_retry(session, lab):
    await session.connect("127.0.25.4", lab.smtp_port)
    await session.command("EHLO client.lab.test")
    await session.command("MAIL FROM:<tester@lab.test>")
    first = await session.command("RCPT TO:<alice@greylist.test>")
    assert first.reply.code == 450
    second = await session.command("RCPT TO:<alice@greylist.test>")
    assert second.reply.code == 250


async def test_failover_domain_lists_a_dead_primary_first(session, lab):
    await session.lookup("alice@failover.test")
    hosts = session.usable_hosts()
    assert hosts[0].host == "down.failover.test"
    assert (await session.connect(hosts[0].addresses[0], lab.smtp_port)).status is StepStatus.FAILED
    assert (await session.connect(hosts[1].addresses[0], lab.smtp_port)).status is StepStatus.PASSED


@pytest.mark.parametrize("blocking", [False, True], ids=["asyncio", "blocking"])
async def test_a_flooding_server_is_cut_off_with_memory_bounded(transcript, lab, blocking):
    if blocking:  # the loopless check's connection, in a thread: the lab serves on this loop
        connection = BlockingConnection(transcript, timeouts=Timeouts.all(0.5))
        connecting = asyncio.to_thread(
            run_loopless, connection.connect("127.0.25.13", lab.smtp_port)
        )
    else:
        connection = SmtpConnection(transcript, timeouts=Timeouts.all(0.5))
        connecting = connection.connect("127.0.25.13", lab.smtp_port)
    with pytest.raises(ReplyTimedOut):
        await connecting
    assert not connection.is_open
    # The lines are recorded as they arrive; beyond a reply's kept lines they go to the
    # journal only, so the transcript in memory stays bounded.
    assert len(transcript.events) < MAX_REPLY_LINES + 5
    assert "part of a reply had arrived" in transcript.events[-1].text


async def test_a_reset_connection_is_its_own_error(transcript):
    import socket
    import struct

    async def reset(reader, writer):
        writer.write(b"220 hello\r\n")
        await writer.drain()
        await reader.readline()
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()  # with linger 0: a TCP RST, not a FIN

    server = await asyncio.start_server(reset, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        connection = SmtpConnection(transcript, timeouts=Timeouts.all(2))
        await connection.connect("127.0.0.1", port)
        with pytest.raises(ConnectionLost) as caught:
            await connection.send("EHLO client.lab.test")
        assert "reset" in str(caught.value)
    finally:
        server.close()


async def test_a_source_address_this_machine_does_not_have_is_unreachable(transcript, lab):
    from smtp_tui.core.connection import HostUnreachable

    connection = SmtpConnection(transcript, timeouts=Timeouts.all(2))
    with pytest.raises(HostUnreachable) as caught:
        # 192.0.2.1 (TEST-NET) is on no interface here: binding fails before any packet.
        await connection.connect("127.0.25.1", lab.smtp_port, source="192.0.2.1")
    assert "source address" in str(caught.value)


async def test_address_family_is_respected(transcript, lab):
    from smtp_tui.core.connection import AddressFamily, ConnectFailed

    connection = SmtpConnection(transcript, timeouts=Timeouts.all(2))
    with pytest.raises(ConnectFailed) as caught:
        await connection.connect("127.0.25.1", lab.smtp_port, family=AddressFamily.IPV6)
    assert "--ipv6" in str(caught.value)
    banner = await connection.connect("127.0.25.1", lab.smtp_port, family=AddressFamily.IPV4)
    assert banner.code == 220
    await connection.close()

"""A step that fails without a reply does not keep showing the previous step's reply."""

from __future__ import annotations

import asyncio

from textual.widgets import Static

from smtp_tui.core.flow import FlowPolicy
from smtp_tui.core.options import build_options
from smtp_tui.core.steps import Step, StepStatus
from smtp_tui.ui.app import make_app
from tests.ui.conftest import settle


async def silent_at_rcpt(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Greets, accepts EHLO and MAIL, then never answers RCPT."""
    writer.write(b"220 stall.example ESMTP\r\n")
    while line := await reader.readline():
        verb = line[:4].upper()
        if verb == b"RCPT":
            await asyncio.Event().wait()
        reply = b"221 bye\r\n" if verb == b"QUIT" else b"250 2.1.0 Ok\r\n"
        writer.write(reply)
        await writer.drain()


async def test_a_timed_out_rcpt_does_not_show_the_mail_from_reply():
    server = await asyncio.start_server(silent_at_rcpt, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    options = build_options(
        target="bob@example.org",
        server=f"127.0.0.1:{port}",
        helo="client.example.org",
        mail_from="me@example.org",
        timeout=0.5,
        dns="127.0.0.1:9",  # never asked here; and never a public resolver in a test
    )
    # No sending-side check: nothing but the loopback server is contacted.
    app = make_app(options, policy=FlowPolicy(discover_ip=False))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for _ in range(4):  # connect, EHLO, MAIL FROM, RCPT TO
                await pilot.press("enter")
                await settle(pilot)
            assert app.guided.book.status(Step.RCPT) is StepStatus.FAILED
            reply = str(app.screen.query_one("#reply", Static).render())
            assert "250 2.1.0 Ok" not in reply
            assert "No complete answer" in str(app.screen.query_one("#status", Static).render())
            await app.finish()
    finally:
        server.close()

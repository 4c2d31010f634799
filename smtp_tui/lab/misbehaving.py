"""Servers that break the rules on purpose: what aiosmtpd, being correct, cannot do."""

from __future__ import annotations

import asyncio


class TarpitProtocol(asyncio.Protocol):
    """Accepts the connection and never says a word (a tarpit, or a greeting delay)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        pass


class GarbageProtocol(asyncio.Protocol):
    """Greets with binary junk and a terminal escape sequence instead of a 220."""

    JUNK = b"\x1b]52;c;ZXZpbA==\x07\x1b[2J\x00\xff\xfeHELLO? this is not SMTP\r\n"

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(self.JUNK)

    def data_received(self, data: bytes) -> None:
        pass

"""Servers that break the rules on purpose: what aiosmtpd, being correct, cannot do."""

from __future__ import annotations

import asyncio
import ssl


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


class HangUpProtocol(asyncio.Protocol):
    """Accepts the connection and closes it at once, before any greeting."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.close()


class StartTlsInjector:
    """Answers STARTTLS with its 220 *and* a second, injected reply in the same packet, then
    does the handshake: a client that keeps those bytes would read them as sent over TLS."""

    def __init__(self, hostname: str, tls_context: ssl.SSLContext) -> None:
        self.hostname = hostname
        self.tls_context = tls_context

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            writer.write(f"220 {self.hostname} ESMTP Lab (injects after STARTTLS)\r\n".encode())
            while line := await reader.readline():
                verb = line.decode("ascii", "replace").strip().split(" ")[0].upper()
                if verb == "EHLO":
                    writer.write(
                        f"250-{self.hostname}\r\n250-STARTTLS\r\n250 8BITMIME\r\n".encode()
                    )
                elif verb == "STARTTLS":
                    writer.write(b"220 2.0.0 Ready to start TLS\r\n250 2.0.0 INJECTED reply\r\n")
                    await writer.drain()
                    await writer.start_tls(self.tls_context)
                elif verb == "QUIT":
                    writer.write(b"221 2.0.0 Bye\r\n")
                    await writer.drain()
                    break
                else:
                    writer.write(b"250 2.0.0 Ok\r\n")
                await writer.drain()
        except (ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            writer.close()


class FloodProtocol(asyncio.Protocol):
    """Greets with a multi-line reply that never ends: continuation lines, as fast as the
    connection takes them, until the client hangs up."""

    LINE = b"220-flood " + b"x" * 100 + b"\r\n"

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        self.transport = transport
        self.open = True
        asyncio.get_running_loop().create_task(self._flood())

    async def _flood(self) -> None:
        chunk = self.LINE * 100
        while self.open and not self.transport.is_closing():
            self.transport.write(chunk)
            await asyncio.sleep(0)  # let the loop (and the client) breathe

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False

    def data_received(self, data: bytes) -> None:
        pass

"""Servers that break the rules on purpose: what aiosmtpd, being correct, cannot do."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable

from smtp_tui.core.record import mutable_record


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


class _Flooding(asyncio.Protocol):
    """Writes as fast as the client reads, and no faster: the transport's flow control
    pauses the writer when its buffer is full, so a flood neither grows the lab's memory nor
    spins a core while the client is busy (which would make the client look slow)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        self.transport = transport
        self.open = True
        self._can_write = asyncio.Event()
        self._can_write.set()
        asyncio.get_running_loop().create_task(self._flood())

    async def _flood(self) -> None:
        raise NotImplementedError

    async def _write(self, data: bytes) -> None:
        self.transport.write(data)
        await self._can_write.wait()
        await asyncio.sleep(0)  # let the loop (and the client) breathe

    def pause_writing(self) -> None:
        self._can_write.clear()

    def resume_writing(self) -> None:
        self._can_write.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        self._can_write.set()


class FloodProtocol(_Flooding):
    """Greets with a multi-line reply that never ends: continuation lines, as fast as the
    connection takes them, until the client hangs up."""

    LINE = b"220-flood " + b"x" * 100 + b"\r\n"

    async def _flood(self) -> None:
        chunk = self.LINE * 100
        while self.open and not self.transport.is_closing():
            await self._write(chunk)

    def data_received(self, data: bytes) -> None:
        pass


class CountedFlood(_Flooding):
    """Greets with ``lines`` continuation lines, then a last line that ends the reply, then
    answers every command with 250 (QUIT with 221): a flood that ends (issue 15 wants
    100,000 lines; the screen must stay responsive and the journal complete)."""

    def __init__(self, lines: int = 100_000) -> None:
        self.lines = lines

    async def _flood(self) -> None:
        sent = 0
        while self.open and sent < self.lines and not self.transport.is_closing():
            batch = min(100, self.lines - sent)
            await self._write(b"".join(_flood_line(sent + n) for n in range(batch)))
            sent += batch
        if self.open and not self.transport.is_closing():
            self.transport.write(f"220 end of a flood of {self.lines} lines\r\n".encode())

    def data_received(self, data: bytes) -> None:
        for line in data.split(b"\r\n"):
            verb = line.split(b" ")[0].upper()
            if verb == b"QUIT":
                self.transport.write(b"221 2.0.0 Bye\r\n")
                self.transport.close()
                return
            if verb:
                self.transport.write(b"250 2.0.0 Ok\r\n")


def _flood_line(number: int) -> bytes:
    return b"220-flood line %d " % number + b"x" * 80 + b"\r\n"


def counted_flood(lines: int) -> Callable[[], CountedFlood]:
    """A protocol factory for a flood of ``lines`` lines (the benchmark picks its own)."""
    return lambda: CountedFlood(lines)


class RuleBreakingSmtp:
    """A small SMTP server (a streams handler) that answers like a plain MX, with hooks a
    subclass overrides to break one rule on purpose. aiosmtpd, being correct, cannot."""

    def __init__(self, hostname: str) -> None:
        self.hostname = hostname

    def ehlo_lines(self, tls: bool = False) -> list[bytes]:
        """The EHLO reply's lines (``tls``: the connection is encrypted by now)."""
        return [self.hostname.encode(), b"PIPELINING", b"SIZE 10240000", b"8BITMIME"]

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            writer.write(f"220 {self.hostname} ESMTP Lab (breaks a rule)\r\n".encode())
            await writer.drain()
            while line := await reader.readline():
                verb = line.decode("ascii", "replace").strip().split(" ")[0].upper()
                if not await self.answer(verb, reader, writer):
                    break
                await writer.drain()
        except (ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            writer.close()

    async def answer(
        self, verb: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one command; False ends the connection."""
        if verb in ("EHLO", "HELO"):
            tls = writer.get_extra_info("ssl_object") is not None
            writer.write(_multiline(250, self.ehlo_lines(tls) if verb == "EHLO" else [b"hi"]))
        elif verb == "STARTTLS":
            return await self.starttls(reader, writer)
        elif verb == "QUIT":
            return await self.quit(reader, writer)
        elif verb == "DATA":
            writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            await writer.drain()
            while await reader.readline() not in (b".\r\n", b".\n", b""):
                pass  # the message itself is not kept
            writer.write(b"250 2.0.0 Ok: queued as LAB1234\r\n")
        else:
            writer.write(b"250 2.0.0 Ok\r\n")
        return True

    async def starttls(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"454 4.7.0 TLS not available\r\n")
        return True

    async def quit(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"221 2.0.0 Bye\r\n")
        await writer.drain()
        return False


def _multiline(code: int, lines: list[bytes]) -> bytes:
    prefix = str(code).encode()
    return b"".join(
        prefix + (b" " if n == len(lines) - 1 else b"-") + line + b"\r\n"
        for n, line in enumerate(lines)
    )


class NonAsciiDigits(RuleBreakingSmtp):
    """Announces numbers written with digits that are not ASCII: ``SIZE ²`` (superscript two
    passes ``str.isdigit()`` and fails ``int()``) and Arabic-Indic digits in LIMITS."""

    def ehlo_lines(self, tls: bool = False) -> list[bytes]:
        return [
            self.hostname.encode(),
            "SIZE ²".encode(),
            "LIMITS RCPTMAX=٣ MAILMAX=۵".encode(),
            b"8BITMIME",
        ]


class IgnoresQuit(RuleBreakingSmtp):
    """Never answers QUIT and keeps the connection open: the client must leave by itself."""

    async def quit(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        await reader.read()  # until the client hangs up
        return False


class StallingStartTls(RuleBreakingSmtp):
    """Offers STARTTLS, answers it 220, and then never does its part of the handshake."""

    def ehlo_lines(self, tls: bool = False) -> list[bytes]:
        return super().ehlo_lines() + ([] if tls else [b"STARTTLS"])

    async def starttls(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"220 2.0.0 Ready to start TLS\r\n")
        await writer.drain()
        await reader.read()  # swallow the ClientHello and everything after, say nothing
        return False


class HostileCertificateTls(RuleBreakingSmtp):
    """Offers STARTTLS and, on it, presents a certificate ``cryptography`` cannot fully read
    (see :mod:`smtp_tui.lab.hostile_certificates`); then answers like a plain MX."""

    def __init__(self, hostname: str, tls_context: ssl.SSLContext) -> None:
        super().__init__(hostname)
        self.tls_context = tls_context

    def ehlo_lines(self, tls: bool = False) -> list[bytes]:
        return super().ehlo_lines() + ([] if tls else [b"STARTTLS"])

    async def starttls(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"220 2.0.0 Ready to start TLS\r\n")
        await writer.drain()
        await writer.start_tls(self.tls_context)
        return True


@mutable_record
class ReplyProgress:
    """How far :class:`HugeReply` has got, for tests and the benchmark; with ``hold_at`` set
    it stops after that many lines until ``release`` is set (a test's way to look at the
    client while a reply is still arriving, without timing anything)."""

    lines_sent: int = 0
    finished: bool = False
    hold_at: int | None = None
    release: asyncio.Event | None = None

    def reset(self, hold_at: int | None = None) -> None:
        self.lines_sent, self.finished, self.hold_at = 0, False, hold_at
        self.release = asyncio.Event() if hold_at is not None else None


class HugeReply(RuleBreakingSmtp):
    """Answers EHLO with one reply as large as the parser allows: 1000 lines of 4 KiB, every
    byte one that the sanitizer must escape (4 MB that become 16 MB of text)."""

    LINES = 1000
    LINE_BODY = 4096  # the parser's cap on a line without its CR LF (code and hyphen included)
    progress = ReplyProgress()  # one lab per process: the latest huge reply's progress
    huge_verb = "EHLO"  # the command answered with the huge reply
    code = 250

    def huge_lines(self) -> list[bytes]:
        filler = b"\x1b\xff" * ((self.LINE_BODY - 4) // 2)
        return [filler] * (self.LINES - 1) + [b"8BITMIME"]

    async def answer(
        self, verb: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        if verb != self.huge_verb:
            return await super().answer(verb, reader, writer)
        progress = self.progress
        progress.lines_sent, progress.finished = 0, False
        lines = self.huge_lines()
        code = str(self.code).encode()
        for number, line in enumerate(lines):
            if number == progress.hold_at and progress.release is not None:
                await writer.drain()
                await progress.release.wait()
            last = number == len(lines) - 1
            writer.write(code + (b" " if last else b"-") + line + b"\r\n")
            progress.lines_sent = number + 1
            if number % 50 == 49:
                await writer.drain()
        await writer.drain()
        progress.finished = True
        return True


class HugeRejection(HugeReply):
    """Refuses RCPT TO with a 550 as large as the parser allows: the explainer, the verdict's
    evidence and the step panel all meet it (each must show a bounded excerpt)."""

    huge_verb = "RCPT"
    code = 550
    progress = ReplyProgress()

    def huge_lines(self) -> list[bytes]:
        filler = b"\x1b\xff" * ((self.LINE_BODY - 4 - 40) // 2)
        first = b"5.7.1 Recipient address rejected: spam "
        return [first + filler] + [filler] * (self.LINES - 2) + [b"5.7.1 end of rejection"]

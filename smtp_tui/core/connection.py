"""The thin asyncio layer under an SMTP dialogue: connect, send, read a reply, close.

Bytes go through the sans-I/O :class:`~smtp_tui.core.reply_reading.ReplyReading` (the parser,
shared with the blocking connection); every line sent or received is recorded in the
:class:`~smtp_tui.core.transcript.Transcript` as it happens: received lines as they arrive,
before their reply is complete (:mod:`smtp_tui.core.received_lines`), so a
100,000-line reply is journaled whole while only its first lines are kept in memory. Every
wait has its own timeout, and every wait can be cancelled (cancel the task that awaits it).
A read that times out closes the connection, since the dialogue is out of step afterwards.

The errors and settings live in :mod:`smtp_tui.core.smtp_errors` and
:mod:`smtp_tui.core.connect_settings` (shared with a blocking connection); they are still
importable from here.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time

from smtp_tui.core.commands import CommandCheck
from smtp_tui.core.connect_settings import AddressFamily, Timeouts
from smtp_tui.core.replies import Reply
from smtp_tui.core.smtp_commands import SmtpCommands
from smtp_tui.core.smtp_errors import (
    ConnectFailed,
    ConnectionLost,
    ConnectionRefusedByHost,
    ConnectTimedOut,
    HostUnreachable,
    NotConnected,
    ReplyTimedOut,
    ServerProtocolError,
    SmtpError,
    TlsFailed,
    connect_error,
    connect_timed_out,
    error_reason,
    family_mismatch,
)
from smtp_tui.core.starttls_buffer import StreamBufferMissing, stream_buffer
from smtp_tui.core.transcript import EventKind, Transcript

# The names other modules import from here (they moved to smtp_errors and connect_settings).
__all__ = [
    "READ_CHUNK",
    "AddressFamily",
    "ConnectFailed",
    "ConnectTimedOut",
    "ConnectionLost",
    "ConnectionRefusedByHost",
    "HostUnreachable",
    "NotConnected",
    "ReplyTimedOut",
    "ServerProtocolError",
    "SmtpConnection",
    "SmtpError",
    "StreamBufferMissing",
    "Timeouts",
    "TlsFailed",
]

READ_CHUNK = 65536


class SmtpConnection(SmtpCommands):
    """One SMTP client connection whose every byte is written to a transcript."""

    def __init__(self, transcript: Transcript, *, timeouts: Timeouts | None = None) -> None:
        super().__init__(transcript, timeouts=timeouts)
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._lock = asyncio.Lock()

    @property
    def is_open(self) -> bool:
        return self._writer is not None and not self._writer.is_closing()

    async def connect(
        self,
        host: str,
        port: int = 25,
        *,
        family: AddressFamily = AddressFamily.ANY,
        source: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        server_hostname: str | None = None,
        label: str | None = None,
    ) -> Reply:
        """Open the TCP connection and return the greeting (which may be a rejection).

        ``label`` is the host name to show beside the address (the MX name)."""
        shown = f"[{host}]" if ":" in host else host
        if label and label != host:
            shown = f"{label} [{host}]"
        self.transcript.info(f"Connecting to {shown} port {port} ...")
        mismatch = family_mismatch(host, family)
        if mismatch:
            raise self._fail(ConnectFailed(mismatch))
        local_addr = (source, 0) if source else None
        try:
            async with asyncio.timeout(self.timeouts.connect):
                reader, writer = await asyncio.open_connection(
                    host,
                    port,
                    family=family.socket_family,
                    local_addr=local_addr,
                    ssl=ssl_context,
                    server_hostname=server_hostname if ssl_context else None,
                    limit=READ_CHUNK,
                )
        except TimeoutError:
            raise self._fail(connect_timed_out(shown, port, self.timeouts.connect)) from None
        except ssl.SSLError as error:
            raise self._fail(
                TlsFailed(
                    f"The TLS handshake with {shown} port {port} failed: {error_reason(error)}."
                )
            ) from None
        except OSError as error:
            raise self._fail(connect_error(error, shown, port)) from None
        self._reader, self._writer = reader, writer
        self.connected_at = time.monotonic()
        peer = writer.get_extra_info("peername")
        self.peer = (peer[0], peer[1]) if peer else (host, port)
        local = writer.get_extra_info("sockname")
        self.local = (local[0], local[1]) if local else None
        self.tls = ssl_context is not None
        self.transcript.info(f"Connected to {self.peer[0]} port {self.peer[1]}.")
        banner = await self.read_reply(self.timeouts.banner, waiting_for="the greeting (220)")
        self.banner_seconds = time.monotonic() - self.connected_at
        return banner

    async def send(self, command: str | CommandCheck, *, timeout: float | None = None) -> Reply:
        """Send one command line and return its reply.

        Raises CommandRefused (nothing sent) if the validator refuses the line.
        """
        check = self.checked(command)
        async with self._lock:
            await self._write(check.wire_bytes(), check.text)
            reply = await self.read_reply(
                self.timeouts.command if timeout is None else timeout,
                waiting_for=f"the reply to {check.verb}",
            )
        self.learn(check, reply)
        return reply

    async def _write(self, data: bytes, *shown: str, timeout: float | None = None) -> None:
        """Record ``shown`` as sent lines, then write ``data`` and wait until it has left."""
        assert self._writer is not None
        for line in shown:
            self.transcript.add(EventKind.SENT, line, tls=self.tls)
        try:
            self._writer.write(data)
            async with asyncio.timeout(timeout or self.timeouts.command):
                await self._writer.drain()
        except (ConnectionError, OSError) as error:
            await self._abort()
            raise self._fail(ConnectionLost(f"Could not send: {error}.")) from None
        except TimeoutError:
            await self._abort()
            raise self._fail(ReplyTimedOut("The server stopped reading what we send.")) from None

    async def read_reply(self, timeout: float, *, waiting_for: str = "a reply") -> Reply:
        """Wait for the next complete reply (the whole reply must arrive within ``timeout``)."""
        if self._reader is None:
            raise NotConnected("Not connected.")
        reading = self._reading
        reading.begin(tls=self.tls)
        try:
            async with asyncio.timeout(timeout):
                while not reading.ready:
                    try:
                        data = await self._reader.read(READ_CHUNK)
                    except (ConnectionError, OSError) as error:
                        await self._abort()
                        raise self._fail(reading.reset(waiting_for, error)) from None
                    if not data:
                        lost = reading.end_of_stream(waiting_for, tls=self.tls)
                        if lost is not None:
                            await self._abort()
                            raise self._fail(lost)
                        break
                    taking = time.monotonic()
                    if not reading.take(data, tls=self.tls):
                        # A reply of many chunks (a flood): read() does not yield while its
                        # buffer holds data, and the screen shares this loop. After each
                        # chunk, wait as long as taking it in took (parsing, journaling,
                        # showing), so a flood gets at most about half of the loop's time and
                        # a key press goes through the screen's steps meanwhile (issue 15).
                        await asyncio.sleep(time.monotonic() - taking)
        except TimeoutError:
            timed_out = reading.timed_out(timeout, waiting_for)
            await self._abort()
            raise self._fail(timed_out) from None
        reply = reading.next_reply()
        if isinstance(reply, SmtpError):
            await self._abort()
            raise self._fail(reply)
        return reply

    def _fail(self, error: SmtpError) -> SmtpError:
        self.transcript.error(str(error))
        return error

    async def _abort(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        self._reading.discard()
        if writer is not None:
            writer.close()
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1.0):
                    await writer.wait_closed()

    async def close(self) -> Reply | None:
        """Say QUIT (when the connection is up), wait briefly for 221, then close."""
        if not self.is_open:
            await self._abort()
            return None
        reply: Reply | None = None
        with contextlib.suppress(SmtpError):
            reply = await self.send("QUIT", timeout=self.timeouts.quit)
        await self._abort()
        self.transcript.info("Connection closed.")
        return reply

    def buffered_bytes(self) -> int:
        """Bytes received but not yet taken as a reply (parser and stream buffer)."""
        stream = len(stream_buffer(self._reader)) if self._reader is not None else 0
        return self._reading.buffered_bytes + stream

    async def start_tls(self, context: ssl.SSLContext, server_hostname: str | None) -> int:
        """Upgrade the live connection to TLS after a 220 to STARTTLS.

        Anything the server sent after its 220 and before the handshake is thrown away (it
        could be an injected reply, CVE-2011-0411 class); returns how many bytes that was.
        The EHLO keywords are forgotten: RFC 3207 says to ask again.
        """
        if self._writer is None or self._reader is None:
            raise NotConnected("Not connected.")
        try:
            discarded = self.buffered_bytes()
            stream_buffer(self._reader).clear()
        except StreamBufferMissing as error:
            await self._abort()
            raise self._fail(TlsFailed(str(error))) from None
        self._reading.discard()
        if discarded:
            self.transcript.warning(
                f"The server sent {discarded} bytes after its 220 and before the TLS handshake. "
                "They were discarded unread: a server (or something in between) that does this "
                "could inject replies into the encrypted session (STARTTLS injection)."
            )
        try:
            async with asyncio.timeout(self.timeouts.command):
                await self._writer.start_tls(context, server_hostname=server_hostname)
        except TimeoutError:
            await self._abort()
            raise self._fail(TlsFailed("The TLS handshake did not finish in time.")) from None
        except (ssl.SSLError, ConnectionError, OSError) as error:
            await self._abort()
            raise self._fail(
                TlsFailed(f"The TLS handshake failed: {error_reason(error)}.")
            ) from None
        self.tls = True
        self.keywords = {}
        self.transcript.info(f"TLS started: {self.tls_version()}.")
        return discarded

    def ssl_object(self) -> ssl.SSLObject | None:
        if self._writer is None:
            return None
        return self._writer.get_extra_info("ssl_object")

    def tls_version(self) -> str:
        found = self.ssl_object()
        if found is None:
            return "no TLS"
        cipher = found.cipher()
        return f"{found.version()}, {cipher[0] if cipher else '?'}"

    async def send_lines(self, lines: list[str], payload: bytes, *, timeout: float) -> Reply:
        """Send a block (the message after DATA's 354) and return the reply to its end.

        ``lines`` are shown in the transcript; ``payload`` is what is written."""
        if not self.is_open or self._writer is None:
            raise NotConnected("Not connected.")
        async with self._lock:
            await self._write(payload, *lines, timeout=timeout)
            return await self.read_reply(timeout, waiting_for="the reply to the message")

    async def abort(self) -> None:
        """Drop the connection without QUIT (after a cancel, for instance)."""
        if self._writer is not None:
            self.transcript.info("Connection dropped.")
        await self._abort()

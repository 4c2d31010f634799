"""The thin asyncio layer under an SMTP dialogue: connect, send, read a reply, close.

Bytes go through :class:`~smtp_tui.core.replies.ReplyParser`; every line sent or received is
recorded in the :class:`~smtp_tui.core.transcript.Transcript` as it happens. Every wait has its
own timeout, and every wait can be cancelled (cancel the task that awaits it). A read that
times out closes the connection, since the dialogue is out of step afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from enum import Enum

from smtp_tui.core.commands import CommandCheck, CommandRefused, check_command
from smtp_tui.core.replies import ProtocolError, Reply, ReplyParser, parse_ehlo_keywords
from smtp_tui.core.sanitize import sanitize_bytes
from smtp_tui.core.transcript import EventKind, Transcript

READ_CHUNK = 65536


class AddressFamily(Enum):
    ANY = "any"
    IPV4 = "ipv4"
    IPV6 = "ipv6"

    @property
    def socket_family(self) -> int:
        return {"any": socket.AF_UNSPEC, "ipv4": socket.AF_INET, "ipv6": socket.AF_INET6}[
            self.value
        ]


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait at each stage. RFC 5321 §4.5.3.2 asks real MTAs for minutes; a tester
    that gives up sooner says so in its message."""

    connect: float = 20.0
    banner: float = 60.0
    command: float = 60.0
    quit: float = 1.0  # a server that ignores QUIT must not hold up leaving

    @classmethod
    def all(cls, seconds: float) -> Timeouts:
        return cls(connect=seconds, banner=seconds, command=seconds, quit=min(seconds, 1.0))


class SmtpError(Exception):
    """Base of every error the dialogue can end in; ``str()`` is meant for a person."""


class ConnectFailed(SmtpError, ConnectionError):
    """The TCP connection could not be made."""


class ConnectionRefusedByHost(ConnectFailed):
    pass


class HostUnreachable(ConnectFailed):
    pass


class ConnectTimedOut(ConnectFailed, TimeoutError):
    pass


class ConnectionLost(SmtpError, ConnectionError):
    """The server closed or reset a connection that was up."""


class ReplyTimedOut(SmtpError, TimeoutError):
    """No complete reply before the timeout; the connection is closed afterwards."""


class ServerProtocolError(SmtpError):
    """The server sent something that is not an SMTP reply."""


class NotConnected(SmtpError):
    pass


class TlsFailed(SmtpError):
    """The TLS handshake failed (or STARTTLS was refused)."""


def _connect_error(error: OSError, host: str, port: int) -> ConnectFailed:
    where = f"{host} port {port}"
    if isinstance(error, ConnectionRefusedError) or error.errno == errno.ECONNREFUSED:
        return ConnectionRefusedByHost(
            f"Connection to {where} refused: the host answered, but nothing accepts connections "
            "on that port (no mail server running, or a firewall rejecting)."
        )
    if error.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL):
        return HostUnreachable(
            f"{where} is unreachable ({error.strerror}): no route from this machine. Check "
            "this machine's network, the address family (IPv4/IPv6) and the source address."
        )
    return ConnectFailed(f"Could not connect to {where}: {error.strerror or error}.")


def _family_mismatch(host: str, family: AddressFamily) -> str | None:
    """A plain sentence when an address literal cannot be reached over the chosen family."""
    try:
        version = ipaddress.ip_address(host.strip("[]")).version
    except ValueError:
        return None  # a name: the resolver picks an address of the right family
    if family is AddressFamily.IPV4 and version == 6:
        return f"{host} is an IPv6 address, but IPv4 only was asked for (--ipv4)."
    if family is AddressFamily.IPV6 and version == 4:
        return f"{host} is an IPv4 address, but IPv6 only was asked for (--ipv6)."
    return None


def _reason(error: BaseException) -> str:
    """An exception in words, never empty (``str(ssl.SSLError())`` is "()")."""
    from smtp_tui.core.tls import error_reason

    return error_reason(error).rstrip(".")


class StreamBufferMissing(RuntimeError):
    """asyncio no longer keeps unread bytes where the STARTTLS defence looks for them."""


def _stream_buffer(reader: asyncio.StreamReader) -> bytearray:
    """The bytes asyncio has received but nobody has read yet.

    ``StreamReader`` keeps them in the private ``_buffer``; the STARTTLS defence must empty
    it before the handshake (CVE-2011-0411), so if a Python release changes that, fail
    loudly here instead of letting injected bytes through silently."""
    buffer = getattr(reader, "_buffer", None)
    if not isinstance(buffer, bytearray):
        raise StreamBufferMissing(
            "asyncio.StreamReader has no _buffer bytearray in this Python: the STARTTLS "
            "defence cannot empty the receive buffer, so STARTTLS is refused."
        )
    return buffer


class SmtpConnection:
    """One SMTP client connection whose every byte is written to a transcript."""

    def __init__(self, transcript: Transcript, *, timeouts: Timeouts | None = None) -> None:
        self.transcript = transcript
        self.timeouts = timeouts or Timeouts()
        self.parser = ReplyParser()
        self.keywords: dict[str, str] = {}
        self.peer: tuple[str, int] | None = None
        self.local: tuple[str, int] | None = None  # the source address really used
        self.tls = False
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._ready: list[Reply | ProtocolError] = []
        self._lock = asyncio.Lock()
        self.connected_at: float | None = None
        self.banner_seconds: float | None = None

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
        mismatch = _family_mismatch(host, family)
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
            raise self._fail(
                ConnectTimedOut(
                    f"No answer from {shown} port {port} within {self.timeouts.connect:g} s. "
                    "Packets are being dropped: typical of an outbound port 25 block by your own "
                    "network, ISP or cloud provider, or of a host that is down."
                )
            ) from None
        except ssl.SSLError as error:
            raise self._fail(
                TlsFailed(f"The TLS handshake with {shown} port {port} failed: {_reason(error)}.")
            ) from None
        except OSError as error:
            raise self._fail(_connect_error(error, shown, port)) from None
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
        check = command if isinstance(command, CommandCheck) else self.check(command)
        if not check.ok:
            raise CommandRefused(check.errors[0])
        if not self.is_open:
            raise NotConnected("Not connected: connect to a server first.")
        async with self._lock:
            await self._write(check.wire_bytes(), check.text)
            reply = await self.read_reply(
                self.timeouts.command if timeout is None else timeout,
                waiting_for=f"the reply to {check.verb}",
            )
        if check.verb == "EHLO" and reply.code == 250:
            self.keywords = parse_ehlo_keywords(reply)
        elif check.verb in ("EHLO", "HELO"):
            self.keywords = {}
        return reply

    def check(self, text: str) -> CommandCheck:
        """Validate a command with what this server announced (SMTPUTF8)."""
        return check_command(text, smtputf8="SMTPUTF8" in self.keywords)

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
        paused = time.monotonic()
        try:
            async with asyncio.timeout(timeout):
                while not self._ready:
                    try:
                        data = await self._reader.read(READ_CHUNK)
                    except (ConnectionError, OSError) as error:
                        await self._abort()
                        raise self._fail(
                            ConnectionLost(
                                f"The connection was reset while waiting for {waiting_for} "
                                f"({error})."
                            )
                        ) from None
                    if not data:
                        self._ready += self.parser.feed_eof()
                        if not self._ready:
                            await self._abort()
                            hint = (
                                " It accepted the connection and hung up at once: it refuses "
                                "you, or it is overloaded."
                                if waiting_for.startswith("the greeting")
                                else ""
                            )
                            raise self._fail(
                                ConnectionLost(
                                    f"The server closed the connection while we waited for "
                                    f"{waiting_for}.{hint}"
                                )
                            )
                        break
                    self._ready += self.parser.feed(data)
                    if not self._ready:
                        # A reply of many chunks (a flood): read() does not yield while its
                        # buffer holds data, and the screen shares this loop. Yield after each
                        # chunk, and every 20 ms of reading pause 2 ms, so that a key press
                        # goes through all of the screen's steps at once (issue 15).
                        if time.monotonic() - paused < 0.02:
                            await asyncio.sleep(0)
                        else:
                            await asyncio.sleep(0.002)
                            paused = time.monotonic()
        except TimeoutError:
            partial = " (part of a reply had arrived)" if self.parser.has_partial else ""
            await self._abort()
            raise self._fail(
                ReplyTimedOut(
                    f"No complete answer within {timeout:g} s while waiting for {waiting_for}"
                    f"{partial}. The connection was closed, since the dialogue is out of step."
                )
            ) from None
        event = self._ready.pop(0)
        if isinstance(event, ProtocolError):
            shown = sanitize_bytes(event.raw.rstrip(b"\r\n"))
            self.transcript.add(EventKind.RECEIVED, shown, tls=self.tls)
            await self._abort()
            raise self._fail(
                ServerProtocolError(
                    f"The server sent something that is not an SMTP reply: {event.reason}. "
                    "The connection was closed."
                )
            )
        self._record_reply(event)
        return event

    def _record_reply(self, reply: Reply) -> None:
        for line in reply.display_lines():
            self.transcript.add(EventKind.RECEIVED, line, tls=self.tls)
        if reply.bare_lf:
            self.transcript.warning(
                "The server ended lines with a bare LF instead of CR LF (RFC 5321 §2.3.8)."
            )
        if reply.long_lines_cut:
            self.transcript.warning("A reply line over 4 KiB was cut.")
        if reply.lines_cut:
            self.transcript.warning(f"The reply was cut: {reply.lines_cut} more lines dropped.")

    def _fail(self, error: SmtpError) -> SmtpError:
        self.transcript.error(str(error))
        return error

    async def _abort(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        self._ready.clear()
        self.parser.reset()
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
        pending = sum(len(event.raw) for event in self._ready)
        stream = len(_stream_buffer(self._reader)) if self._reader is not None else 0
        return pending + self.parser.buffered_bytes + stream

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
            _stream_buffer(self._reader).clear()
        except StreamBufferMissing as error:
            await self._abort()
            raise self._fail(TlsFailed(str(error))) from None
        self._ready.clear()
        self.parser.reset()
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
            raise self._fail(TlsFailed(f"The TLS handshake failed: {_reason(error)}.")) from None
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

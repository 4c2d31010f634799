"""The SMTP connection on a blocking socket, for the loopless plain check (issue 15).

It has the interface of :class:`~smtp_tui.core.connection.SmtpConnection` and fails with the
same error classes (:mod:`smtp_tui.core.smtp_errors`); the bytes go through the same sans-I/O
:class:`~smtp_tui.core.reply_reading.ReplyReading` (parser, lines into the transcript as they
arrive, the words of each failure), so only the waiting differs. Its ``async`` methods
block on the socket and never suspend, so :func:`~smtp_tui.core.loopless.run_loopless` can
drive them without an event loop.

Every wait has its timeout (socket timeouts against one deadline per wait), and each runs
inside :meth:`~smtp_tui.core.loopless.WaitInterruptions.wait`, so Ctrl+C and the signals end
it. TLS is not done here: a run that needs it is given to asyncio.
"""

from __future__ import annotations

import contextlib
import socket
import time

from smtp_tui.core.commands import CommandCheck
from smtp_tui.core.connect_settings import AddressFamily, Timeouts
from smtp_tui.core.loopless import interruptions
from smtp_tui.core.replies import Reply
from smtp_tui.core.smtp_commands import SmtpCommands
from smtp_tui.core.smtp_errors import (
    ConnectFailed,
    ConnectionLost,
    NotConnected,
    ReplyTimedOut,
    SmtpError,
    TlsFailed,
    connect_error,
    connect_timed_out,
    family_mismatch,
)
from smtp_tui.core.transcript import EventKind, Transcript

READ_CHUNK = 65536  # as the asyncio connection reads

TYPE_CHECKING = False  # as typing's, without importing typing (issue 15)
if TYPE_CHECKING:
    import ssl


class BlockingConnection(SmtpCommands):
    """One SMTP client connection on a blocking socket; every byte goes to a transcript."""

    def __init__(self, transcript: Transcript, *, timeouts: Timeouts | None = None) -> None:
        super().__init__(transcript, timeouts=timeouts)
        self._socket: socket.socket | None = None

    @property
    def is_open(self) -> bool:
        return self._socket is not None

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
        """Open the TCP connection and return the greeting (which may be a rejection)."""
        shown = f"[{host}]" if ":" in host else host
        if label and label != host:
            shown = f"{label} [{host}]"
        self.transcript.info(f"Connecting to {shown} port {port} ...")
        if ssl_context is not None:
            raise self._fail(TlsFailed("TLS needs the asyncio connection; this one has none."))
        mismatch = family_mismatch(host, family)
        if mismatch:
            raise self._fail(ConnectFailed(mismatch))
        try:
            with interruptions.wait():
                sock = _open_socket(host, port, family, source, self.timeouts.connect)
        except TimeoutError:
            raise self._fail(connect_timed_out(shown, port, self.timeouts.connect)) from None
        except OSError as error:
            raise self._fail(connect_error(error, shown, port)) from None
        self._socket = sock
        self.connected_at = time.monotonic()
        peer = sock.getpeername()
        self.peer = (peer[0], peer[1]) if peer else (host, port)
        local = sock.getsockname()
        self.local = (local[0], local[1]) if local else None
        self.transcript.info(f"Connected to {self.peer[0]} port {self.peer[1]}.")
        banner = await self.read_reply(self.timeouts.banner, waiting_for="the greeting (220)")
        self.banner_seconds = time.monotonic() - self.connected_at
        return banner

    async def send(self, command: str | CommandCheck, *, timeout: float | None = None) -> Reply:
        """Send one command line and return its reply.

        Raises CommandRefused (nothing sent) if the validator refuses the line.
        """
        check = self.checked(command)
        await self._write(check.wire_bytes(), check.text)
        reply = await self.read_reply(
            self.timeouts.command if timeout is None else timeout,
            waiting_for=f"the reply to {check.verb}",
        )
        self.learn(check, reply)
        return reply

    async def _write(self, data: bytes, *shown: str, timeout: float | None = None) -> None:
        """Record ``shown`` as sent lines, then write ``data`` within the timeout."""
        sock = self._socket
        assert sock is not None
        for line in shown:
            self.transcript.add(EventKind.SENT, line, tls=self.tls)
        try:
            with interruptions.wait(pending_first=False):
                sock.settimeout(timeout or self.timeouts.command)
                sock.sendall(data)
        except TimeoutError:
            self._abort()
            raise self._fail(ReplyTimedOut("The server stopped reading what we send.")) from None
        except OSError as error:
            self._abort()
            raise self._fail(ConnectionLost(f"Could not send: {error}.")) from None

    async def read_reply(self, timeout: float, *, waiting_for: str = "a reply") -> Reply:
        """Wait for the next complete reply (the whole reply must arrive within ``timeout``)."""
        sock = self._socket
        if sock is None:
            raise NotConnected("Not connected.")
        reading = self._reading
        deadline = time.monotonic() + timeout
        reading.begin(tls=self.tls)
        try:
            while not reading.ready:
                remaining = deadline - time.monotonic()
                if remaining <= 0:  # a flood keeps recv() busy: the deadline is ours to keep
                    raise TimeoutError
                try:
                    with interruptions.wait():
                        sock.settimeout(remaining)
                        data = sock.recv(READ_CHUNK)
                except TimeoutError:
                    raise
                except OSError as error:
                    self._abort()
                    raise self._fail(reading.reset(waiting_for, error)) from None
                if not data:
                    lost = reading.end_of_stream(waiting_for, tls=self.tls)
                    if lost is not None:
                        self._abort()
                        raise self._fail(lost)
                    break
                reading.take(data, tls=self.tls)
        except TimeoutError:
            timed_out = reading.timed_out(timeout, waiting_for)
            self._abort()
            raise self._fail(timed_out) from None
        reply = reading.next_reply()
        if isinstance(reply, SmtpError):
            self._abort()
            raise self._fail(reply)
        return reply

    def _fail(self, error: SmtpError) -> SmtpError:
        self.transcript.error(str(error))
        return error

    def _abort(self) -> None:
        sock, self._socket = self._socket, None
        self._reading.discard()
        if sock is not None:
            sock.close()

    async def close(self) -> Reply | None:
        """Say QUIT (when the connection is up), wait briefly for 221, then close."""
        if not self.is_open:
            self._abort()
            return None
        reply: Reply | None = None
        with contextlib.suppress(SmtpError):
            reply = await self.send("QUIT", timeout=self.timeouts.quit)
        self._abort()
        self.transcript.info("Connection closed.")
        return reply

    def buffered_bytes(self) -> int:
        """Bytes received but not yet taken as a reply (the parser's and the ready ones)."""
        return self._reading.buffered_bytes

    async def start_tls(self, context: ssl.SSLContext, server_hostname: str | None) -> int:
        """Not here: a run that may need TLS is given to the asyncio connection."""
        raise self._fail(TlsFailed("STARTTLS needs the asyncio connection; this one has none."))

    def ssl_object(self) -> ssl.SSLObject | None:
        return None

    def tls_version(self) -> str:
        return "no TLS"

    async def send_lines(self, lines: list[str], payload: bytes, *, timeout: float) -> Reply:
        """Send a block (the message after DATA's 354) and return the reply to its end.

        ``lines`` are shown in the transcript; ``payload`` is what is written."""
        if not self.is_open:
            raise NotConnected("Not connected.")
        await self._write(payload, *lines, timeout=timeout)
        return await self.read_reply(timeout, waiting_for="the reply to the message")

    async def abort(self) -> None:
        """Drop the connection without QUIT (after an interruption, for instance)."""
        if self._socket is not None:
            self.transcript.info("Connection dropped.")
        self._abort()


def _open_socket(
    host: str, port: int, family: AddressFamily, source: str | None, timeout: float
) -> socket.socket:
    """Connect to the first address of ``host`` that answers, all within ``timeout``; the
    errors combined as asyncio's ``open_connection`` combines them (same words)."""
    deadline = time.monotonic() + timeout
    errors: list[OSError] = []
    # An ASCII host goes as bytes: given a str, getaddrinfo loads the idna codec (and
    # stringprep) to encode it, which costs a plain check more than its connect (issue 15).
    name: str | bytes = host.encode("ascii") if host.isascii() else host
    for af, kind, proto, _name, address in socket.getaddrinfo(
        name, port, family.socket_family, socket.SOCK_STREAM
    ):
        sock = socket.socket(af, kind, proto)
        try:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("timed out")
            sock.settimeout(remaining)
            if source:
                sock.bind((source, 0))
            sock.connect(address)
            # As asyncio's transports do: no Nagle delay on the short command lines.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except TimeoutError:
            sock.close()
            raise
        except OSError as error:
            sock.close()
            errors.append(error)
            continue
        except BaseException:
            sock.close()
            raise
        return sock
    if not errors:
        raise OSError("getaddrinfo() returned empty list")
    if len(errors) == 1 or all(str(error) == str(errors[0]) for error in errors[1:]):
        raise errors[0]
    raise OSError(f"Multiple exceptions: {', '.join(str(error) for error in errors)}")

"""Many DNS questions at once over one UDP socket per name server (issue 15).

A blacklist sweep asks about 160 tiny questions that do not depend on each other. dnspython's
async resolver gives each its own socket, task and timer, which costs more CPU than the round
trip it waits for. Here every question is sent as soon as it is asked, from one connected UDP
socket per name server, and each answer is matched to its question by id and question
(``Message.is_response``); the connected socket only hears from that server. Every message is
made and read by dnspython; a truncated answer is asked again over TCP
(``dns.asyncquery.tcp``). The name servers, port, per-try timeout and lifetime are the
resolver's (``--dns`` or the system's), and failures become the same :class:`DnsError` kinds as
:func:`smtp_tui.core.dns.query`. A resolver with anything but plain DNS servers (DoH) is asked
through dnspython's resolver, one question at a time, as before.

One socket for a burst means one source port for its questions (dnspython gives each its own):
ids stay random and an answer must match the id, the question and the server's address. The
sockets close as soon as no question is outstanding, so nothing lingers between bursts.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import deque
from typing import TYPE_CHECKING, Any, cast

from smtp_tui.core.dns import DnsError, DnsFailure, query
from smtp_tui.core.dns_reply import (
    NameServer,
    Reply,
    ServerFailure,
    name_servers,
    random_id,
    read_response,
    reply_texts,
)

if TYPE_CHECKING:
    import dns.asyncresolver
    import dns.message
    import dns.name
    import dns.rrset

MAX_IN_FLIGHT = 256  # a whole sweep (about 160 questions) in one burst; more waits for slots
# A burst's answers can arrive faster than they are read: room for all of them (the kernel caps
# it at net.core.rmem_max), so none is dropped and retried a timeout later.
RECEIVE_BUFFER = 1 << 20


class _Question:
    """One question in flight: its message, where it went, and how long it may still take."""

    def __init__(
        self, name: dns.name.Name, shown: str, rdtype: str, future: asyncio.Future[Reply]
    ) -> None:
        self.name = name
        self.shown = shown
        self.rdtype = rdtype
        self.future = future
        self.deadline = 0.0
        self.tries = 0  # servers asked so far (the next one is servers[tries % len])
        self.failures: list[str] = []  # what each server said, for the final error
        self.message: dns.message.Message | None = None
        self.server: NameServer | None = None
        self.timer: asyncio.TimerHandle | None = None


class _Socket(asyncio.DatagramProtocol):
    """The connected UDP socket to one server and the questions waiting on it, by id."""

    def __init__(self, batch: DnsBatch, server: NameServer) -> None:
        self.batch = batch
        self.server = server
        self.transport: asyncio.DatagramTransport | None = None
        self.pending: dict[int, _Question] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast("asyncio.DatagramTransport", transport)
        udp = transport.get_extra_info("socket")
        if udp is not None:
            with contextlib.suppress(OSError):
                udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        import dns.exception
        import dns.message

        # The header and question first: enough to match the answer, and for the usual
        # NXDOMAIN of a list that does not list the address, enough to judge it.
        try:
            head = dns.message.from_wire(data, question_only=True)
        except (dns.exception.DNSException, ValueError):
            return  # junk is not an answer; the question waits for the real one
        question = self.pending.get(head.id)
        if question is None or question.message is None:
            return
        if not question.message.is_response(head):
            return
        del self.pending[head.id]
        self.batch.answered(question, head, data)

    def error_received(self, exc: Exception) -> None:
        # An ICMP error on a connected socket: this server cannot be reached (port closed).
        for question in list(self.pending.values()):
            self.batch.server_failed(question, f"{self.server.address}: {exc}")
        self.pending.clear()

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is not None:
            self.error_received(exc)


class DnsBatch:
    """Questions to one resolver's servers, each sent at once; answers arrive as futures.

    ``ask()`` never raises: its future holds the answer's RRset (CNAMEs followed) or the
    :class:`DnsError` that says why there is none."""

    def __init__(
        self, resolver: dns.asyncresolver.Resolver, *, max_in_flight: int = MAX_IN_FLIGHT
    ) -> None:
        self.resolver = resolver
        self.servers = name_servers(resolver)
        self.max_in_flight = max_in_flight
        self._sockets: dict[NameServer, _Socket] = {}
        self._opening: set[NameServer] = set()
        self._waiting: deque[_Question] = deque()
        self._in_flight = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def open_sockets(self) -> int:
        return len(self._sockets)

    # -------------------------------------------------------------- asking

    def ask(self, name: str | dns.name.Name, rdtype: str) -> asyncio.Future[Reply]:
        """Send the question now (or as soon as a slot is free); the future holds a Reply."""
        import dns.name

        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._start_over(loop)
        future: asyncio.Future[Reply] = loop.create_future()
        if isinstance(name, dns.name.Name):
            qname, shown = name, name.to_text(omit_final_dot=True)
        else:
            qname, shown = dns.name.from_text(name), name
        if self.servers is None:
            self._spawn(self._via_resolver(qname, shown, rdtype, future))
            return future
        question = _Question(qname, shown, rdtype, future)
        question.deadline = loop.time() + float(self.resolver.lifetime)
        future.add_done_callback(lambda _: self._forget(question))
        self._enqueue(question)
        return future

    def _start_over(self, loop: asyncio.AbstractEventLoop) -> None:
        """A checker can outlive an event loop (one ``asyncio.run`` per command): whatever
        the last loop left behind (sockets, slots of questions it never finished) is its own."""
        self._loop = loop
        self._sockets.clear()
        self._opening.clear()
        self._waiting.clear()
        self._in_flight = 0
        self._tasks.clear()

    async def query(self, name: str | dns.name.Name, rdtype: str) -> dns.rrset.RRset:
        """One question; the answer's RRset, or a DnsError raised."""
        reply = await self.ask(name, rdtype)
        if isinstance(reply, DnsError):
            raise reply
        return reply

    async def _via_resolver(
        self, qname: dns.name.Name, shown: str, rdtype: str, future: asyncio.Future[Reply]
    ) -> None:
        try:
            answer = await query(self.resolver, qname, rdtype)
        except DnsError as error:
            reply: Reply = error
        else:
            rrset = answer.rrset
            reply = rrset if rrset is not None else DnsError(DnsFailure.NO_ANSWER, shown, rdtype)
        if not future.done():
            future.set_result(reply)

    def _enqueue(self, question: _Question) -> None:
        """Send now when the server's socket is open and a slot is free; else wait in line
        (a burst asked before the socket opens goes out in one go when it does)."""
        channel = self._sockets.get(self._next_server(question))
        ready = channel is not None and channel.transport is not None
        if ready and not self._waiting and self._in_flight < self.max_in_flight:
            assert channel is not None
            self._send(question, channel, channel.server, asyncio.get_running_loop())
            return
        self._waiting.append(question)
        if not ready and self._next_server(question) not in self._opening:
            self._pump()  # starts opening the socket

    def _pump(self) -> None:
        """Send what waits, while slots are free; open the sockets it needs."""
        assert self.servers is not None
        loop = asyncio.get_running_loop()
        held: list[_Question] = []
        while self._waiting and self._in_flight < self.max_in_flight:
            question = self._waiting.popleft()
            if question.future.done():
                continue
            server = self.servers[question.tries % len(self.servers)]
            channel = self._sockets.get(server)
            if channel is None or channel.transport is None:
                held.append(question)
                if server not in self._opening:
                    self._opening.add(server)
                    self._spawn(self._open(server))
                continue
            self._send(question, channel, server, loop)
        self._waiting.extendleft(reversed(held))

    def _send(
        self,
        question: _Question,
        channel: _Socket,
        server: NameServer,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        import dns.message

        resolver = self.resolver
        message = dns.message.make_query(
            question.name,
            question.rdtype,
            use_edns=resolver.edns,
            ednsflags=resolver.ednsflags,
            payload=resolver.payload,
            options=resolver.ednsoptions,
        )
        if resolver.flags is not None:
            message.flags = resolver.flags
        while message.id in channel.pending:  # ids are random; two alike on one socket clash
            message.id = random_id()
        question.message, question.server = message, server
        question.tries += 1
        channel.pending[message.id] = question
        self._in_flight += 1
        remaining = question.deadline - loop.time()
        wait = max(0.0, min(float(resolver.timeout), remaining))
        question.timer = loop.call_later(wait, self._timed_out, question)
        assert channel.transport is not None
        try:
            channel.transport.sendto(message.to_wire())
        except OSError as error:
            self.server_failed(question, f"{server.address}: {error}")

    async def _open(self, server: NameServer) -> None:
        loop = asyncio.get_running_loop()
        try:
            family = socket.AF_INET6 if ":" in server.address else socket.AF_INET
            await loop.create_datagram_endpoint(
                lambda: self._new_socket(server),
                remote_addr=(server.address, server.port),
                family=family,
            )
        except OSError as error:
            self._opening.discard(server)
            for question in [q for q in self._waiting if self._next_server(q) == server]:
                self._waiting.remove(question)
                question.tries += 1
                question.failures.append(f"{server.address}: {error}")
                self._retry_or_fail(question, DnsFailure.NO_NAMESERVERS)
            return
        self._opening.discard(server)
        self._pump()

    def _new_socket(self, server: NameServer) -> _Socket:
        channel = _Socket(self, server)
        self._sockets[server] = channel
        return channel

    def _next_server(self, question: _Question) -> NameServer:
        assert self.servers is not None
        return self.servers[question.tries % len(self.servers)]

    # -------------------------------------------------------------- answers and failures

    def answered(self, question: _Question, head: dns.message.Message, wire: bytes) -> None:
        """An answer from the server asked: the RRset, an error, or a retry (TC, SERVFAIL).

        ``head`` is the answer read up to its question; the rest is read only when the
        answer has records to give (NOERROR) or the query carried EDNS, whose OPT record
        can extend the response code."""
        import dns.exception
        import dns.flags
        import dns.message
        import dns.rcode

        self._done_trying(question)
        if head.flags & dns.flags.TC:
            self._spawn(self._over_tcp(question))
            return
        if head.rcode() != dns.rcode.NOERROR and self.resolver.edns < 0:
            self._judge(question, head)  # without EDNS the header's code is the whole code
            return
        try:
            response = dns.message.from_wire(wire)
        except (dns.exception.DNSException, ValueError) as error:
            assert question.server is not None
            question.failures.append(f"{question.server.address} sent a broken answer: {error}")
            self._retry_or_fail(question, DnsFailure.NO_NAMESERVERS)
            return
        self._judge(question, response)

    def _judge(self, question: _Question, response: dns.message.Message) -> None:
        read = read_response(response, question.shown, question.rdtype)
        if isinstance(read, ServerFailure):
            assert question.server is not None
            question.failures.append(f"{question.server.address} {read.text}")
            self._retry_or_fail(question, read.kind)
            return
        self._settle(question, read)

    async def _over_tcp(self, question: _Question) -> None:
        import dns.asyncquery
        import dns.exception

        assert question.message is not None and question.server is not None
        remaining = question.deadline - asyncio.get_running_loop().time()
        try:
            response = await dns.asyncquery.tcp(
                question.message,
                question.server.address,
                timeout=max(0.01, remaining),
                port=question.server.port,
            )
        except dns.exception.Timeout:
            self._settle(question, self._error(question, DnsFailure.TIMEOUT))
            return
        except (OSError, dns.exception.DNSException) as error:
            question.failures.append(f"{question.server.address} over TCP: {error}")
            self._retry_or_fail(question, DnsFailure.NO_NAMESERVERS)
            return
        self._judge(question, response)

    def _timed_out(self, question: _Question) -> None:
        self._unregister(question)
        self._done_trying(question)
        if asyncio.get_running_loop().time() >= question.deadline - 0.001:
            self._settle(question, self._error(question, DnsFailure.TIMEOUT))
            return
        self._enqueue(question)  # the next server (or the same one) gets another try

    def server_failed(self, question: _Question, why: str) -> None:
        """The server could not be reached for this question: the next one, or an error."""
        self._unregister(question)
        self._done_trying(question)
        question.failures.append(why)
        self._retry_or_fail(question, DnsFailure.NO_NAMESERVERS)

    def _retry_or_fail(self, question: _Question, kind: DnsFailure) -> None:
        assert self.servers is not None
        if question.tries < len(self.servers):
            self._enqueue(question)
            return
        detail = (
            ""
            if kind in (DnsFailure.SERVFAIL, DnsFailure.REFUSED)
            else "; ".join(question.failures[:3])
        )
        self._settle(question, self._error(question, kind, detail))

    def _error(self, question: _Question, kind: DnsFailure, detail: str = "") -> DnsError:
        return DnsError(kind, question.shown, question.rdtype, detail)

    def _settle(self, question: _Question, reply: Reply) -> None:
        if not question.future.done():
            question.future.set_result(reply)

    def _done_trying(self, question: _Question) -> None:
        """The current try is over (answered, timed out, failed): free its slot and timer."""
        if question.timer is not None:
            question.timer.cancel()
            question.timer = None
            self._in_flight -= 1
            if self._waiting:
                asyncio.get_running_loop().call_soon(self._pump)

    def _unregister(self, question: _Question) -> None:
        if question.message is None or question.server is None:
            return
        channel = self._sockets.get(question.server)
        if channel is not None and channel.pending.get(question.message.id) is question:
            del channel.pending[question.message.id]

    def _forget(self, question: _Question) -> None:
        """The future is done (answered, failed or cancelled): nothing more waits on it."""
        self._unregister(question)
        self._done_trying(question)
        with contextlib.suppress(ValueError):
            self._waiting.remove(question)
        if not self._waiting and self._in_flight == 0:
            asyncio.get_running_loop().call_soon(self._close_if_idle)

    def _close_if_idle(self) -> None:
        if self._waiting or self._in_flight or self._opening:
            return
        for channel in self._sockets.values():
            if channel.transport is not None:
                channel.transport.close()
        self._sockets.clear()

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


__all__ = ["MAX_IN_FLIGHT", "DnsBatch", "NameServer", "Reply", "name_servers", "reply_texts"]

"""The connected UDP socket to one name server and the questions waiting on it (issue 15).

Part of :class:`smtp_tui.core.dns_batch.DnsBatch`: the batch decides what to send where and
what an answer means; a channel puts queries on the wire, hears its server's datagrams, reads
each up to its question (dnspython, ``question_only``: enough to match it, and for the usual
NXDOMAIN of a list that does not list the address, enough to judge it) and hands the answer to
the question it answers. The connected socket only hears from that server; junk and answers to
questions nobody asked (a wrong id, or the right id with another question) are dropped, and
the question waits for its real answer.

A plain non-blocking socket watched by the event loop, not an asyncio datagram transport: it
opens at once, so the first question leaves as it is asked instead of after the whole burst
was queued behind an opening socket, and the answers already waiting are read a few to a turn
of the loop instead of one turn each. A query the kernel cannot take yet (a full send buffer)
waits in order until the socket is writable.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import deque
from typing import TYPE_CHECKING, Protocol

from smtp_tui.core.dns_query_wire import answers_question
from smtp_tui.core.dns_reply import Expect

if TYPE_CHECKING:
    import dns.message
    import dns.name

    from smtp_tui.core.dns_reply import NameServer, Reply

# A burst's answers can arrive faster than they are read: room for all of them (the kernel caps
# it at net.core.rmem_max), so none is dropped and retried a timeout later.
RECEIVE_BUFFER = 1 << 20
# Answers read in one turn of the event loop: a few, not a whole burst, so a question that
# depends on one of them (a PTR's forward confirmation) leaves after a few answers are read,
# not after all 160 of a sweep.
READS_PER_TURN = 4


class Question:
    """One question in flight: what was asked, where it went, and how long it may still take."""

    __slots__ = (
        "deadline",
        "expect",
        "failures",
        "future",
        "name",
        "query_id",
        "rdtype",
        "rdtype_number",
        "server",
        "shown",
        "timer",
        "tries",
    )

    def __init__(
        self,
        name: dns.name.Name,
        shown: str,
        rdtype: str,
        rdtype_number: int,
        future: asyncio.Future[Reply],
        expect: Expect = Expect.NOTHING,
    ) -> None:
        self.name = name
        self.expect = expect  # what its answer likely holds: which socket it goes out on
        self.shown = shown
        self.rdtype = rdtype
        self.rdtype_number = rdtype_number
        self.future = future
        self.deadline = 0.0
        self.tries = 0  # servers asked so far (the next one is servers[tries % len])
        self.failures: list[str] = []  # what each server said, for the final error
        self.query_id: int | None = None  # the id of the try on the wire
        self.server: NameServer | None = None
        self.timer: asyncio.TimerHandle | None = None


class AnswerSink(Protocol):
    """What a channel tells its batch."""

    def answered(
        self, question: Question, head: dns.message.Message, wire: bytes, whole: bool
    ) -> None: ...

    def server_failed(self, question: Question, why: str) -> None: ...


class ServerChannel:
    """The connected UDP socket to one server and the questions waiting on it, by id.

    ``expect`` is what the answers on this socket likely hold (:class:`Expect`): each is read
    whole at once when it likely has records, else up to its question first (the sink reads
    the rest if there is more). Which question an answer is for is known only once it is
    read, so the guess is the socket's: the batch gives each kind of question its own.

    Opening raises OSError (no route, no IPv6); so does nothing else: a failure to send or
    to hear is told to the sink, for the questions it concerns."""

    def __init__(
        self,
        sink: AnswerSink,
        server: NameServer,
        loop: asyncio.AbstractEventLoop,
        expect: Expect = Expect.NOTHING,
    ) -> None:
        self.sink = sink
        self.server = server
        self.pending: dict[int, Question] = {}
        self._whole_first = expect is Expect.RECORDS
        self._learns = expect is Expect.LIKE_LAST
        self._loop = loop
        self._unsent: deque[tuple[bytes, int, Question]] = deque()
        family = socket.AF_INET6 if ":" in server.address else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_DGRAM)
        try:
            self._socket.setblocking(False)
            with contextlib.suppress(OSError):
                self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
            self._socket.connect((server.address, server.port))
            loop.add_reader(self._socket.fileno(), self._readable)
        except (OSError, NotImplementedError):  # a loop that cannot watch sockets, too
            self._socket.close()
            raise
        self.closed = False

    def send(self, wire: bytes, query_id: int, question: Question) -> None:
        """Put a query on the wire now, or as soon as the socket can take it."""
        if self._unsent:
            self._unsent.append((wire, query_id, question))
            return
        try:
            self._socket.send(wire)
        except BlockingIOError:
            self._unsent.append((wire, query_id, question))
            self._loop.add_writer(self._socket.fileno(), self._writable)
        except OSError as error:
            self._send_failed(query_id, question, error)

    def _writable(self) -> None:
        while self._unsent:
            wire, query_id, question = self._unsent[0]
            if self.pending.get(query_id) is not question:
                self._unsent.popleft()  # answered, timed out or cancelled meanwhile
                continue
            try:
                self._socket.send(wire)
            except BlockingIOError:
                return
            except OSError as error:
                self._unsent.popleft()
                self._send_failed(query_id, question, error)
                continue
            self._unsent.popleft()
        self._loop.remove_writer(self._socket.fileno())

    def _send_failed(self, query_id: int, question: Question, error: OSError) -> None:
        if isinstance(error, ConnectionError):
            self._unreachable(error)  # an earlier query's ICMP error, reported on this send
        elif self.pending.get(query_id) is question:
            self._failed(question, error)

    def _readable(self) -> None:
        """The datagrams waiting (a few a turn), each to its question."""
        for _ in range(READS_PER_TURN):
            if self.closed:
                return
            try:
                data = self._socket.recv(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:
                self._unreachable(error)
                return
            self._received(data)

    def _unreachable(self, error: OSError) -> None:
        """An ICMP error on a connected socket: this server cannot be reached (port closed).
        Every question waiting on it goes to the next server, or fails."""
        for question in list(self.pending.values()):
            self._failed(question, error)

    def _received(self, data: bytes) -> None:
        import dns.exception
        import dns.message

        whole = self._whole_first
        try:
            head = dns.message.from_wire(data, question_only=not whole)
        except (dns.exception.DNSException, ValueError):
            if not whole:
                return  # junk is not an answer; the question waits for the real one
            # What is broken may lie past the question: the sink says what, to its question.
            whole = False
            try:
                head = dns.message.from_wire(data, question_only=True)
            except (dns.exception.DNSException, ValueError):
                return
        question = self.pending.get(head.id)
        if question is None or not answers_question(head, question.name, question.rdtype_number):
            return
        del self.pending[head.id]
        if self._learns:
            self._whole_first = head.rcode() == 0  # NOERROR: the next one likely has records
        self.sink.answered(question, head, data, whole)

    def _failed(self, question: Question, error: OSError) -> None:
        self.forget(question)
        self.sink.server_failed(question, f"{self.server.address}: {error}")

    def forget(self, question: Question) -> None:
        """The question's try is over: its id no longer waits on this socket."""
        if question.query_id is not None and self.pending.get(question.query_id) is question:
            del self.pending[question.query_id]

    def close(self) -> None:
        """Stop watching the socket and close it (on a loop that ended, just close it)."""
        if self.closed:
            return
        self.closed = True
        if not self._loop.is_closed():
            self._loop.remove_reader(self._socket.fileno())
            if self._unsent:
                self._loop.remove_writer(self._socket.fileno())
        self._socket.close()
        self.pending.clear()
        self._unsent.clear()

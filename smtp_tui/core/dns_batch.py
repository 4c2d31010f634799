"""Many DNS questions at once over one UDP socket per name server (issue 15).

A blacklist sweep asks about 160 tiny questions that do not depend on each other. dnspython's
async resolver gives each its own socket, task and timer, which costs more CPU than the round
trip it waits for. Here every question is sent as soon as it is asked, from one connected UDP
socket per name server (:mod:`dns_channel`), and each answer is matched to its question by id
and question; the connected socket only hears from that server. Every message is written and
read by dnspython (:mod:`dns_query_wire`); a truncated answer is asked again over TCP
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
from collections import deque
from typing import TYPE_CHECKING, Any

from smtp_tui.core.dns import DnsError, DnsFailure, query
from smtp_tui.core.dns_channel import Question, ServerChannel
from smtp_tui.core.dns_query_wire import QueryWire, rdtype_number
from smtp_tui.core.dns_reply import (
    Expect,
    NameServer,
    Reply,
    ServerFailure,
    name_servers,
    random_id,
    read_response,
    reply_texts,
)

if TYPE_CHECKING:
    from collections.abc import Coroutine

    import dns.asyncresolver
    import dns.message
    import dns.name
    import dns.rrset

MAX_IN_FLIGHT = 256  # a whole sweep (about 160 questions) in one burst; more waits for slots
_TC = 0x0200  # dns.flags.TC, as a number: a Flag operation per answer costs more


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
        # One socket per server and kind of expected answer (see Expect), keyed by a tuple:
        # it hashes in C, a NameServer record in Python, and the key is looked up for every
        # question sent and every one answered.
        self._sockets: dict[tuple[str, int, Expect], ServerChannel] = {}
        self._waiting: deque[Question] = deque()
        self._in_flight = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        # The question of each future still waiting; its done callback finds it here.
        self._questions: dict[asyncio.Future[Reply], Question] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_watches_sockets = True
        self._wire: QueryWire | None = None  # made with the first question sent

    @property
    def open_sockets(self) -> int:
        return len(self._sockets)

    # -------------------------------------------------------------- asking

    def ask(
        self,
        name: str | dns.name.Name,
        rdtype: str,
        *,
        shown: str | None = None,
        expect: Expect = Expect.NOTHING,
    ) -> asyncio.Future[Reply]:
        """Send the question now (or as soon as a slot is free); the future holds a Reply.

        ``shown`` is the name as errors show it (default: the name's text). ``expect``, what
        the answer likely holds, decides only how it is read (:class:`Expect`): questions
        of each kind share a socket of their own."""
        import dns.name

        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._start_over(loop)
        future: asyncio.Future[Reply] = loop.create_future()
        if isinstance(name, dns.name.Name):
            qname = name
            shown = shown if shown is not None else name.to_text(omit_final_dot=True)
        else:
            qname, shown = dns.name.from_text(name), shown if shown is not None else name
        if self.servers is None or not self._loop_watches_sockets:
            task = self._spawn(self._via_resolver(qname, shown, rdtype, future))
            # Esc cancels the question's future: the resolver's query stops with it.
            future.add_done_callback(lambda done: task.cancel() if done.cancelled() else None)
            return future
        question = Question(qname, shown, rdtype, rdtype_number(rdtype), future, expect)
        question.deadline = loop.time() + float(self.resolver.lifetime)
        # Only a caller's cancel needs the callback: a settled question is forgotten at once
        # (``_settle`` removes it), which spares the loop one callback per answer.
        self._questions[future] = question
        future.add_done_callback(self._future_done)
        self._enqueue(question)
        return future

    def _start_over(self, loop: asyncio.AbstractEventLoop) -> None:
        """A checker can outlive an event loop (one ``asyncio.run`` per command): whatever
        the last loop left behind (sockets, slots of questions it never finished) is its own."""
        self._loop = loop
        # The channels are sockets the loop watches (add_reader); Windows' proactor loop
        # cannot, so there every question goes through dnspython's resolver instead.
        self._loop_watches_sockets = not isinstance(loop, getattr(asyncio, "ProactorEventLoop", ()))
        for channel in self._sockets.values():
            channel.close()
        self._sockets.clear()
        self._waiting.clear()
        self._in_flight = 0
        self._tasks.clear()
        self._questions.clear()

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

    def _enqueue(self, question: Question) -> None:
        """Send now when a slot is free (and nothing waits before it); else wait in line."""
        if not self._waiting and self._in_flight < self.max_in_flight:
            self._send(question, asyncio.get_running_loop())
        else:
            self._waiting.append(question)

    def _pump(self) -> None:
        """Send what waits, while slots are free."""
        loop = asyncio.get_running_loop()
        while self._waiting and self._in_flight < self.max_in_flight:
            question = self._waiting.popleft()
            if not question.future.done():
                self._send(question, loop)

    def _send(self, question: Question, loop: asyncio.AbstractEventLoop) -> None:
        """The question's next try: to the next server, on that server's socket."""
        server = self._next_server(question)
        key = (server.address, server.port, question.expect)
        channel = self._sockets.get(key)
        if channel is None:
            try:
                channel = self._sockets[key] = ServerChannel(self, server, loop, question.expect)
            except (OSError, NotImplementedError) as error:
                question.tries += 1
                question.failures.append(f"{server.address}: {error}")
                self._retry_or_fail(question, DnsFailure.NO_NAMESERVERS)
                return
        if self._wire is None:
            self._wire = QueryWire(self.resolver)
        query_id = random_id()
        while query_id in channel.pending:  # ids are random; two alike on one socket clash
            query_id = random_id()
        wire = self._wire.render(question.name, question.rdtype_number, query_id)
        question.query_id, question.server = query_id, server
        question.tries += 1
        channel.pending[query_id] = question
        self._in_flight += 1
        remaining = question.deadline - loop.time()
        wait = max(0.0, min(float(self.resolver.timeout), remaining))
        question.timer = loop.call_later(wait, self._timed_out, question)
        channel.send(wire, query_id, question)

    def _next_server(self, question: Question) -> NameServer:
        assert self.servers is not None
        return self.servers[question.tries % len(self.servers)]

    # -------------------------------------------------------------- answers and failures

    def answered(
        self, question: Question, head: dns.message.Message, wire: bytes, whole: bool
    ) -> None:
        """An answer from the server asked: the RRset, an error, or a retry (TC, SERVFAIL).

        ``head`` is the whole answer (``whole``) or the answer read up to its question; then
        the rest is read only when the answer has records to give (NOERROR) or the query
        carried EDNS, whose OPT record can extend the response code."""
        import dns.exception
        import dns.message

        self._done_trying(question)
        if int(head.flags) & _TC:
            self._spawn(self._over_tcp(question))
            return
        if whole or (head.rcode() != 0 and self.resolver.edns < 0):  # not NOERROR
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

    def _judge(self, question: Question, response: dns.message.Message) -> None:
        read = read_response(response, question.shown, question.rdtype)
        if isinstance(read, ServerFailure):
            assert question.server is not None
            question.failures.append(f"{question.server.address} {read.text}")
            self._retry_or_fail(question, read.kind)
            return
        self._settle(question, read)

    async def _over_tcp(self, question: Question) -> None:
        import dns.asyncquery
        import dns.exception

        assert self._wire is not None
        assert question.query_id is not None and question.server is not None
        message = self._wire.message(question.name, question.rdtype, question.query_id)
        remaining = question.deadline - asyncio.get_running_loop().time()
        try:
            response = await dns.asyncquery.tcp(
                message,
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

    def _timed_out(self, question: Question) -> None:
        self._unregister(question)
        self._done_trying(question)
        if asyncio.get_running_loop().time() >= question.deadline - 0.001:
            self._settle(question, self._error(question, DnsFailure.TIMEOUT))
            return
        self._enqueue(question)  # the next server (or the same one) gets another try

    def server_failed(self, question: Question, why: str) -> None:
        """The server could not be reached for this question: the next one, or an error."""
        self._unregister(question)
        self._done_trying(question)
        question.failures.append(why)
        self._retry_or_fail(question, DnsFailure.NO_NAMESERVERS)

    def _retry_or_fail(self, question: Question, kind: DnsFailure) -> None:
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

    def _error(self, question: Question, kind: DnsFailure, detail: str = "") -> DnsError:
        return DnsError(kind, question.shown, question.rdtype, detail)

    def _settle(self, question: Question, reply: Reply) -> None:
        future = question.future
        if future.done():
            return
        if self._questions.pop(future, None) is not None:
            future.remove_done_callback(self._future_done)
        future.set_result(reply)
        self._forget(question)

    def _future_done(self, future: asyncio.Future[Reply]) -> None:
        """A future done other than by ``_settle`` (its caller cancelled it)."""
        question = self._questions.pop(future, None)
        if question is not None:
            self._forget(question)

    def _done_trying(self, question: Question) -> None:
        """The current try is over (answered, timed out, failed): free its slot and timer."""
        if question.timer is not None:
            question.timer.cancel()
            question.timer = None
            self._in_flight -= 1
            if self._waiting:
                asyncio.get_running_loop().call_soon(self._pump)

    def _unregister(self, question: Question) -> None:
        if question.server is None:
            return
        server = question.server
        channel = self._sockets.get((server.address, server.port, question.expect))
        if channel is not None:
            channel.forget(question)

    def _forget(self, question: Question) -> None:
        """The future is done (settled or cancelled): nothing more waits on it."""
        self._unregister(question)
        self._done_trying(question)
        if self._waiting:
            with contextlib.suppress(ValueError):
                self._waiting.remove(question)
        if not self._waiting and self._in_flight == 0:
            asyncio.get_running_loop().call_soon(self._close_if_idle)

    def _close_if_idle(self) -> None:
        if self._waiting or self._in_flight:
            return
        for channel in self._sockets.values():
            channel.close()
        self._sockets.clear()

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task


__all__ = ["MAX_IN_FLIGHT", "DnsBatch", "NameServer", "Reply", "name_servers", "reply_texts"]

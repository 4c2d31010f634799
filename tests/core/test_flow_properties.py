"""A property over the whole step machine: whatever a server sends (any bytes, any codes,
hang-ups, silence) and whatever the user does, :class:`GuidedRun` never raises out of an
action and never leaves a step marked running once nothing is pending (issue 10)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smtp_tui.core.connection import Timeouts
from smtp_tui.core.flow import AUTOMATIC, OFFER, FlowPolicy, GuidedRun
from smtp_tui.core.options import build_options
from smtp_tui.core.record import frozen_record, replace
from smtp_tui.core.steps import Step

HANG_UP = b"<hang up>"  # stand-ins in a script: close the connection, or say nothing
SILENCE = b"<silence>"

_CODES = st.one_of(
    st.sampled_from([220, 221, 250, 251, 252, 334, 354, 421, 450, 452, 500, 502, 530, 550, 554]),
    st.integers(min_value=0, max_value=999),
)
_TEXT = st.binary(max_size=60)


@st.composite
def replies(draw: st.DrawFn) -> bytes:
    """One answer: a well-formed (maybe multi-line) reply, raw bytes, a hang-up or silence."""
    kind = draw(st.sampled_from(["reply", "reply", "reply", "multi", "raw", "hang-up", "silence"]))
    if kind == "hang-up":
        return HANG_UP
    if kind == "silence":
        return SILENCE
    if kind == "raw":
        return draw(st.binary(max_size=120)) + draw(st.sampled_from([b"\r\n", b"\n", b""]))
    code = draw(_CODES)
    lines = draw(st.lists(_TEXT, min_size=1, max_size=4 if kind == "multi" else 1))
    prefix = b"%03d" % code
    return b"".join(
        prefix + (b" " if n == len(lines) - 1 else b"-") + text + b"\r\n"
        for n, text in enumerate(lines)
    )


@frozen_record
class Action:
    """A user action: what the keys of the screen (or plain mode's loop) would do."""

    name: str
    step: Step | None = None
    text: str = ""


ACTIONS = st.one_of(
    st.just(Action("submit offered")),
    st.just(Action("submit offered")),
    st.builds(Action, st.just("go back"), st.sampled_from(list(Step))),
    st.builds(Action, st.just("skip"), st.sampled_from(list(Step))),
    st.just(Action("next host")),
    st.just(Action("probe ports")),
    st.just(Action("test message")),
    st.builds(
        Action,
        st.just("free command"),
        st.none(),
        st.sampled_from(["NOOP", "RSET", "QUIT", "VRFY alice", "STARTTLS", "HELP", "DATA"]),
    ),
)
POLICIES = st.sampled_from([OFFER, AUTOMATIC, replace(AUTOMATIC, starttls=True, data=True)])


class ScriptedServer:
    """A loopback SMTP peer that answers the greeting and each line it gets with the next
    answer of its script, across connections; when the script runs out, it hangs up."""

    def __init__(self, script: list[bytes]) -> None:
        self.answers: Iterator[bytes] = iter(script)
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.handlers: set[asyncio.Task[object]] = set()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _answer(self, writer: asyncio.StreamWriter) -> bool:
        answer = next(self.answers, HANG_UP)
        if answer == HANG_UP:
            return False
        if answer != SILENCE:
            writer.write(answer)
            await writer.drain()
        return True

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        task = asyncio.current_task()
        if task is not None:
            self.handlers.add(task)
        with contextlib.suppress(ConnectionError, OSError, asyncio.LimitOverrunError, ValueError):
            if await self._answer(writer):
                while await reader.readline() and await self._answer(writer):
                    pass
        writer.close()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            for writer in self.writers:  # the connections a silent answer left open
                writer.close()
            if self.handlers:  # each sees its connection end, and finishes
                await asyncio.wait(self.handlers, timeout=2)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(2):
                    await self.server.wait_closed()


@contextlib.asynccontextmanager
async def silent_udp_port() -> AsyncIterator[int]:
    """A DNS "server" that never answers (bound, never read): look-ups time out on loopback."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


@contextlib.contextmanager
def refused_tcp_port() -> Iterator[int]:
    """A port bound but not listening: connecting to it is refused (for the port probes)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


async def act(run: GuidedRun, action: Action) -> None:
    if action.name == "submit offered":
        await run.submit(run.stage, run.prefill(run.stage))
    elif action.name == "free command":
        await run.submit(None, action.text)
    elif action.name == "go back":
        assert action.step is not None
        run.go_back(action.step)
    elif action.name == "skip":
        assert action.step is not None
        run.skip(action.step)
    elif action.name == "next host":
        run.choose_next_host()
    elif action.name == "probe ports":
        await run.probe_ports()
    elif action.name == "test message":
        await run.send_test_message()


async def drive(policy: FlowPolicy, script: list[bytes], actions: list[Action]) -> None:
    server = ScriptedServer(script)
    port = await server.start()
    try:
        async with silent_udp_port() as dns_port:
            with refused_tcp_port() as refused:
                options = build_options(
                    target="alice@scripted.test",
                    mail_from="tester@client.test",
                    helo="client.test",
                    server=f"127.0.0.1:{port}",
                    dns=f"127.0.0.1:{dns_port}",
                    timeout=0.5,
                )
                options = replace(
                    options,
                    timeouts=Timeouts.all(0.5),
                    dns_timeout=0.3,
                    submission_port=port,
                    smtps_port=refused,
                )
                run = GuidedRun(options, policy)
                assert run.open() is None
                try:
                    for action in actions:
                        await act(run, action)  # must not raise
                        assert run.book.running is None, (action, run.book)
                finally:
                    await run.close()
                assert run.book.running is None
    finally:
        await server.stop()


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    policy=POLICIES,
    script=st.lists(replies(), max_size=10),
    actions=st.lists(ACTIONS, min_size=1, max_size=8),
)
def test_any_replies_and_actions_never_raise_nor_leave_a_step_running(
    policy: FlowPolicy, script: list[bytes], actions: list[Action]
) -> None:
    asyncio.run(drive(policy, script, actions))


def test_the_walk_the_screen_offers_passes_against_a_polite_script() -> None:
    """The scripted server itself works: a greeting and three 250s carry a whole session."""
    polite = [b"220 scripted ESMTP\r\n", b"250-scripted\r\n250 8BITMIME\r\n"]
    polite += [b"250 2.1.0 Ok\r\n", b"250 2.1.5 Ok\r\n", b"221 Bye\r\n"]

    async def walk() -> None:
        server = ScriptedServer(polite)
        port = await server.start()
        try:
            options = build_options(
                target="alice@scripted.test",
                mail_from="tester@client.test",
                helo="client.test",
                server=f"127.0.0.1:{port}",
                dns="127.0.0.1:9",
                timeout=0.5,
            )
            run = GuidedRun(options, AUTOMATIC)
            assert run.open() is None
            for _ in range(4):  # connect, EHLO, MAIL FROM, RCPT TO
                await act(run, Action("submit offered"))
            assert run.finished and run.book.all_passed
            await run.close()
        finally:
            await server.stop()

    asyncio.run(walk())

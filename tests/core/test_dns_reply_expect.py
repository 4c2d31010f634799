"""What an answer is expected to hold decides only how it is read, never the reply."""

import asyncio

import dns.message
import dns.rrset
import pytest

from smtp_tui.core.dns import DnsError, DnsFailure, make_resolver, parse_dns_server
from smtp_tui.core.dns_batch import DnsBatch
from smtp_tui.core.dns_reply import Expect
from tests.core.test_dns_batch import QUESTIONS, outcome  # the same questions, read alike


@pytest.mark.parametrize("expect", list(Expect))
async def test_every_expectation_gives_the_same_replies(resolver, expect):
    plain = DnsBatch(resolver)
    expected = await asyncio.gather(*(plain.ask(name, kind) for name, kind in QUESTIONS))
    batch = DnsBatch(resolver)
    # Twice in a row, so that a socket that learns has learnt from every kind of answer.
    for _ in range(2):
        found = await asyncio.gather(
            *(batch.ask(name, kind, expect=expect) for name, kind in QUESTIONS)
        )
        assert [outcome(f) for f in found] == [outcome(e) for e in expected]


async def test_each_expectation_has_its_own_socket_and_none_lingers(resolver):
    batch = DnsBatch(resolver)
    asked = [batch.ask("lab.test.", "TXT", expect=expect) for expect in Expect]
    assert batch.open_sockets == len(Expect)
    await asyncio.gather(*asked)
    await asyncio.sleep(0)
    assert batch.open_sockets == 0


class BrokenPastTheQuestion(asyncio.DatagramProtocol):
    """Answers with a sound header and question and an answer record cut short."""

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        asked = dns.message.from_wire(data)
        answer = dns.message.make_response(asked)
        answer.answer.append(
            dns.rrset.from_text(asked.question[0].name, 60, "IN", "A", "127.0.0.2")
        )
        self.transport.sendto(answer.to_wire()[:-2], addr)


@pytest.mark.parametrize("expect", list(Expect))
async def test_an_answer_broken_past_its_question_is_reported_as_broken(expect):
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        BrokenPastTheQuestion, local_addr=("127.0.0.1", 0)
    )
    try:
        port = transport.get_extra_info("sockname")[1]
        resolver = make_resolver(parse_dns_server(f"127.0.0.1:{port}"), timeout=2.0)
        found = await DnsBatch(resolver).ask("listed.lab.test.", "A", expect=expect)
        assert isinstance(found, DnsError) and found.kind is DnsFailure.NO_NAMESERVERS
        assert "broken answer" in str(found)
    finally:
        transport.close()

"""Many questions over one socket: the same answers and the same failures as the resolver."""

import asyncio
import socket
import threading

import dns.message
import dns.nameserver
import dns.rrset
import pytest

from smtp_tui.core.dns import DnsError, DnsFailure, make_resolver, parse_dns_server, query
from smtp_tui.core.dns_batch import DnsBatch, NameServer, name_servers, reply_texts
from smtp_tui.lab.dns_server import LabDnsServer, load_lab_zones

QUESTIONS = [
    ("mx1.example.test.", "A"),  # an address
    ("mail.cname.test.", "A"),  # through a CNAME
    ("lab.test.", "TXT"),
    ("2.0.0.127.bl.dnsbl.test.", "A"),
    ("1.0.0.127.bl.dnsbl.test.", "A"),  # NXDOMAIN
    ("lab.test.", "SRV"),  # the name exists, the type does not
    ("x.servfail.test.", "A"),  # SERVFAIL
    ("example.org.", "A"),  # outside the lab's zones: REFUSED
]


def outcome(found):
    """An answer as comparable text, or the failure's kind."""
    if isinstance(found, DnsError):
        return found.kind
    return sorted(rdata.to_text() for rdata in found)


@pytest.mark.parametrize(("name", "rdtype"), QUESTIONS)
async def test_each_answer_and_failure_is_the_resolvers(resolver, name, rdtype):
    try:
        expected = outcome(await query(resolver, name, rdtype))
    except DnsError as error:
        expected = error.kind
    assert outcome(await DnsBatch(resolver).ask(name, rdtype)) == expected


async def test_all_questions_leave_at_once_and_each_gets_its_own_answer(resolver):
    batch = DnsBatch(resolver)
    asked = [batch.ask(name, rdtype) for name, rdtype in QUESTIONS]
    found = await asyncio.gather(*asked)
    assert isinstance(found[0], dns.rrset.RRset)
    assert reply_texts(found[2], "TXT") == ["v=spf1 ip4:127.0.0.1 -all"]
    assert [f.kind for f in found if isinstance(f, DnsError)] == [
        DnsFailure.NXDOMAIN,
        DnsFailure.NO_ANSWER,
        DnsFailure.SERVFAIL,
        DnsFailure.REFUSED,
    ]
    await asyncio.sleep(0)  # the idle check runs on the next turn of the loop
    assert batch.open_sockets == 0  # nothing lingers once every question is answered


async def test_a_silent_server_times_out_within_the_resolvers_lifetime(lab):
    resolver = make_resolver(parse_dns_server(lab.dns), timeout=0.3)
    found = await DnsBatch(resolver).ask("x.blackhole.test.", "A")
    assert isinstance(found, DnsError) and found.kind is DnsFailure.TIMEOUT
    assert "no answer before the timeout" in str(found)


async def test_a_truncated_answer_is_asked_again_over_tcp():
    server = LabDnsServer(load_lab_zones())
    long_text = " ".join(f'"{index:03d} {"x" * 90}"' for index in range(8))  # > 512 bytes
    server.answerer.add_record("big.lab.test.", "TXT", long_text)
    await server.start()
    try:
        resolver = make_resolver(parse_dns_server(f"127.0.0.1:{server.port}"), timeout=2.0)
        found = reply_texts(await DnsBatch(resolver).ask("big.lab.test.", "TXT"), "TXT")
        assert not isinstance(found, DnsError)
        assert len(found[0]) > 512 and found[0].startswith("000 x")
    finally:
        await server.stop()


def closed_udp_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_an_unreachable_server_is_no_nameservers_not_a_timeout():
    resolver = make_resolver(parse_dns_server(f"127.0.0.1:{closed_udp_port()}"), timeout=5.0)
    found = await DnsBatch(resolver).ask("lab.test.", "A")
    assert isinstance(found, DnsError) and found.kind is DnsFailure.NO_NAMESERVERS


async def test_the_next_server_is_asked_when_the_first_cannot_be_reached(lab):
    resolver = make_resolver(parse_dns_server(lab.dns), timeout=5.0)
    lab_port = resolver.port
    resolver.nameservers = [
        dns.nameserver.Do53Nameserver("127.0.0.1", closed_udp_port()),
        dns.nameserver.Do53Nameserver("127.0.0.1", lab_port),
    ]
    assert len(name_servers(resolver) or ()) == 2
    found = await DnsBatch(resolver).ask("lab.test.", "TXT")
    assert reply_texts(found, "TXT") == ["v=spf1 ip4:127.0.0.1 -all"]


class Impostor(asyncio.DatagramProtocol):
    """Answers every query three times: a wrong id, the right id with another question, and
    the real answer last."""

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        asked = dns.message.from_wire(data)
        wrong_id = dns.message.make_response(asked)
        wrong_id.id = (asked.id + 1) % 65536
        wrong_id.answer.append(
            dns.rrset.from_text(asked.question[0].name, 60, "IN", "A", "6.6.6.6")
        )
        other = dns.message.make_query("other.lab.test.", "A")
        other.id = asked.id
        wrong_question = dns.message.make_response(other)
        wrong_question.answer.append(
            dns.rrset.from_text("other.lab.test.", 60, "IN", "A", "6.6.6.7")
        )
        real = dns.message.make_response(asked)
        real.answer.append(dns.rrset.from_text(asked.question[0].name, 60, "IN", "A", "127.0.0.2"))
        for message in (wrong_id, wrong_question):
            self.transport.sendto(message.to_wire(), addr)
        self.transport.sendto(b"\x00junk", addr)
        self.transport.sendto(real.to_wire(), addr)


async def test_only_the_answer_to_the_question_asked_is_taken():
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(Impostor, local_addr=("127.0.0.1", 0))
    try:
        port = transport.get_extra_info("sockname")[1]
        resolver = make_resolver(parse_dns_server(f"127.0.0.1:{port}"), timeout=2.0)
        found = await DnsBatch(resolver).ask("listed.lab.test.", "A")
        assert reply_texts(found, "A") == ["127.0.0.2"]
    finally:
        transport.close()


async def test_a_cancelled_question_is_forgotten(lab):
    resolver = make_resolver(parse_dns_server(lab.dns), timeout=5.0)
    batch = DnsBatch(resolver)
    waiting = batch.ask("x.blackhole.test.", "A")
    answered = batch.ask("lab.test.", "TXT")
    assert not isinstance(await answered, DnsError)
    waiting.cancel()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert batch.open_sockets == 0


def test_servers_other_than_plain_dns_go_through_the_resolver():
    resolver = make_resolver(parse_dns_server("127.0.0.1:5353"))
    assert name_servers(resolver) == (NameServer("127.0.0.1", 5353),)
    resolver.nameservers = ["https://dns.example/dns-query"]
    assert name_servers(resolver) is None


async def test_more_questions_than_slots_all_get_their_answer(resolver):
    batch = DnsBatch(resolver, max_in_flight=4)
    names = [f"{n}.0.0.127.bl.dnsbl.test." for n in range(1, 31)]
    found = await asyncio.gather(*(batch.ask(name, "A") for name in names))
    assert reply_texts(found[1], "A") == ["127.0.0.2"]  # 2.0.0.127: the listed test point
    assert all(isinstance(f, DnsError | dns.rrset.RRset) for f in found)
    assert not any(isinstance(f, DnsError) and f.kind is DnsFailure.TIMEOUT for f in found)


@pytest.fixture
def lab_dns_port_for_loops():
    """The lab DNS server on its own thread and loop, so tests can run several loops."""
    loop = asyncio.new_event_loop()
    server = LabDnsServer(load_lab_zones())
    started = threading.Event()

    def serve():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(10)
    yield server.port
    asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def test_a_batch_outlives_its_event_loop(lab_dns_port_for_loops):
    resolver = make_resolver(parse_dns_server(f"127.0.0.1:{lab_dns_port_for_loops}"), timeout=2.0)
    batch = DnsBatch(resolver)

    async def ask_and_leave_one_behind():
        batch.ask("x.blackhole.test.", "A")  # never answered before the loop ends
        return reply_texts(await batch.ask("lab.test.", "TXT"), "TXT")

    assert asyncio.run(ask_and_leave_one_behind()) == ["v=spf1 ip4:127.0.0.1 -all"]
    assert asyncio.run(ask_and_leave_one_behind()) == ["v=spf1 ip4:127.0.0.1 -all"]

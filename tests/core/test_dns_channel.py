"""One server's socket: queries the kernel cannot take yet go out later, in order; a closed
port fails every question waiting on it at once."""

import asyncio

from smtp_tui.core.dns import DnsError, DnsFailure, make_resolver, parse_dns_server
from smtp_tui.core.dns_batch import DnsBatch, reply_texts
from smtp_tui.core.dns_channel import ServerChannel

from .test_dns_batch import closed_udp_port


class FullSendBuffer:
    """A socket whose first ``refusals`` sends find the send buffer full."""

    def __init__(self, real, refusals):
        self.real = real
        self.refusals = refusals
        self.sent = []

    def send(self, wire):
        if self.refusals:
            self.refusals -= 1
            raise BlockingIOError
        self.sent.append(wire)
        return self.real.send(wire)

    def __getattr__(self, name):
        return getattr(self.real, name)


async def test_queries_the_kernel_cannot_take_yet_leave_when_it_can(lab, monkeypatch):
    resolver = make_resolver(parse_dns_server(lab.dns), timeout=5.0)
    batch = DnsBatch(resolver)
    opened = []
    original_init = ServerChannel.__init__

    def open_with_a_full_buffer(self, *args):
        original_init(self, *args)
        self._socket = FullSendBuffer(self._socket, refusals=2)
        opened.append(self)

    monkeypatch.setattr(ServerChannel, "__init__", open_with_a_full_buffer)
    names = ["2.0.0.127.bl.dnsbl.test.", "1.0.0.127.bl.dnsbl.test.", "lab.test."]
    asked = [batch.ask(names[0], "A"), batch.ask(names[1], "A"), batch.ask(names[2], "TXT")]
    found = await asyncio.gather(*asked)
    assert reply_texts(found[0], "A") == ["127.0.0.2"]
    assert isinstance(found[1], DnsError) and found[1].kind is DnsFailure.NXDOMAIN
    assert reply_texts(found[2], "TXT") == ["v=spf1 ip4:127.0.0.1 -all"]
    assert len(opened) == 1 and len(opened[0]._socket.sent) == 3  # each once, once it could


async def test_a_closed_port_fails_every_question_waiting_on_it():
    resolver = make_resolver(parse_dns_server(f"127.0.0.1:{closed_udp_port()}"), timeout=5.0)
    batch = DnsBatch(resolver)
    found = await asyncio.gather(*(batch.ask(f"{n}.lab.test.", "A") for n in range(20)))
    assert all(isinstance(f, DnsError) and f.kind is DnsFailure.NO_NAMESERVERS for f in found)
    await asyncio.sleep(0)
    assert batch.open_sockets == 0

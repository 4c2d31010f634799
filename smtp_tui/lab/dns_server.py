"""A small authoritative DNS server for the lab, on loopback, over UDP and TCP.

Messages are parsed and built with dnspython (``dns.message``, ``dns.zone``); no packet is made
by hand. Names under ``servfail.test`` answer SERVFAIL and names under ``blackhole.test`` get
no answer at all, so the client's error and timeout paths can be tested. An optional delay is
added to every answer (for the blacklist benchmark).
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
from collections.abc import Coroutine
from importlib import resources
from typing import Any

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone

from smtp_tui.lab.dnssec import is_signed

SERVFAIL_ZONE = dns.name.from_text("servfail.test.")
BLACKHOLE_ZONE = dns.name.from_text("blackhole.test.")
_ZONE_FILES = {
    "lab.zone": "test.",
    "reverse.zone": "127.in-addr.arpa.",
    # The sending-side checks' world: SPF, DMARC, PTR for IPv4 and IPv6, odd blacklists.
    "sender.zone": "sender.test.",
    "reverse6.zone": "ip6.arpa.",
    # The destination's transport policy: MTA-STS, DANE (TLSA), TLS-RPT.
    "policy.zone": "policy.test.",
    # An insecure delegation below it: TLSA records there must be ignored by DANE.
    "policy_unsigned.zone": "unsigned.policy.test.",
}
_MAX_CNAME_CHAIN = 8


def load_lab_zones() -> list[dns.zone.Zone]:
    """The zone files shipped with the package."""
    zones = []
    for filename, origin in _ZONE_FILES.items():
        text = resources.files("smtp_tui.lab").joinpath(filename).read_text(encoding="utf-8")
        zones.append(dns.zone.from_text(text, origin=origin, relativize=False))
    return zones


def _origin(zone: dns.zone.Zone) -> dns.name.Name:
    assert zone.origin is not None  # zones are loaded with their origin
    return zone.origin


class ZoneAnswerer:
    """Answers queries from zones: CNAME chains inside the zones, wildcards, NXDOMAIN/NODATA."""

    def __init__(self, zones: list[dns.zone.Zone]) -> None:
        # Longest origin first, so the most specific zone wins.
        self.zones = sorted(zones, key=lambda zone: len(_origin(zone)), reverse=True)
        self._ancestors: dict[int, tuple[int, frozenset[dns.name.Name]]] = {}

    def _zone_for(self, name: dns.name.Name) -> dns.zone.Zone | None:
        for zone in self.zones:
            if name.is_subdomain(_origin(zone)):
                return zone
        return None

    def zone_named(self, origin: str) -> dns.zone.Zone:
        wanted = dns.name.from_text(origin)
        return next(zone for zone in self.zones if _origin(zone) == wanted)

    def add_record(self, name: str, rdtype: str, text: str, ttl: int = 60) -> None:
        """Add one record to the zone that holds ``name`` (before the zone is signed)."""
        owner = dns.name.from_text(name)
        zone = self._zone_for(owner)
        if zone is None:
            raise ValueError(f"{name} is in none of the lab's zones")
        rdataset = zone.find_rdataset(owner, dns.rdatatype.from_text(rdtype), create=True)
        rdataset.add(dns.rdata.from_text(dns.rdataclass.IN, rdtype, text), ttl)

    def answer(self, query: dns.message.Message) -> dns.message.Message | None:
        """The response for ``query``, or None when the lab must stay silent.

        For answers wholly from signed zones the AD bit is set when the query asks for
        DNSSEC (DO or AD, RFC 6840 §5.7), as a validating resolver does; with DO the RRSIGs
        come along. Answers that touch an unsigned zone never carry AD."""
        consulted: list[dns.zone.Zone] = []
        response = self._answer(query, consulted)
        if response is None or not consulted:
            return response
        wants_dnssec = bool(query.ednsflags & dns.flags.DO)
        if not (wants_dnssec or query.flags & dns.flags.AD):
            return response
        if response.rcode() in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN) and all(
            is_signed(zone) for zone in consulted
        ):
            response.flags |= dns.flags.AD
        if wants_dnssec:
            self._add_signatures(response)
        return response

    def _add_signatures(self, response: dns.message.Message) -> None:
        for section in (response.answer, response.authority):
            for rrset in list(section):
                zone = self._zone_for(rrset.name)
                node = zone.get_node(rrset.name) if zone is not None else None
                if node is None:
                    continue
                signatures = node.get_rdataset(
                    dns.rdataclass.IN, dns.rdatatype.RRSIG, covers=rrset.rdtype
                )
                if signatures is not None:
                    section.append(self._rrset(rrset.name, signatures))

    def _answer(
        self, query: dns.message.Message, consulted: list[dns.zone.Zone]
    ) -> dns.message.Message | None:
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA | dns.flags.RA
        if len(query.question) != 1:
            response.set_rcode(dns.rcode.FORMERR)
            return response
        question = query.question[0]
        qname, rdtype = question.name, question.rdtype
        if qname.is_subdomain(BLACKHOLE_ZONE):
            return None
        if qname.is_subdomain(SERVFAIL_ZONE):
            response.set_rcode(dns.rcode.SERVFAIL)
            return response
        name = qname
        for _ in range(_MAX_CNAME_CHAIN):
            zone = self._zone_for(name)
            if zone is None:
                if name == qname:
                    response.set_rcode(dns.rcode.REFUSED)
                return response
            consulted.append(zone)
            node = zone.get_node(name) or self._wildcard(zone, name)
            if node is None:
                if not self._exists_below(zone, name):
                    response.set_rcode(dns.rcode.NXDOMAIN)
                self._add_soa(response, zone)
                return response
            found = node.get_rdataset(dns.rdataclass.IN, rdtype)
            if found is not None:
                response.answer.append(self._rrset(name, found))
                return response
            cname = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.CNAME)
            if cname is None or rdtype == dns.rdatatype.CNAME:
                self._add_soa(response, zone)
                return response
            response.answer.append(self._rrset(name, cname))
            name = cname[0].target
        return response

    @staticmethod
    def _rrset(name: dns.name.Name, rdataset: dns.rdataset.Rdataset) -> dns.rrset.RRset:
        rrset = dns.rrset.RRset(name, rdataset.rdclass, rdataset.rdtype, rdataset.covers)
        rrset.update(rdataset)
        return rrset

    @staticmethod
    def _wildcard(zone: dns.zone.Zone, name: dns.name.Name) -> dns.node.Node | None:
        parent = name
        while parent != zone.origin and len(parent) > 1:
            parent = parent.parent()
            if zone.get_node(parent) is not None:
                break  # the closest encloser exists: only its own wildcard may apply
            node = zone.get_node(dns.name.Name((b"*", *parent.labels)))
            if node is not None:
                return node
        return zone.get_node(dns.name.Name((b"*", *parent.labels)))

    def _exists_below(self, zone: dns.zone.Zone, name: dns.name.Name) -> bool:
        """Whether a name in ``zone`` lies at or below ``name`` (then ``name`` is an empty
        non-terminal: NODATA, not NXDOMAIN). The set of such names is built once per zone and
        again when the zone grows, so a sweep of NXDOMAIN answers does not scan every node."""
        size = len(zone.nodes)
        known = self._ancestors.get(id(zone))
        if known is None or known[0] != size:
            names: set[dns.name.Name] = set()
            for other in zone.nodes:
                while other not in names and len(other.labels) > 1:
                    names.add(other)
                    other = other.parent()
            known = (size, frozenset(names))
            self._ancestors[id(zone)] = known
        return name in known[1]

    @staticmethod
    def _add_soa(response: dns.message.Message, zone: dns.zone.Zone) -> None:
        soa = zone.get_rdataset(_origin(zone), dns.rdatatype.SOA)
        if soa is not None:
            response.authority.append(ZoneAnswerer._rrset(_origin(zone), soa))


class _UdpProtocol(asyncio.DatagramProtocol):
    def __init__(self, server: LabDnsServer) -> None:
        self.server = server
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.server.spawn(self._reply(data, addr))

    async def _reply(self, data: bytes, addr: tuple[str, int]) -> None:
        wire = await self.server.respond(data)
        if wire is not None and self.transport is not None and not self.transport.is_closing():
            # Without EDNS a UDP answer fits in 512 bytes; with EDNS, in the size the client
            # offered (RRSIGs for DNSSEC answers need the room). Most answers are small: the
            # query is read again only for one that may not fit.
            if len(wire) > 512:
                query = dns.message.from_wire(data)
                limit = max(512, query.payload) if query.edns >= 0 else 512
                if len(wire) > limit:
                    truncated = dns.message.make_response(query)
                    truncated.flags |= dns.flags.TC
                    wire = truncated.to_wire()
            self.transport.sendto(wire, addr)


class LabDnsServer:
    """The lab's DNS server; ``await start()`` binds UDP and TCP on the same port."""

    def __init__(
        self,
        zones: list[dns.zone.Zone] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        delay: float = 0.0,
    ) -> None:
        self.answerer = ZoneAnswerer(zones if zones is not None else load_lab_zones())
        self.host = host
        self.port = port
        self.delay = delay
        self.queries = 0
        self._udp: asyncio.DatagramTransport | None = None
        self._tcp: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def respond(self, data: bytes) -> bytes | None:
        """Wire query in, wire response out (None: stay silent)."""
        self.queries += 1
        try:
            query = dns.message.from_wire(data)
        except Exception:
            return None  # junk is not worth an answer
        response = self.answerer.answer(query)
        if response is None:
            return None
        if self.delay:
            await asyncio.sleep(self.delay)
        return response.to_wire()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        for _attempt in range(10):
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _UdpProtocol(self), local_addr=(self.host, self.port)
            )
            port = transport.get_extra_info("sockname")[1]
            try:
                self._tcp = await asyncio.start_server(self._serve_tcp, self.host, port)
            except OSError:
                transport.close()
                if self.port:
                    raise
                continue
            self._udp, self.port = transport, port
            return
        raise OSError("could not find a free port for the lab DNS server")

    async def _serve_tcp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                header = await reader.readexactly(2)
                data = await reader.readexactly(struct.unpack("!H", header)[0])
                wire = await self.respond(data)
                if wire is None:
                    continue
                writer.write(struct.pack("!H", len(wire)) + wire)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def stop(self) -> None:
        if self._udp is not None:
            self._udp.close()
        if self._tcp is not None:
            self._tcp.close()
            with contextlib.suppress(Exception):
                await self._tcp.wait_closed()
        for task in list(self._tasks):
            task.cancel()

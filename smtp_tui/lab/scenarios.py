"""Who lives where in the lab: each loopback address and the servers that answer on it.

The lab has three ports, all chosen when it starts: its "25" (plain SMTP, every scenario),
its "587" (submission) and its "465" (TLS from the first byte). To add a scenario: give it an
address in 127.0.25.0/24 here, a name in ``lab.zone``, and a factory per port it listens on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from smtp_tui.core.record import field, frozen_record
from smtp_tui.lab.hostile_certificates import HostileCertificate, hostile_server_context
from smtp_tui.lab.misbehaving import (
    FloodProtocol,
    GarbageProtocol,
    HangUpProtocol,
    HostileCertificateTls,
    HugeRejection,
    HugeReply,
    IgnoresQuit,
    NonAsciiDigits,
    StallingStartTls,
    StartTlsInjector,
    TarpitProtocol,
    counted_flood,
)
from smtp_tui.lab.smtp_server import (
    BlockedClientHandler,
    GreylistHandler,
    LabHandler,
    LabSMTP,
    NoEhloSMTP,
    smtp_factory,
)
from smtp_tui.lab.tls import LabCertificates

LAB_DOMAIN = "example.test"
LAB_USERS = ("alice", "bob")
LAB_RECIPIENT = "alice@example.test"
LAB_SENDER = "tester@lab.test"
LAB_HELO = "client.lab.test"

ProtocolFactory = Callable[[], asyncio.BaseProtocol]
StreamHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], object]
# A listener is made from the lab's certificates: a protocol factory, or a streams handler.
Listener = Callable[[LabCertificates], ProtocolFactory | StreamHandler]


@frozen_record
class Scenario:
    """One lab host: its address, name, what it shows, and its servers by port role."""

    address: str
    hostname: str
    lesson: str
    smtp: Listener | None = None  # on the lab's "25"; None: refused
    submission: Listener | None = None  # on the lab's "587"
    smtps: Listener | None = None  # on the lab's "465" (TLS from the first byte)
    streams: set[str] = field(default_factory=set)  # roles whose listener is a streams handler
    drops: set[str] = field(default_factory=set)  # roles whose port drops SYNs (times out)


def _hostile_tls(hostname: str, kind: HostileCertificate) -> Listener:
    def make(certificates: LabCertificates) -> StreamHandler:
        # In the lab's certificate folder, so stopping the lab removes the files too.
        context = hostile_server_context(kind, certificates.ca_file.parent)
        return HostileCertificateTls(hostname, context)

    return make


BIG_FLOOD_LINES = 100_000  # issue 15: the screen stays responsive through this many


def _mx(
    handler_class: type[LabHandler],
    hostname: str,
    domains: tuple[str, ...],
    *,
    starttls: bool = False,
    smtp_class: type[LabSMTP] | None = None,
) -> Listener:
    def make(certificates: LabCertificates) -> ProtocolFactory:
        handler = handler_class(hostname, domains, LAB_USERS)
        context = certificates.server_context() if starttls else None
        chosen = smtp_class or LabSMTP
        return lambda: smtp_factory(handler, tls_context=context, smtp_class=chosen)

    return make


MAIN_DOMAINS = (
    "example.test",
    "implicit.test",
    "cname.test",
    "equal.test",
    "iplit.test",
    "failover.test",
    "xn--bcher-kva.test",
    "lab.test",
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "127.0.25.1",
        "mx1.example.test",
        "a well-behaved primary MX",
        smtp=_mx(LabHandler, "mx1.example.test", MAIN_DOMAINS),
    ),
    Scenario(
        "127.0.25.2",
        "mx2.example.test",
        "a well-behaved secondary MX",
        smtp=_mx(LabHandler, "mx2.example.test", MAIN_DOMAINS),
    ),
    Scenario("127.0.25.3", "down.failover.test", "nothing listens: connection refused"),
    Scenario(
        "127.0.25.4",
        "mx.greylist.test",
        "greylisting: the first try is deferred",
        smtp=_mx(GreylistHandler, "mx.greylist.test", ("greylist.test",)),
    ),
    Scenario(
        "127.0.25.5",
        "mx.blocked.test",
        "the client's address is blacklisted",
        smtp=_mx(BlockedClientHandler, "mx.blocked.test", ("blocked.test",)),
    ),
    Scenario(
        "127.0.25.6",
        "mx.tarpit.test",
        "connects, then never greets (tarpit)",
        smtp=lambda certificates: TarpitProtocol,
    ),
    Scenario(
        "127.0.25.7",
        "mx.garbage.test",
        "greets with junk and escape sequences",
        smtp=lambda certificates: GarbageProtocol,
    ),
    Scenario(
        "127.0.25.8",
        "mx.tls.test",
        "STARTTLS, and TLS from the first byte on 465",
        smtp=_mx(LabHandler, "mx.tls.test", ("tls.test",), starttls=True),
        smtps=_mx(LabHandler, "mx.tls.test", ("tls.test",)),
    ),
    Scenario(
        "127.0.25.9",
        "mx.portblock.test",
        "25 times out (as behind an outbound block), while 587 and 465 answer",
        drops={"smtp"},
        submission=_mx(LabHandler, "mx.portblock.test", ("portblock.test",), starttls=True),
        smtps=_mx(LabHandler, "mx.portblock.test", ("portblock.test",)),
    ),
    Scenario(
        "127.0.25.10",
        "mx.inject.test",
        "sends bytes between its 220 and the handshake",
        smtp=lambda certificates: StartTlsInjector("mx.inject.test", certificates.server_context()),
        streams={"smtp"},
    ),
    Scenario(
        "127.0.25.11",
        "mx.noehlo.test",
        "does not understand EHLO (HELO works)",
        smtp=_mx(LabHandler, "mx.noehlo.test", ("noehlo.test",), smtp_class=NoEhloSMTP),
    ),
    Scenario(
        "127.0.25.12",
        "mx.hangup.test",
        "accepts the connection and hangs up at once",
        smtp=lambda certificates: HangUpProtocol,
    ),
    Scenario(
        "127.0.25.13",
        "mx.flood.test",
        "a greeting that never ends (a flood)",
        smtp=lambda certificates: FloodProtocol,
    ),
    Scenario(
        "127.0.25.14",
        "mx.huge.test",
        "answers EHLO with 1000 lines of 4 KiB, every byte escaped",
        smtp=lambda certificates: HugeReply("mx.huge.test"),
        streams={"smtp"},
    ),
    Scenario(
        "127.0.25.15",
        "mx.digits.test",
        "announces SIZE ² and Arabic-Indic digits in EHLO",
        smtp=lambda certificates: NonAsciiDigits("mx.digits.test"),
        streams={"smtp"},
    ),
    Scenario(
        "127.0.25.16",
        "mx.noquit.test",
        "never answers QUIT and keeps the connection open",
        smtp=lambda certificates: IgnoresQuit("mx.noquit.test"),
        streams={"smtp"},
    ),
    Scenario(
        "127.0.25.17",
        "mx.tlsstall.test",
        "answers STARTTLS 220, then never does the handshake",
        smtp=lambda certificates: StallingStartTls("mx.tlsstall.test"),
        streams={"smtp"},
    ),
    Scenario(
        "127.0.25.18",
        "mx.badsan.test",
        "STARTTLS with a certificate whose SAN holds a byte not allowed there",
        smtp=_hostile_tls("mx.badsan.test", HostileCertificate.BAD_SAN),
        streams={"smtp"},
    ),
    Scenario(
        "127.0.25.19",
        "mx.badsubject.test",
        "STARTTLS with a certificate whose subject is not UTF-8",
        smtp=_hostile_tls("mx.badsubject.test", HostileCertificate.NOT_UTF8_SUBJECT),
        streams={"smtp"},
    ),
    Scenario(
        "127.0.25.20",
        "mx.bigflood.test",
        f"a greeting of {BIG_FLOOD_LINES:,} lines that does end",
        smtp=lambda certificates: counted_flood(BIG_FLOOD_LINES),
    ),
    Scenario(
        "127.0.25.21",
        "mx.hugereject.test",
        "refuses RCPT TO with 1000 lines of 4 KiB, every byte escaped",
        smtp=lambda certificates: HugeRejection("mx.hugereject.test"),
        streams={"smtp"},
    ),
)

"""Who lives where in the lab: each loopback address and the server that answers on it.

To add a scenario: give it an address in 127.0.25.0/24 here, a name in ``lab.zone``, and a
factory that makes one asyncio protocol per connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from smtp_tui.lab.misbehaving import GarbageProtocol, TarpitProtocol
from smtp_tui.lab.smtp_server import (
    BlockedClientHandler,
    GreylistHandler,
    LabHandler,
    smtp_factory,
)

LAB_DOMAIN = "example.test"
LAB_USERS = ("alice", "bob")
LAB_RECIPIENT = "alice@example.test"
LAB_SENDER = "tester@lab.test"
LAB_HELO = "client.lab.test"

ProtocolFactory = Callable[[], asyncio.BaseProtocol]


@dataclass(frozen=True)
class Scenario:
    """One lab host: its address, name, what it shows, and how to make its server."""

    address: str
    hostname: str
    lesson: str
    make: Callable[[], ProtocolFactory] | None  # None: nothing listens (connection refused)


def _mx(
    handler_class: type[LabHandler], hostname: str, domains: tuple[str, ...]
) -> Callable[[], ProtocolFactory]:
    def make() -> ProtocolFactory:
        handler = handler_class(hostname, domains, LAB_USERS)
        return lambda: smtp_factory(handler)

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
        _mx(LabHandler, "mx1.example.test", MAIN_DOMAINS),
    ),
    Scenario(
        "127.0.25.2",
        "mx2.example.test",
        "a well-behaved secondary MX",
        _mx(LabHandler, "mx2.example.test", MAIN_DOMAINS),
    ),
    Scenario("127.0.25.3", "down.failover.test", "nothing listens: connection refused", None),
    Scenario(
        "127.0.25.4",
        "mx.greylist.test",
        "greylisting: the first try is deferred",
        _mx(GreylistHandler, "mx.greylist.test", ("greylist.test",)),
    ),
    Scenario(
        "127.0.25.5",
        "mx.blocked.test",
        "the client's address is blacklisted",
        _mx(BlockedClientHandler, "mx.blocked.test", ("blocked.test",)),
    ),
    Scenario(
        "127.0.25.6",
        "mx.tarpit.test",
        "connects, then never greets (tarpit)",
        lambda: TarpitProtocol,
    ),
    Scenario(
        "127.0.25.7",
        "mx.garbage.test",
        "greets with junk and escape sequences",
        lambda: GarbageProtocol,
    ),
)

"""The dual-stack MX: one name on 127.0.0.1 and ::1 that answers differently per family.

``mx.dual.sender.test`` (sender.zone) has an A and an AAAA record. Over IPv4 it is a normal
MX; over IPv6 it refuses every recipient the way Gmail refuses a sender without usable
reverse DNS (550 5.7.25). It decides by the client's address family, not by a look-up, so the
lesson stays the same whatever the lab's zones say about ::1; ``check --both`` shows the
difference and the identity findings that explain it.
"""

from __future__ import annotations

import contextlib
import socket

from aiosmtpd.smtp import Envelope, Session

from smtp_tui.lab.scenarios import LAB_USERS, Scenario, _mx
from smtp_tui.lab.smtp_server import LabHandler

DUAL_STACK_DOMAIN = "dual.sender.test"
DUAL_STACK_MX = "mx.dual.sender.test"
DUAL_STACK_RECIPIENT = f"{LAB_USERS[0]}@{DUAL_STACK_DOMAIN}"


def _client_address(session: Session) -> str:
    peer = session.peer
    return str(peer[0]) if peer else "?"


class Ipv6PtrRefusingHandler(LabHandler):
    """Accepts IPv4 clients; refuses IPv6 clients at RCPT TO with Gmail's 5.7.25 text."""

    def recipient_verdict(self, session: Session, envelope: Envelope, address: str) -> str | None:
        rejection = super().recipient_verdict(session, envelope, address)
        if rejection:
            return rejection
        client = _client_address(session)
        if ":" not in client:
            return None
        return (
            f"550 5.7.25 [{client}] The IP address sending this message does not have a PTR "
            "record setup, or the corresponding forward DNS entry does not point to the "
            "sending IP. As a policy, Gmail does not accept messages from IPs with missing "
            "PTR records."
        )


def _dual_stack_mx(address: str, family: str) -> Scenario:
    return Scenario(
        address,
        DUAL_STACK_MX,
        f"dual-stack MX ({family}): accepts over IPv4, refuses over IPv6 (5.7.25, PTR)",
        smtp=_mx(Ipv6PtrRefusingHandler, DUAL_STACK_MX, (DUAL_STACK_DOMAIN,)),
    )


def ipv6_loopback_works() -> bool:
    """True when ::1 can be bound: some containers and CI runners have IPv6 switched off,
    and the lab must still start there (without the IPv6 half of this MX)."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
        probe.bind(("::1", 0))
        return True
    return False


HAS_IPV6_LOOPBACK = ipv6_loopback_works()

DUAL_STACK_SCENARIOS: tuple[Scenario, ...] = (_dual_stack_mx("127.0.0.1", "IPv4"),) + (
    (_dual_stack_mx("::1", "IPv6"),) if HAS_IPV6_LOOPBACK else ()
)

"""What a blacklist check looks up: an address (IPv4, IPv6) or a domain, and its query label.

Checked before any query: a target that is neither an address nor a usable domain is a usage
error (issue 13), and addresses no public list would ever list get a warning.
"""

from __future__ import annotations

import ipaddress

from smtp_tui.core.addresses import InputError, parse_domain
from smtp_tui.core.dnsbl_catalogue import Zone
from smtp_tui.core.record import frozen_record


class TargetError(InputError):
    """A blacklist target that is neither an IP address nor a usable domain."""


@frozen_record
class Target:
    """What is looked up: an address (IPv4 or IPv6) or a domain, and its query label."""

    text: str
    kind: str  # "ipv4", "ipv6" or "domain"
    label: str  # the part before the zone: reversed octets, reversed nibbles, or the domain

    @property
    def zone_kind(self) -> str:
        return "domain" if self.kind == "domain" else "ip"


def reversed_ipv4(address: ipaddress.IPv4Address) -> str:
    return ".".join(reversed(str(address).split(".")))


def reversed_nibbles(address: ipaddress.IPv6Address) -> str:
    """32 nibbles, reversed, dot-joined. Built here on purpose: dnspython's reversename turns
    ``::ffff:a.b.c.d`` into an in-addr.arpa name, which would break the IPv6 self-test."""
    return ".".join(reversed(address.exploded.replace(":", "")))


def parse_target(text: str) -> Target:
    """An IPv4 or IPv6 address, or a domain; raises InputError (TargetError) otherwise.

    A dotted string of digits that is not an address (``1.2.3.4.5``, ``300.1.1.1``) and any
    name whose last label is all digits is refused here, before any query: no top-level domain
    is numeric (RFC 3696 §2), so it is a mistyped address."""
    raw = text.strip().strip("[]")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        last = raw.rstrip(".").rsplit(".", 1)[-1]
        if last.isdigit():
            raise TargetError(
                f"{raw!r} is neither an IP address nor a domain: its last label is all "
                "digits, and no top-level domain is. Give an IPv4 address (four numbers "
                "0-255), an IPv6 address, or a domain name."
            ) from None
        domain = parse_domain(raw)
        return Target(domain.shown(), "domain", domain.ascii)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:a.b.c.d is an IPv4 sender
    if isinstance(address, ipaddress.IPv4Address):
        return Target(str(address), "ipv4", reversed_ipv4(address))
    return Target(str(address), "ipv6", reversed_nibbles(address))


def address_note(target: Target) -> str | None:
    """A warning for addresses no public list would ever list."""
    if target.kind == "domain":
        return None
    address = ipaddress.ip_address(target.text)
    if address.is_private or address.is_loopback or address.is_link_local:
        return (
            f"{target.text} is not a public address; lists only know public ones. Check your "
            "mail server's public IP (--ip)."
        )
    return None


def zones_for(zones: list[Zone], target: Target) -> list[Zone]:
    """The zones that can answer for this kind of target."""
    if target.kind == "domain":
        return [zone for zone in zones if zone.kind == "domain"]
    if target.kind == "ipv6":
        return [zone for zone in zones if zone.kind == "ip" and zone.ipv6 is not False]
    return [zone for zone in zones if zone.kind == "ip" and zone.ipv4]

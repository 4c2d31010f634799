"""A rejection that names a block list ("Client host [192.0.2.1] blocked using zen...") is a
claim smtp-tui can check: ask that list about that address, through the same resolver.

The answer shows what the server saw: the address it names is the one receivers judge
(behind NAT it is not this host's), and the list either confirms the listing (act on it:
request removal) or does not (the server's data is old, or the list is private)."""

from __future__ import annotations

import ipaddress
import re

from smtp_tui.core.record import frozen_record

# "Client host [192.0.2.1] blocked using zen.spamhaus.org", "[192.0.2.1] is listed on /
# in / by bl.spamcop.net", "... blocked by b.barracudacentral.org" (Postfix, Exim, others).
_CLAIM = re.compile(
    r"\[(?P<ip>[0-9A-Fa-f:.]{3,45})\][^\[\]]{0,80}?"
    r"\b(?:blocked\s+using|listed\s+(?:on|in|at|by)|blocked\s+by|found\s+in)\s+"
    r"(?P<zone>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)",
    re.ASCII | re.IGNORECASE,
)


@frozen_record
class BlockClaim:
    """The address a server says is listed, and the list it names."""

    address: str
    zone: str

    def describe(self) -> str:
        return f"the server says {self.address} is on {self.zone}"


def find_block_claim(text: str) -> BlockClaim | None:
    """The first "address on list" claim in a reply's text, or None."""
    for match in _CLAIM.finditer(text[:4096]):
        try:
            address = str(ipaddress.ip_address(match["ip"]))
        except ValueError:
            continue
        return BlockClaim(address, match["zone"].lower().rstrip("."))
    return None

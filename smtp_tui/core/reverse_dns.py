"""Reverse DNS of a sending address, per family: PTR, forward-confirmed, generic, EHLO match.

Receivers ask three things of the sending IP's PTR: that it exists, that its name leads back
to the same address (forward-confirmed reverse DNS, FCrDNS), and that it does not look like a
dynamic or residential address (``dsl-192-0-2-7.pool.example.net``). A DNS failure is never
taken for absence: it is reported as "could not check", with the reason.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from smtp_tui.core.dns import DnsError, DnsFailure
from smtp_tui.core.dns_batch import DnsBatch, Reply
from smtp_tui.core.record import frozen_record
from smtp_tui.core.sanitize import sanitize_text

# dnspython is imported where a question is asked, so importing this module costs none.
if TYPE_CHECKING:
    import dns.asyncresolver

MAX_PTR_NAMES = 10  # the same cap RFC 7208 §5.5 puts on PTR names; more is abuse
ABSENT = (DnsFailure.NXDOMAIN, DnsFailure.NO_ANSWER)


@frozen_record
class ReverseDns:
    """What reverse DNS says about one address. ``None`` in a verdict field means unknown."""

    ip: str
    family: str  # "ipv4" or "ipv6"
    ptr_names: tuple[str, ...] = ()
    confirmed_names: tuple[str, ...] = ()  # PTR names whose A/AAAA lead back to ``ip``
    generic_names: tuple[str, ...] = ()
    helo: str | None = None
    error: str | None = None  # the PTR look-up failed (not absent): could not check
    forward_error: str | None = None  # no name confirmed and some forward look-up failed

    @property
    def has_ptr(self) -> bool | None:
        return None if self.error else bool(self.ptr_names)

    @property
    def ptr(self) -> str | None:
        return self.ptr_names[0] if self.ptr_names else None

    @property
    def forward_confirmed(self) -> bool | None:
        if not self.ptr_names:
            return None
        if self.confirmed_names:
            return True
        return None if self.forward_error else False

    @property
    def generic(self) -> bool | None:
        if not self.ptr_names:
            return None
        return bool(self.generic_names)

    @property
    def matches_helo(self) -> bool | None:
        if not self.helo or not self.ptr_names:
            return None
        return self.helo.lower().rstrip(".") in {name.lower() for name in self.ptr_names}

    @property
    def problems(self) -> tuple[str, ...]:
        """What receivers hold against this address (never a DNS failure)."""
        problems: list[str] = []
        if self.has_ptr is False:
            problems.append(
                f"{self.ip} has no reverse DNS (PTR): Gmail, Yahoo and Microsoft refuse or "
                "junk mail from such senders, and many servers reject them outright "
                "(Postfix's reject_unknown_client_hostname)."
            )
        if self.forward_confirmed is False:
            problems.append(
                f"The PTR name {self.ptr} does not resolve back to {self.ip} "
                "(no forward-confirmed reverse DNS)."
            )
        if self.generic:
            problems.append(
                f"The PTR name {self.generic_names[0]} looks generic (dynamic or residential "
                "naming); receivers treat it as an end-user address. Ask your provider for a "
                "PTR naming your mail server."
            )
        if self.matches_helo is False:
            problems.append(
                f"The EHLO name {self.helo} differs from the PTR name {self.ptr}; strict "
                "receivers may refuse or score you down."
            )
        return tuple(problems)

    @property
    def unchecked(self) -> tuple[str, ...]:
        """What could not be checked, and why."""
        return tuple(text for text in (self.error, self.forward_error) if text)

    def lines(self) -> list[str]:
        if self.error:
            return [f"PTR of {self.ip}: could not check ({self.error})"]
        lines = [f"PTR of {self.ip}: {', '.join(self.ptr_names) or 'none'}"]
        if self.ptr_names:
            confirmed = {True: "yes", False: "no", None: "could not check"}[self.forward_confirmed]
            if self.forward_error and self.forward_confirmed is None:
                confirmed += f" ({self.forward_error})"
            lines.append(f"Forward-confirmed (PTR name leads back to the IP): {confirmed}")
            lines.append(
                "Generic (dynamic/residential) naming: " + ("yes" if self.generic else "no")
            )
        if self.matches_helo is not None:
            lines.append(
                f"EHLO name {self.helo} matches the PTR: " + ("yes" if self.matches_helo else "no")
            )
        return lines

    def as_json(self) -> dict[str, object]:
        return {
            "ip": self.ip,
            "ptr": self.ptr,
            "forward_confirmed": self.forward_confirmed,
            "generic": self.generic,
            "matches_helo": self.matches_helo,
        }


def normalized_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The address, with ``::ffff:a.b.c.d`` taken as the IPv4 sender it is."""
    address = ipaddress.ip_address(text.strip().strip("[]"))
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


async def check_reverse_dns(
    resolver: dns.asyncresolver.Resolver | DnsBatch, ip: str, helo: str | None = None
) -> ReverseDns:
    """PTR of ``ip``, then every PTR name's A (IPv4) or AAAA (IPv6) at once.

    Pass the run's :class:`DnsBatch` to share its socket with the blacklist sweep."""
    import dns.reversename

    batch = resolver if isinstance(resolver, DnsBatch) else DnsBatch(resolver)
    address = normalized_address(ip)
    family = "ipv4" if address.version == 4 else "ipv6"
    base = ReverseDns(str(address), family, helo=helo)
    reply = await batch.ask(dns.reversename.from_address(str(address)), "PTR")
    if isinstance(reply, DnsError):
        if reply.kind in ABSENT:
            return base
        return _with(base, error=_short(reply))
    names = tuple(
        dict.fromkeys(
            sanitize_text(rdata.target.to_text(omit_final_dot=True), max_chars=255)
            for rdata in reply
        )
    )[:MAX_PTR_NAMES]
    rdtype = "A" if family == "ipv4" else "AAAA"
    # Every forward look-up leaves at once: one dependent round trip, however many names.
    asked = [batch.ask(name, rdtype) for name in names]
    found = [_forward(await answer) for answer in asked]
    confirmed = tuple(
        name
        for name, hit in zip(names, found, strict=True)
        if isinstance(hit, set) and address in hit
    )
    failures = [hit for hit in found if isinstance(hit, str)]
    return ReverseDns(
        str(address),
        family,
        names,
        confirmed,
        tuple(name for name in names if looks_generic(name, address)),
        helo,
        forward_error=failures[0] if failures and not confirmed else None,
    )


def _with(report: ReverseDns, *, error: str) -> ReverseDns:
    return ReverseDns(report.ip, report.family, helo=report.helo, error=error)


def _short(error: DnsError) -> str:
    return f"{error.rdtype} look-up of {error.name} failed: {error.kind.value}"


def _forward(reply: Reply) -> set[ipaddress.IPv4Address | ipaddress.IPv6Address] | str:
    """The name's addresses of one family; a string says why the look-up failed."""
    if isinstance(reply, DnsError):
        return set() if reply.kind in ABSENT else _short(reply)
    return {ipaddress.ip_address(rdata.to_text()) for rdata in reply}


# ------------------------------------------------------------------ generic naming


@frozen_record
class GenericNaming:
    """Words that mark dynamic or residential PTR names (from sender_requirements.toml)."""

    words: frozenset[str]


@cache
def generic_naming() -> GenericNaming:
    text = (
        resources.files("smtp_tui.core")
        .joinpath("data/sender_requirements.toml")
        .read_text("utf-8")
    )
    data = tomllib.loads(text)["generic_rdns"]
    return GenericNaming(frozenset(str(word).lower() for word in data["words"]))


def looks_generic(name: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for names that embed the address (``192-0-2-7``, ``7.2.0.192``, ``c0000207``,
    ``2001-db8--7``) or carry a dynamic/residential word as a whole label part (``dyn``,
    ``pool``, ``dsl`` ...)."""
    lowered = name.lower()
    parts = set(re.split(r"[.\-_]", lowered))
    if parts & generic_naming().words:
        return True
    if address.version == 4:
        octets = str(address).split(".")
        flat = re.sub(r"[^0-9a-f]", "-", lowered)
        for order in (octets, octets[::-1]):
            if "-".join(order) in flat:
                return True
        return f"{int(address):08x}" in lowered
    compressed = str(address).replace(":", "-")
    exploded = address.exploded.replace(":", "")
    return compressed in lowered or exploded in lowered.replace("-", "").replace(".", "")

"""The sending address of each address family, and what receivers see of it.

Over IPv4 and over IPv6 a host usually sends from different addresses, each with its own
reverse DNS and its own place (or none) in the domain's SPF record. :func:`sending_address`
says which address the MX saw over one family (or why it is not known: NAT), and
:func:`check_identities` checks each at once: PTR, forward-confirmed, EHLO match, and SPF for
the MAIL FROM domain.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import TYPE_CHECKING

from smtp_tui.core.addresses import InputError, parse_domain
from smtp_tui.core.connection import AddressFamily
from smtp_tui.core.dns import DnsError, make_resolver
from smtp_tui.core.options import SessionOptions, effective_helo, effective_sender
from smtp_tui.core.record import frozen_record, replace
from smtp_tui.core.reverse_dns import ReverseDns
from smtp_tui.core.sender_report import SPF_BAD, SenderInput, check_sender
from smtp_tui.core.spf import SpfCheck

if TYPE_CHECKING:
    from smtp_tui.core.flow import GuidedRun

_NAMES = {AddressFamily.IPV4: "IPv4", AddressFamily.IPV6: "IPv6", AddressFamily.ANY: "any"}
VERSIONS = {AddressFamily.IPV4: 4, AddressFamily.IPV6: 6}


def family_name(family: AddressFamily) -> str:
    """``IPv4`` / ``IPv6``, as people write them."""
    return _NAMES[family]


def ip_version(text: str) -> int | None:
    """4 or 6 for an address (``[::1]`` and ``fe80::1%eth0`` too); None for a name."""
    try:
        return ipaddress.ip_address(text.strip("[]").split("%")[0]).version
    except ValueError:
        return None


@frozen_record
class IdentityProblem:
    """One thing a receiver holds against the sending address of one family."""

    kind: str  # "reverse-dns" or "spf": matched against the refusal's category
    text: str  # "your IPv6 address ::1 has no PTR"


@frozen_record
class FamilyIdentity:
    """The sending address of one family and what receivers see of it."""

    family: AddressFamily
    address: str | None  # None: not known (behind NAT, or the family was never reached)
    source: str  # where the address came from, or why there is none
    reverse: ReverseDns | None = None
    spf: SpfCheck | None = None  # SPF of the MAIL FROM domain for ``address``
    unchecked: str | None = None  # the check itself failed (a DNS or input problem)

    def problems(self) -> tuple[IdentityProblem, ...]:
        """Short, comparable findings (the long texts are in :attr:`reverse`)."""
        if self.address is None:
            return ()
        whose = f"your {family_name(self.family)} address {self.address}"
        found: list[IdentityProblem] = []
        reverse = self.reverse
        if reverse is not None:
            if reverse.has_ptr is False:
                found.append(IdentityProblem("reverse-dns", f"{whose} has no PTR"))
            elif reverse.forward_confirmed is False:
                found.append(
                    IdentityProblem(
                        "reverse-dns",
                        f"{whose} has a PTR ({reverse.ptr}) that does not lead back to it",
                    )
                )
            if reverse.generic:
                found.append(IdentityProblem("reverse-dns", f"the PTR of {whose} looks generic"))
            if reverse.matches_helo is False:
                found.append(
                    IdentityProblem(
                        "reverse-dns",
                        f"the EHLO name {reverse.helo} is not the PTR of {whose} ({reverse.ptr})",
                    )
                )
        spf = self.spf
        if spf is not None and spf.result in SPF_BAD:
            found.append(
                IdentityProblem("spf", f"SPF for {spf.domain} is {spf.result.value} for {whose}")
            )
        return tuple(found)

    def lines(self) -> list[str]:
        name = family_name(self.family)
        if self.address is None:
            return [f"{name} sending address: {self.source}"]
        lines = [f"{name} sending address: {self.address} ({self.source})"]
        if self.unchecked:
            lines.append(f"{name} identity: could not check ({self.unchecked})")
        if self.reverse is not None:
            lines += [f"{name} {line}" for line in self.reverse.lines()]
        if self.spf is not None:
            lines.append(f"{name} {self.spf.line()}")
        return lines

    def as_json(self) -> dict[str, object]:
        return {
            "address": self.address,
            "source": self.source,
            "reverse_dns": self.reverse.as_json() if self.reverse else None,
            "spf": self.spf.as_json() if self.spf else None,
            "unchecked": self.unchecked,
        }


def sending_address(
    run: GuidedRun, family: AddressFamily, given: Sequence[str] = ()
) -> tuple[str | None, str]:
    """The address the MX saw (or would see) from us over ``family``, and where it came from.

    An ``--ip`` of this family wins. Otherwise the connection's own source address, when the MX
    sees it unchanged: a global address, or one on the same private or loopback network as the
    MX (no NAT in between). A private IPv4 source talking to a public MX is translated by NAT,
    so its public address is unknown here."""
    version = VERSIONS[family]
    for text in given:
        if ip_version(text) == version:
            return str(ipaddress.ip_address(text.strip("[]"))), "--ip"
    connection = run.session.connection if run.session else None
    local = connection.local if connection else None
    peer = connection.peer if connection else None
    if local is not None and ip_version(local[0]) == version:
        address = ipaddress.ip_address(local[0].split("%")[0])
        if address.is_global:
            return str(address), "this connection's source address"
        if peer is not None and not ipaddress.ip_address(peer[0].split("%")[0]).is_global:
            return str(address), "this connection's source address (the MX is on its network)"
    name = family_name(family)
    if local is None:
        return None, f"not known (no {name} connection was made); give it with --ip"
    return None, f"not known (behind NAT); give your public {name} address with --ip"


async def check_identities(
    runs: Sequence[GuidedRun], given: Sequence[str] = ()
) -> tuple[FamilyIdentity, ...]:
    """PTR, forward-confirmed reverse DNS and SPF for each run's sending address, at once."""
    options = runs[0].options
    found = [(run.options.family, *sending_address(run, run.options.family, given)) for run in runs]
    addresses = tuple(address for _, address, _ in found if address is not None)
    bare = [FamilyIdentity(family, address, source) for family, address, source in found]
    if not addresses:
        return tuple(bare)
    try:
        resolver = make_resolver(options.resolver, timeout=options.dns_timeout)
        report = await check_sender(
            resolver, [], SenderInput(addresses, effective_sender(options), _helo(options))
        )
    except (DnsError, InputError) as error:
        return tuple(replace(identity, unchecked=str(error)) for identity in bare)
    reverse = {found.ip: found for found in report.reverse_dns}
    spf = {per_ip.ip: per_ip.mail_from for per_ip in report.spf}
    return tuple(
        replace(identity, reverse=reverse.get(identity.address), spf=spf.get(identity.address))
        if identity.address is not None
        else identity
        for identity in bare
    )


def _helo(options: SessionOptions) -> str | None:
    """The EHLO name, when it is a domain (an address literal has no PTR to match)."""
    try:
        return parse_domain(effective_helo(options)).ascii
    except InputError:
        return None

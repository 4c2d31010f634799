"""The sending host's identity: its public IP, its reverse DNS, and the sender domain's SPF.

The DNS egress address found here can differ from the address the mail server connects from
(NAT, several addresses, a smarthost): the result always says where an address came from.
A DNS failure is reported as "could not check (why)", never as evidence of absence ("no PTR",
"no SPF"). The whole evaluated report (SPF results, DMARC, the checklist) is in
:mod:`smtp_tui.core.sender_report`.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING

from smtp_tui.core.dns import (
    DnsError,
    DnsFailure,
    ResolverChoice,
    make_resolver,
    parse_dns_server,
    query,
)
from smtp_tui.core.dns_batch import DnsBatch
from smtp_tui.core.dnsbl import BlStatus, DnsblChecker, Target, ZoneResult, zones_for
from smtp_tui.core.dnsbl import parse_target as parse_blacklist_target
from smtp_tui.core.dnsbl_catalogue import Zone
from smtp_tui.core.record import frozen_record, mutable_record
from smtp_tui.core.reverse_dns import ReverseDns, check_reverse_dns
from smtp_tui.core.sanitize import sanitize_text
from smtp_tui.core.spf_syntax import is_spf_record

# dnspython is imported where a question is asked, so importing this module costs none.
if TYPE_CHECKING:
    import dns.asyncresolver


@frozen_record
class DiscoveryProvider:
    """A name that, asked directly of ``server``, answers with the asker's own address."""

    name: str
    qname: str
    rdtype: str
    server: str  # a host name (looked up through the system resolver) or IP[:PORT]


DEFAULT_PROVIDERS = (
    DiscoveryProvider("OpenDNS", "myip.opendns.com", "A", "resolver1.opendns.com"),
    DiscoveryProvider("Google", "o-o.myaddr.l.google.com", "TXT", "ns1.google.com"),
)


@frozen_record
class PublicAddress:
    address: str
    source: str  # "--ip", "config", or "DNS (OpenDNS)" ...

    def describe(self) -> str:
        text = f"{self.address} (from {self.source})"
        if self.source.startswith("DNS"):
            text += (
                "; this is the address your DNS queries leave from, which can differ from "
                "the one your mail server sends from"
            )
        return text


class DiscoveryFailed(Exception):
    pass


async def _server_choice(server: str, timeout: float) -> ResolverChoice:
    try:
        return parse_dns_server(server)
    except ValueError:
        pass
    system = make_resolver(ResolverChoice(), timeout=timeout)
    answer = await query(system, server, "A")
    return ResolverChoice(server=answer[0].to_text())


async def discover_public_ip(
    providers: tuple[DiscoveryProvider, ...] = DEFAULT_PROVIDERS, *, timeout: float = 4.0
) -> PublicAddress:
    """Ask each provider in turn; the first answer wins. Raises DiscoveryFailed."""
    problems = []
    for provider in providers:
        try:
            choice = await _server_choice(provider.server, timeout)
            resolver = make_resolver(choice, timeout=timeout)
            answer = await query(resolver, provider.qname, provider.rdtype)
        except (DnsError, ValueError) as error:
            problems.append(f"{provider.name}: {error}")
            continue
        for rdata in answer:
            text = (
                b"".join(rdata.strings).decode("ascii", "replace")
                if provider.rdtype == "TXT"
                else rdata.to_text()
            )
            try:
                address = ipaddress.ip_address(text.strip())
            except ValueError:
                continue
            return PublicAddress(str(address), f"DNS ({provider.name})")
        problems.append(f"{provider.name}: no address in the answer")
    raise DiscoveryFailed(
        "Could not find this machine's public address through DNS: "
        + "; ".join(problems)
        + ". Give it with --ip."
    )


@frozen_record
class IdentityReport:
    address: str
    ptr_names: tuple[str, ...]
    confirmed_names: tuple[str, ...]  # PTR names whose A/AAAA lead back to the address
    helo: str | None
    problems: tuple[str, ...]  # what receivers hold against the address (never a DNS error)
    unchecked: tuple[str, ...] = ()  # what could not be checked, and why
    reverse: ReverseDns | None = None  # the full finding (generic naming, family)

    @property
    def fcrdns(self) -> bool:
        return bool(self.confirmed_names)

    @property
    def helo_matches(self) -> bool | None:
        if not self.helo or not self.ptr_names:
            return None
        return self.helo.lower().rstrip(".") in {name.lower() for name in self.ptr_names}

    def lines(self) -> list[str]:
        if self.reverse is not None:
            return self.reverse.lines()
        ptr = ", ".join(self.ptr_names) or "none"
        return [f"PTR of {self.address}: {ptr}"]


async def check_identity(
    resolver: dns.asyncresolver.Resolver | DnsBatch, address: str, helo: str | None = None
) -> IdentityReport:
    """PTR, forward-confirmed reverse DNS, generic naming, and whether the EHLO name matches
    the PTR name. A failed look-up lands in ``unchecked``, not in ``problems``."""
    found = await check_reverse_dns(resolver, address, helo)
    return IdentityReport(
        found.ip,
        found.ptr_names,
        found.confirmed_names,
        helo,
        found.problems,
        found.unchecked,
        found,
    )


async def spf_record(resolver: dns.asyncresolver.Resolver | DnsBatch, domain: str) -> str | None:
    """The domain's SPF record (TXT ``v=spf1``), sanitized, or None when it publishes none.

    Raises DnsError when the look-up failed (SERVFAIL, timeout...): that is not "no SPF"."""
    batch = resolver if isinstance(resolver, DnsBatch) else DnsBatch(resolver)
    try:
        answer = await batch.query(domain, "TXT")
    except DnsError as error:
        if error.kind in (DnsFailure.NXDOMAIN, DnsFailure.NO_ANSWER):
            return None
        raise
    for rdata in answer:
        text = b"".join(rdata.strings).decode("utf-8", "replace")
        if is_spf_record(text):
            return sanitize_text(text, max_chars=1000)
    return None


@mutable_record
class SenderReport:
    """Everything learned about the sending side: its IP on the lists and in reverse DNS, and
    the MAIL FROM domain on the domain lists with its SPF record."""

    address: str
    ip_results: list[ZoneResult]
    identity: IdentityReport | None = None
    domain: str | None = None
    domain_results: list[ZoneResult] | None = None
    spf: str | None = None
    spf_error: str | None = None  # the SPF look-up failed: could not check

    @property
    def results(self) -> list[ZoneResult]:
        return self.ip_results + (self.domain_results or [])

    def lines(self) -> list[str]:
        """The findings besides each list's row: reverse DNS, the domain's lists and SPF."""
        lines = self.identity.lines() if self.identity else []
        if self.domain is not None:
            listed = sum(r.status is BlStatus.LISTED for r in self.domain_results or [])
            lines.append(f"MAIL FROM domain {self.domain}: listed on {listed} domain list(s)")
            if self.spf_error:
                lines.append(f"SPF of {self.domain}: could not check ({self.spf_error})")
            else:
                lines.append(f"SPF of {self.domain}: {self.spf or 'none published'}")
        if self.identity:
            lines += [f"Could not check: {text}" for text in self.identity.unchecked]
        return lines

    def problems(self) -> list[str]:
        problems = list(self.identity.problems) if self.identity else []
        if self.domain is not None and self.spf is None and self.spf_error is None:
            problems.append(
                f"{self.domain} publishes no SPF record: many receivers distrust mail from it."
            )
        return problems


async def check_sending_side(
    checker: DnsblChecker,
    zones: list[Zone],
    address: str,
    helo: str | None,
    sender_domain: str | None = None,
    on_result: Callable[[ZoneResult], None] | None = None,
) -> SenderReport:
    """The sending IP and the MAIL FROM domain against every list that fits each (results as
    they arrive), the IP's reverse DNS and the domain's SPF record, all asked at once through
    the checker's batch."""
    report = SenderReport(address, [])
    targets = [parse_blacklist_target(address)]
    if sender_domain:
        targets.append(parse_blacklist_target(sender_domain))
        report.domain, report.domain_results = targets[1].text, []

    async def collect(target: Target) -> None:
        found = report.ip_results if target.kind != "domain" else report.domain_results
        assert found is not None
        async for result in checker.sweep(zones_for(zones, target), target):
            found.append(result)
            if on_result is not None:
                on_result(result)

    identity = asyncio.ensure_future(check_identity(checker.batch, targets[0].text, helo))
    spf = asyncio.ensure_future(_spf_of(checker.batch, targets[1].label)) if sender_domain else None
    try:
        await asyncio.gather(*(collect(target) for target in targets))
        report.identity = await identity
        if spf is not None:
            report.spf, report.spf_error = await spf
    finally:
        for task in (identity, spf):
            if task is not None and not task.done():
                task.cancel()
    return report


async def _spf_of(batch: DnsBatch, domain: str) -> tuple[str | None, str | None]:
    """(record, None), or (None, why the look-up failed)."""
    try:
        return await spf_record(batch, domain), None
    except DnsError as error:
        return None, str(error)

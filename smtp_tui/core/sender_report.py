"""The whole sending side, checked the way receivers check it: "is it me?".

For each sending IP (IPv4 and IPv6 side by side), the MAIL FROM domain and the EHLO name:
the DNS blacklists, SPF evaluated for the MAIL FROM domain and for the HELO name, the From
domain's DMARC policy with SPF alignment, reverse DNS per address, and the large receivers'
published requirements as a checklist. Every look-up starts at once; the report costs about
as long as its slowest chain of dependent answers (the deepest SPF include chain).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import dns.asyncresolver

from smtp_tui.core.addresses import InputError, parse_address, parse_domain
from smtp_tui.core.dmarc import DmarcCheck, check_dmarc, with_spf_alignment
from smtp_tui.core.dnsbl import BlStatus, DnsblChecker, SweepSummary, ZoneResult, zones_for
from smtp_tui.core.dnsbl import parse_target as parse_blacklist_target
from smtp_tui.core.dnsbl_catalogue import Zone
from smtp_tui.core.record import frozen_record
from smtp_tui.core.reverse_dns import ReverseDns, check_reverse_dns, normalized_address
from smtp_tui.core.sender_requirements import (
    SPF_REFUSED,
    ChecklistItem,
    ItemStatus,
    evaluate_checklist,
)
from smtp_tui.core.spf import SpfCheck, SpfLookups, SpfResult, check_spf

SPF_BAD = SPF_REFUSED  # SPF results for the MAIL FROM domain held against the sender


@frozen_record
class SenderInput:
    """What the report is about. ``mail_from`` is an address (``user@domain``) or a bare
    domain; its domain is also taken as the From domain for DMARC."""

    ips: tuple[str, ...]
    mail_from: str | None = None
    helo: str | None = None

    @property
    def mail_from_domain(self) -> str | None:
        # The null sender (<>) has no domain: SPF then rests on the HELO name (RFC 7208 §2.4).
        if not self.mail_from or self.mail_from.strip() in ("<>", ""):
            return None
        if "@" in self.mail_from:
            return parse_address(self.mail_from).domain.ascii
        return parse_domain(self.mail_from).ascii

    @property
    def sender(self) -> str | None:
        """The <sender> for SPF macros: the address, or postmaster@domain."""
        domain = self.mail_from_domain
        if domain is None or self.mail_from is None:
            return None
        return self.mail_from if "@" in self.mail_from else f"postmaster@{domain}"


def validate_input(given: SenderInput) -> SenderInput:
    """Normalized addresses and names; raises InputError (a usage error) before any query."""
    ips = tuple(_address(ip) for ip in given.ips)
    helo = parse_domain(given.helo).ascii if given.helo else None
    checked = SenderInput(ips, given.mail_from, helo)
    _ = checked.mail_from_domain  # raises InputError when malformed
    return checked


def _address(text: str) -> str:
    try:
        return str(normalized_address(text))
    except ValueError:
        raise InputError(
            f"--ip {text!r} is not an IP address (IPv4 as four numbers 0-255, or IPv6)."
        ) from None


@frozen_record
class SpfPerIp:
    ip: str
    mail_from: SpfCheck | None
    helo: SpfCheck | None


@frozen_record
class SendingSideReport:
    given: SenderInput
    blacklists: tuple[ZoneResult, ...]
    spf: tuple[SpfPerIp, ...]
    dmarc: DmarcCheck | None
    reverse_dns: tuple[ReverseDns, ...]
    checklist: tuple[ChecklistItem, ...]

    @property
    def summary(self) -> SweepSummary:
        return SweepSummary(list(self.blacklists))

    def problems(self) -> list[str]:
        """What receivers would hold against this sender: the reasons for exit code 1.
        Not-checkable items, unverified lists and temperror never appear here."""
        problems = [
            f"{r.target} is listed on {r.zone.zone}: {', '.join(r.meanings)}"
            for r in self.blacklists
            if r.status is BlStatus.LISTED
        ]
        for per_ip in self.spf:
            if per_ip.mail_from is not None and per_ip.mail_from.result in SPF_BAD:
                check = per_ip.mail_from
                problems.append(
                    f"SPF for {check.domain} is {check.result.value} for {check.ip}"
                    + (f" ({check.mechanism})" if check.mechanism else "")
                )
        if self.dmarc is not None and self.dmarc.missing:
            problems.append(f"{self.dmarc.domain} publishes no DMARC record")
        for found in self.reverse_dns:
            if found.has_ptr is False or found.forward_confirmed is False:
                problems.append(found.problems[0])
        problems += [
            f"Checklist: {item.requirement.item}: fail ({item.note})"
            for item in self.checklist
            if item.status is ItemStatus.FAIL
        ]
        return list(dict.fromkeys(problems))

    def warnings(self) -> list[str]:
        """Worth fixing, but no reason for exit code 1: generic PTR names, an EHLO name that
        differs from the PTR, a HELO name whose SPF does not pass, the DMARCbis difference."""
        warnings: list[str] = []
        for found in self.reverse_dns:
            if found.generic or found.matches_helo is False:
                warnings += [p for p in found.problems if "generic" in p or "EHLO" in p]
        for per_ip in self.spf:
            helo = per_ip.helo
            if helo is not None and helo.result in SPF_BAD:
                warnings.append(f"SPF for the HELO name {helo.domain} is {helo.result.value}")
        return list(dict.fromkeys(warnings))

    @property
    def failed(self) -> bool:
        """True when exit code 1 is due (see problems())."""
        if any(r.status is BlStatus.LISTED for r in self.blacklists):
            return True
        if any(p.mail_from is not None and p.mail_from.result in SPF_BAD for p in self.spf):
            return True
        if self.dmarc is not None and self.dmarc.missing:
            return True
        if any(r.has_ptr is False or r.forward_confirmed is False for r in self.reverse_dns):
            return True
        return any(item.status is ItemStatus.FAIL for item in self.checklist)

    def as_json(self) -> dict[str, object]:
        first = self.spf[0] if self.spf else None
        record: dict[str, object] = {
            "ips": list(self.given.ips),
            "blacklists": [result.as_json() for result in self.blacklists],
            "spf": {
                "mail_from": first.mail_from.as_json() if first and first.mail_from else None,
                "helo": first.helo.as_json() if first and first.helo else None,
            },
            "dmarc": self.dmarc.as_json() if self.dmarc else None,
            "reverse_dns": [found.as_json() for found in self.reverse_dns],
            "checklist": [item.as_json() for item in self.checklist],
        }
        if len(self.spf) > 1:
            # "spf" is the first address's; SPF can differ per address (IPv4 and IPv6).
            record["spf_per_ip"] = [
                {
                    "ip": per_ip.ip,
                    "mail_from": per_ip.mail_from.as_json() if per_ip.mail_from else None,
                    "helo": per_ip.helo.as_json() if per_ip.helo else None,
                }
                for per_ip in self.spf
            ]
        return record


async def _sweep(
    checker: DnsblChecker,
    zones: list[Zone],
    target_text: str,
    on_result: Callable[[ZoneResult], None] | None,
) -> list[ZoneResult]:
    target = parse_blacklist_target(target_text)
    found = []
    async for result in checker.sweep(zones_for(zones, target), target):
        found.append(result)
        if on_result is not None:
            on_result(result)
    order = {zone.zone: index for index, zone in enumerate(zones)}
    return sorted(found, key=lambda r: order.get(r.zone.zone, len(order)))


async def _spf_for(
    lookups: SpfLookups, ip: str, given: SenderInput, domain: str | None
) -> SpfPerIp:
    mail_from = (
        check_spf(lookups, ip, domain, sender=given.sender, helo=given.helo) if domain else None
    )
    helo = (
        check_spf(lookups, ip, given.helo, helo=given.helo, identity="helo") if given.helo else None
    )
    results = await asyncio.gather(*(c for c in (mail_from, helo) if c is not None))
    found = iter(results)
    return SpfPerIp(
        ip, next(found) if mail_from is not None else None, next(found) if helo else None
    )


async def check_sender(
    resolver: dns.asyncresolver.Resolver,
    zones: list[Zone],
    given: SenderInput,
    *,
    checker: DnsblChecker | None = None,
    on_result: Callable[[ZoneResult], None] | None = None,
) -> SendingSideReport:
    """Every check at once; blacklist results also go to ``on_result`` as they arrive."""
    given = validate_input(given)
    # Listings are rare and the SPF chain is longer than a listing's two round trips: the
    # TXT reason is asked only after a listing, which saves one query per list and target.
    checker = checker or DnsblChecker(resolver, txt_with_a=False)
    domain = given.mail_from_domain
    lookups = SpfLookups(resolver)
    targets = list(given.ips) + ([domain] if domain else [])
    try:
        # The SPF include chain is the longest chain of dependent answers: its first query
        # goes out first, so it does not wait behind the lists' burst at a busy resolver.
        spf, dmarc, reverse, sweeps = await asyncio.gather(
            asyncio.gather(*(_spf_for(lookups, ip, given, domain) for ip in given.ips)),
            check_dmarc(resolver, domain) if domain else _nothing(),
            asyncio.gather(*(check_reverse_dns(resolver, ip, given.helo) for ip in given.ips)),
            asyncio.gather(*(_sweep(checker, zones, t, on_result) for t in targets)),
        )
    finally:
        await lookups.close()
    mail_from_checks = [p.mail_from for p in spf if p.mail_from is not None]
    if dmarc is not None:
        passed = None
        if mail_from_checks and all(c.result is not SpfResult.TEMPERROR for c in mail_from_checks):
            passed = all(c.result is SpfResult.PASS for c in mail_from_checks)
        dmarc = with_spf_alignment(dmarc, domain, passed)
    checklist = evaluate_checklist(reverse, mail_from_checks, dmarc)
    return SendingSideReport(
        given,
        tuple(result for sweep in sweeps for result in sweep),
        tuple(spf),
        dmarc,
        tuple(reverse),
        tuple(checklist),
    )


async def _nothing() -> None:
    return None

"""DNS blacklist checks that never call a refusal or a dead list "listed".

Each (zone, target) gets one of seven statuses: listed, not-listed, unverified, refused, error,
timeout, broken. Before a zone's answers are trusted it passes the RFC 5782 §5 self-test, once
per run and resolver: its "listed" test point must be listed and its "not listed" point must
not be. A list that does not list its own test entry (a dead list, or a resolver that answers
NXDOMAIN to every DNSBL query) cannot vouch for anything: its silence is ``unverified``, never
``not-listed``. All zones are queried at once (bounded) and results arrive as each is done.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from enum import Enum

import dns.asyncresolver

from smtp_tui.core.addresses import InputError, parse_domain
from smtp_tui.core.dns import DnsError, DnsFailure, query
from smtp_tui.core.dnsbl_catalogue import Zone
from smtp_tui.core.sanitize import sanitize_text

MAX_IN_FLIGHT = 128  # a whole sweep (about three tiny queries per zone) goes out at once
RESULT_CACHE_SECONDS = 300.0
TXT_MAX_CHARS = 300
LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


class BlStatus(Enum):
    LISTED = ("listed", "✘")
    NOT_LISTED = ("not-listed", "✔")
    UNVERIFIED = ("unverified", "?")
    REFUSED = ("refused", "?")
    ERROR = ("error", "?")
    TIMEOUT = ("timeout", "?")
    BROKEN = ("broken", "!")

    @property
    def word(self) -> str:
        return self.value[0]

    @property
    def symbol(self) -> str:
        return self.value[1]

    @property
    def could_not_check(self) -> bool:
        return self not in (BlStatus.LISTED, BlStatus.NOT_LISTED)


class TargetError(InputError):
    """A blacklist target that is neither an IP address nor a usable domain."""


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class ZoneResult:
    zone: Zone
    target: str
    status: BlStatus
    codes: tuple[str, ...] = ()
    meanings: tuple[str, ...] = ()
    reason: str | None = None  # the TXT record, sanitized and capped
    detail: str = ""  # why it could not be checked, and what fixes it
    policy: bool = False
    cached: bool = False

    @property
    def url(self) -> str:
        return self.zone.lookup_url

    def as_json(self) -> dict[str, object]:
        return {
            "zone": self.zone.zone,
            "target": self.target,
            "status": self.status.word,
            "codes": list(self.codes),
            "meanings": list(self.meanings),
            "reason": self.reason,
            "url": self.url or None,
        }


@dataclass(frozen=True)
class _Answer:
    status: BlStatus
    codes: tuple[str, ...] = ()
    meanings: tuple[str, ...] = ()
    detail: str = ""


_FIX_REFUSED = (
    "Ask from your mail server's own recursive resolver, not a public one; some "
    "lists need registration or a key (Spamhaus DQS)."
)
_FIX_ERROR = "Try again later, or from your own resolver; some lists need registration."
_FIX_TIMEOUT = "The list did not answer in time; try again later or ask another resolver."


def classify_codes(zone: Zone, codes: list[str]) -> _Answer:
    """What a set of A records from ``zone`` means. A refusal anywhere in the set wins."""
    codes = sorted(codes, key=ipaddress.ip_address)  # DNS gives a set; show it in order
    for code in codes:
        address = ipaddress.ip_address(code)
        if address not in LOOPBACK:
            return _Answer(
                BlStatus.REFUSED,
                tuple(codes),
                detail=(
                    f"The answer {code} is outside 127.0.0.0/8: the list or your resolver is "
                    f"rewriting answers, so it means nothing. {_FIX_REFUSED}"
                ),
            )
        refusal = zone.is_error_code(code)
        if refusal is not None:
            return _Answer(BlStatus.REFUSED, tuple(codes), detail=f"{refusal}. {_FIX_REFUSED}")
    meanings = tuple(dict.fromkeys(zone.meaning_of(code) for code in codes))
    return _Answer(BlStatus.LISTED, tuple(codes), meanings)


class DnsblChecker:
    """Checks targets against zones through one resolver, with self-tests and a short cache."""

    def __init__(
        self,
        resolver: dns.asyncresolver.Resolver,
        *,
        max_in_flight: int = MAX_IN_FLIGHT,
        cache_seconds: float = RESULT_CACHE_SECONDS,
        txt_with_a: bool = True,
    ) -> None:
        self.resolver = resolver
        self.txt_with_a = txt_with_a  # one round trip for a listing, one more query per zone
        self._limit = asyncio.Semaphore(max_in_flight)
        self._cache_seconds = cache_seconds
        self._results: dict[tuple[str, str], tuple[float, ZoneResult]] = {}
        self._self_tests: dict[tuple[str, str], asyncio.Future[_Answer]] = {}
        self.queries = 0

    async def _lookup(self, name: str, rdtype: str = "A") -> list[str] | DnsError:
        async with self._limit:
            self.queries += 1
            try:
                answer = await query(self.resolver, name + ".", rdtype)
            except DnsError as error:
                return error
        if rdtype == "TXT":
            return [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer]
        return [rdata.to_text() for rdata in answer]

    async def _ask(self, zone: Zone, label: str) -> _Answer:
        found = await self._lookup(f"{label}.{zone.zone}")
        if isinstance(found, DnsError):
            if found.kind in (DnsFailure.NXDOMAIN, DnsFailure.NO_ANSWER):
                return _Answer(BlStatus.NOT_LISTED)
            if found.kind is DnsFailure.TIMEOUT:
                return _Answer(BlStatus.TIMEOUT, detail=_FIX_TIMEOUT)
            what = "refused" if found.kind is DnsFailure.REFUSED else "failed (SERVFAIL)"
            return _Answer(BlStatus.ERROR, detail=f"The list's name servers {what}. {_FIX_ERROR}")
        return classify_codes(zone, found)

    def self_test(self, zone: Zone, family: str) -> asyncio.Future[_Answer]:
        """RFC 5782 §5, once per zone and family for this checker (one run, one resolver)."""
        key = (zone.zone, family)
        if key not in self._self_tests:
            self._self_tests[key] = asyncio.ensure_future(self._run_self_test(zone, family))
        return self._self_tests[key]

    async def _run_self_test(self, zone: Zone, family: str) -> _Answer:
        if family == "domain":
            positive, negative = zone.test_name, "invalid"
        elif family == "ipv6":
            positive = reversed_nibbles(ipaddress.IPv6Address("::ffff:7f00:2"))
            negative = reversed_nibbles(ipaddress.IPv6Address("::ffff:7f00:1"))
        else:
            positive, negative = "2.0.0.127", "1.0.0.127"
        if not zone.test_entry:
            # Only the negative point can be tested; silence stays unverified.
            clean = await self._ask(zone, negative)
            listed = _Answer(BlStatus.NOT_LISTED)
        else:
            listed, clean = await asyncio.gather(
                self._ask(zone, positive), self._ask(zone, negative)
            )
        if clean.status is BlStatus.LISTED:
            return _Answer(
                BlStatus.BROKEN,
                detail=(
                    f"The list says its 'not listed' test point ({negative}) is listed: it answers "
                    "'listed' for everything (a dead or hijacked list). Its answers are discarded; "
                    "remove it from your configuration."
                ),
            )
        for answer in (listed, clean):
            if answer.status in (BlStatus.REFUSED, BlStatus.ERROR, BlStatus.TIMEOUT):
                return answer
        if listed.status is BlStatus.NOT_LISTED:
            return _Answer(BlStatus.UNVERIFIED, detail=_unverified_reason(zone, family, positive))
        return _Answer(BlStatus.LISTED)  # healthy

    async def check(self, zone: Zone, target: Target) -> ZoneResult:
        """One zone, one target: self-test, the A query and the TXT reason run side by side
        (the TXT is asked with the A rather than after it, and dropped unless listed)."""
        key = (zone.zone, target.label)
        cached = self._results.get(key)
        if cached and time.monotonic() - cached[0] < self._cache_seconds:
            return _replace_cached(cached[1])
        if zone.kind != target.zone_kind:
            return ZoneResult(
                zone,
                target.text,
                BlStatus.ERROR,
                detail=f"This is a {zone.kind} list; it cannot check {target.kind}.",
            )
        reason = asyncio.ensure_future(self._reason(zone, target)) if self.txt_with_a else None
        try:
            test, answer = await asyncio.gather(
                self.self_test(zone, target.kind), self._ask(zone, target.label)
            )
            result = await self._combine(zone, target, test, answer, reason)
        finally:
            if reason is not None and not reason.done():
                reason.cancel()
        if result.status is not BlStatus.TIMEOUT:
            self._results[key] = (time.monotonic(), result)
        return result

    async def _combine(
        self,
        zone: Zone,
        target: Target,
        test: _Answer,
        answer: _Answer,
        reason_asked: asyncio.Future[str | None] | None = None,
    ) -> ZoneResult:
        unverified = test.status is BlStatus.UNVERIFIED
        if test.status is not BlStatus.LISTED and not unverified:
            return ZoneResult(zone, target.text, test.status, detail="Self-test: " + test.detail)
        if answer.status is BlStatus.NOT_LISTED and unverified:
            # Silence from a list that does not list its own test entry proves nothing.
            return ZoneResult(zone, target.text, BlStatus.UNVERIFIED, detail=test.detail)
        if answer.status is not BlStatus.LISTED:
            return ZoneResult(zone, target.text, answer.status, answer.codes, detail=answer.detail)
        # A listing code from an unverified list is still a listing (the negative test passed,
        # so the list does not answer everything); the note says it could not be verified.
        detail = test.detail
        reason = await (reason_asked or self._reason(zone, target))
        policy = any(zone.is_policy(meaning) for meaning in answer.meanings)
        return ZoneResult(
            zone,
            target.text,
            BlStatus.LISTED,
            answer.codes,
            answer.meanings,
            reason,
            detail,
            policy,
        )

    async def _reason(self, zone: Zone, target: Target) -> str | None:
        """The TXT record, fetched only for listings, shown as untrusted text."""
        found = await self._lookup(f"{target.label}.{zone.zone}", "TXT")
        if isinstance(found, DnsError) or not found:
            return None
        return sanitize_text(" ".join(found), max_chars=TXT_MAX_CHARS)

    async def sweep(self, zones: list[Zone], target: Target) -> AsyncIterator[ZoneResult]:
        """Check every zone at once; yield each result as it arrives."""
        tasks = [asyncio.ensure_future(self.check(zone, target)) for zone in zones]
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            for task in tasks:
                task.cancel()


def _unverified_reason(zone: Zone, family: str, positive: str) -> str:
    if not zone.test_entry:
        return (
            "This list publishes no RFC 5782 test entry, so 'not listed' from it cannot be "
            "verified; look the address up on the list's site."
        )
    if family == "ipv6":
        return (
            f"The list does not list its IPv6 test entry ({positive[:23]}...): it may not "
            "answer for IPv6 at all, so 'not listed' means nothing here."
        )
    return (
        f"The list does not list its own test entry ({positive}.{zone.zone}): the list is dead, "
        "or your resolver answers NXDOMAIN to DNSBL queries (many public and corporate "
        "resolvers do). 'Not listed' from it means nothing; ask another resolver."
    )


def _replace_cached(result: ZoneResult) -> ZoneResult:
    return replace(result, cached=True)


@dataclass
class SweepSummary:
    results: list[ZoneResult] = field(default_factory=list)

    @property
    def listed(self) -> list[ZoneResult]:
        return [r for r in self.results if r.status is BlStatus.LISTED]

    @property
    def clean(self) -> list[ZoneResult]:
        return [r for r in self.results if r.status is BlStatus.NOT_LISTED]

    @property
    def unchecked(self) -> list[ZoneResult]:
        return [r for r in self.results if r.status.could_not_check]

    @property
    def nothing_checked(self) -> bool:
        """True when no list gave a verified answer (listed or not-listed)."""
        return not self.listed and not self.clean

    def line(self) -> str:
        return (
            f"{len(self.listed)} listed, {len(self.clean)} clean, "
            f"{len(self.unchecked)} could not check"
        )

    def common_cause(self, resolver: str) -> str | None:
        """When most lists failed the same way, the likely shared cause: the resolver.

        ``resolver`` names the resolver asked (e.g. "system resolver")."""
        failed = [r for r in self.results if r.status.could_not_check]
        if len(failed) < 2 or len(failed) * 2 <= len(self.results):
            return None
        status, count = Counter(r.status for r in failed).most_common(1)[0]
        if count * 2 <= len(self.results) or status is BlStatus.BROKEN:
            return None
        how = _COMMON_CAUSES.get(status, "failed")
        return (
            f"{count} of {len(self.results)} lists {how}. One list failing is the list's "
            f"problem; most of them failing the same way points at the resolver asked "
            f"({resolver}). Ask another one with --dns SERVER[:PORT], best your mail "
            "server's own recursive resolver (not a public one such as 8.8.8.8 or 1.1.1.1)."
        )


_COMMON_CAUSES = {
    BlStatus.UNVERIFIED: "did not list their own test entry (every query answered 'not listed')",
    BlStatus.REFUSED: "refused the query",
    BlStatus.ERROR: "failed (SERVFAIL or REFUSED)",
    BlStatus.TIMEOUT: "did not answer in time",
}


def zones_for(zones: list[Zone], target: Target) -> list[Zone]:
    """The zones that can answer for this kind of target."""
    if target.kind == "domain":
        return [zone for zone in zones if zone.kind == "domain"]
    if target.kind == "ipv6":
        return [zone for zone in zones if zone.kind == "ip" and zone.ipv6 is not False]
    return [zone for zone in zones if zone.kind == "ip" and zone.ipv4]


__all__ = [
    "BlStatus",
    "DnsblChecker",
    "SweepSummary",
    "Target",
    "TargetError",
    "ZoneResult",
    "address_note",
    "classify_codes",
    "parse_target",
    "zones_for",
]

"""DNS blacklist checks that never call a refusal or a dead list "listed".

Each (zone, target) gets one of seven statuses: listed, not-listed, unverified, refused, error,
timeout, broken. Before a zone's answers are trusted it passes the RFC 5782 §5 self-test, once
per run and resolver: its "listed" test point must be listed and its "not listed" point must
not be. A list that does not list its own test entry (a dead list, or a resolver that answers
NXDOMAIN to every DNSBL query) cannot vouch for anything: its silence is ``unverified``, never
``not-listed``.

Every question of a sweep leaves at once (issue 15): per zone the target's A and TXT and both
self-test points, through one :class:`DnsBatch`; each zone is judged when its answers are in,
so a sweep costs one round trip. Targets, answers' meanings and the summary live in
:mod:`dnsbl_target` and :mod:`dnsbl_results`; their names are importable from here too.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from smtp_tui.core.dns import DnsError
from smtp_tui.core.dns_batch import MAX_IN_FLIGHT, DnsBatch, Reply, reply_texts
from smtp_tui.core.dns_reply import Expect
from smtp_tui.core.dnsbl_catalogue import Zone
from smtp_tui.core.dnsbl_results import (
    LOOPBACK,
    BlStatus,
    SweepSummary,
    ZoneAnswer,
    ZoneResult,
    classify_codes,
    read_answer,
)
from smtp_tui.core.dnsbl_target import (
    Target,
    TargetError,
    address_note,
    parse_target,
    reversed_ipv4,
    reversed_nibbles,
    zones_for,
)
from smtp_tui.core.record import replace
from smtp_tui.core.sanitize import sanitize_text

if TYPE_CHECKING:
    import dns.asyncresolver
    import dns.name

RESULT_CACHE_SECONDS = 300.0
TXT_MAX_CHARS = 300


class DnsblChecker:
    """Checks targets against zones through one resolver, with self-tests and a short cache."""

    def __init__(
        self,
        resolver: dns.asyncresolver.Resolver,
        *,
        max_in_flight: int = MAX_IN_FLIGHT,
        cache_seconds: float = RESULT_CACHE_SECONDS,
        txt_with_a: bool = True,
        batch: DnsBatch | None = None,
    ) -> None:
        self.resolver = resolver
        # Shared with the PTR and SPF look-ups of the same run when the caller passes it.
        self.batch = batch or DnsBatch(resolver, max_in_flight=max_in_flight)
        self.txt_with_a = txt_with_a  # one round trip for a listing, one more query per zone
        self._cache_seconds = cache_seconds
        self._results: dict[tuple[str, str], tuple[float, ZoneResult]] = {}
        self._self_tests: dict[tuple[str, str], asyncio.Future[ZoneAnswer]] = {}
        self.queries = 0

    def _ask(
        self, label: str, zone: str, rdtype: str = "A", expect: Expect = Expect.LIKE_LAST
    ) -> asyncio.Future[Reply]:
        """``label.zone.`` sent now; the answer arrives in the future.

        A self-test point's answer is known in advance (``expect``); a target's is read as
        the last one was: a sweep's answers are mostly alike (listed nowhere, or, for an
        address on many lists, listed on most)."""
        self.queries += 1
        name = _relative_name(label).concatenate(_zone_name(zone))
        return self.batch.ask(name, rdtype, shown=f"{label}.{zone}.", expect=expect)

    def self_test(self, zone: Zone, family: str) -> asyncio.Future[ZoneAnswer]:
        """RFC 5782 §5, once per zone and family for this checker (one run, one resolver).
        Both test points are asked right away; the verdict waits for their answers."""
        key = (zone.zone, family)
        if key not in self._self_tests:
            if family == "domain":
                positive, negative = zone.test_name, "invalid"
            elif family == "ipv6":
                positive = reversed_nibbles(ipaddress.IPv6Address("::ffff:7f00:2"))
                negative = reversed_nibbles(ipaddress.IPv6Address("::ffff:7f00:1"))
            else:
                positive, negative = "2.0.0.127", "1.0.0.127"
            # Without a test entry only the negative point can be tested; silence stays
            # unverified.
            listed = (
                self._ask(positive, zone.zone, expect=Expect.RECORDS) if zone.test_entry else None
            )
            clean = self._ask(negative, zone.zone, expect=Expect.NOTHING)
            self._self_tests[key] = asyncio.ensure_future(
                self._judge_self_test(zone, family, positive, negative, listed, clean)
            )
        return self._self_tests[key]

    async def _judge_self_test(
        self,
        zone: Zone,
        family: str,
        positive: str,
        negative: str,
        listed_asked: asyncio.Future[Reply] | None,
        clean_asked: asyncio.Future[Reply],
    ) -> ZoneAnswer:
        clean = _read(zone, await clean_asked)
        listed = (
            _read(zone, await listed_asked)
            if listed_asked is not None
            else ZoneAnswer(BlStatus.NOT_LISTED)
        )
        if clean.status is BlStatus.LISTED:
            return ZoneAnswer(
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
            return ZoneAnswer(
                BlStatus.UNVERIFIED, detail=_unverified_reason(zone, family, positive)
            )
        return ZoneAnswer(BlStatus.LISTED)  # healthy

    async def check(self, zone: Zone, target: Target) -> ZoneResult:
        """One zone, one target: the self-test, the A query and the TXT reason all leave at
        once (the TXT is dropped unless listed); the result is judged when they are in."""
        key = (zone.zone, target.label)
        cached = self._results.get(key)
        if cached and time.monotonic() - cached[0] < self._cache_seconds:
            return replace(cached[1], cached=True)
        if zone.kind != target.zone_kind:
            return ZoneResult(
                zone,
                target.text,
                BlStatus.ERROR,
                detail=f"This is a {zone.kind} list; it cannot check {target.kind}.",
            )
        reason = self._ask(target.label, zone.zone, "TXT") if self.txt_with_a else None
        test = self.self_test(zone, target.kind)
        found = self._ask(target.label, zone.zone)
        try:
            answer = _read(zone, await found)
            # The self-test is shared by every target of this zone: one caller giving up
            # must not cancel it for the others.
            verdict = await asyncio.shield(test)
            result = await self._combine(zone, target, verdict, answer, reason)
        finally:
            for asked in (reason, found):
                if asked is not None and not asked.done():
                    asked.cancel()
        if result.status is not BlStatus.TIMEOUT:
            self._results[key] = (time.monotonic(), result)
        return result

    async def _combine(
        self,
        zone: Zone,
        target: Target,
        test: ZoneAnswer,
        answer: ZoneAnswer,
        reason_asked: asyncio.Future[Reply] | None,
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
        if reason_asked is None:  # the TXT is asked only now, for a listing
            reason_asked = self._ask(target.label, zone.zone, "TXT")
        reason = _reason(await reason_asked)
        policy = any(zone.is_policy(meaning) for meaning in answer.meanings)
        return ZoneResult(
            zone,
            target.text,
            BlStatus.LISTED,
            answer.codes,
            answer.meanings,
            reason,
            test.detail,
            policy,
        )

    async def sweep(self, zones: list[Zone], target: Target) -> AsyncIterator[ZoneResult]:
        """Check every zone at once; yield each result as it arrives."""
        tasks = [asyncio.ensure_future(self.check(zone, target)) for zone in zones]
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            for task in tasks:
                task.cancel()


# A sweep asks 160 names made of a few parts (the target's label, the two test points, 40
# zones): each part is parsed once, and each name is two of them joined.
@functools.lru_cache(maxsize=256)
def _relative_name(label: str) -> dns.name.Name:
    import dns.name

    return dns.name.from_text(label, origin=None)


@functools.lru_cache(maxsize=256)
def _zone_name(zone: str) -> dns.name.Name:
    import dns.name

    return dns.name.from_text(zone)


def _read(zone: Zone, reply: Reply) -> ZoneAnswer:
    return read_answer(zone, reply_texts(reply, "A"))


def _reason(reply: Reply) -> str | None:
    """The TXT record of a listing, shown as untrusted text."""
    found = reply_texts(reply, "TXT")
    if isinstance(found, DnsError) or not found:
        return None
    return sanitize_text(" ".join(found), max_chars=TXT_MAX_CHARS)


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


__all__ = [
    "LOOPBACK",
    "MAX_IN_FLIGHT",
    "BlStatus",
    "DnsblChecker",
    "SweepSummary",
    "Target",
    "TargetError",
    "ZoneAnswer",
    "ZoneResult",
    "address_note",
    "classify_codes",
    "parse_target",
    "read_answer",
    "reversed_ipv4",
    "reversed_nibbles",
    "zones_for",
]

"""What blacklist answers mean: the seven statuses, one zone's result, and a sweep's summary.

A refusal anywhere in a set of answer codes wins over a listing; an answer outside 127.0.0.0/8
is a rewriting resolver, never a listing. When most lists fail the same way, the summary names
the likely common cause: the resolver.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from functools import lru_cache
from operator import itemgetter

from smtp_tui.core.dns import DnsError, DnsFailure
from smtp_tui.core.dnsbl_catalogue import Zone
from smtp_tui.core.record import field, frozen_record, mutable_record
from smtp_tui.core.shown_status import ShownStatus

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


class BlStatus(ShownStatus):
    LISTED = ("listed", "✘")
    NOT_LISTED = ("not-listed", "✔")
    UNVERIFIED = ("unverified", "?")
    REFUSED = ("refused", "?")
    ERROR = ("error", "?")
    TIMEOUT = ("timeout", "?")
    BROKEN = ("broken", "!")

    @property
    def could_not_check(self) -> bool:
        return self not in (BlStatus.LISTED, BlStatus.NOT_LISTED)


@frozen_record
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


@frozen_record
class ZoneAnswer:
    """What one answer from a zone means, before the self-test is taken into account."""

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


def read_answer(zone: Zone, found: list[str] | DnsError) -> ZoneAnswer:
    """One A look-up's outcome (its addresses, or why there are none) as a zone's answer."""
    if isinstance(found, DnsError):
        if found.kind in (DnsFailure.NXDOMAIN, DnsFailure.NO_ANSWER):
            return ZoneAnswer(BlStatus.NOT_LISTED)
        if found.kind is DnsFailure.TIMEOUT:
            return ZoneAnswer(BlStatus.TIMEOUT, detail=_FIX_TIMEOUT)
        what = "refused" if found.kind is DnsFailure.REFUSED else "failed (SERVFAIL)"
        return ZoneAnswer(BlStatus.ERROR, detail=f"The list's name servers {what}. {_FIX_ERROR}")
    return classify_codes(zone, found)


def classify_codes(zone: Zone, codes: list[str]) -> ZoneAnswer:
    """What a set of A records from ``zone`` means. A refusal anywhere in the set wins."""
    # DNS gives a set; show it in order. Each code is read as an address once.
    addresses = sorted(((*_code_address(code), code) for code in codes), key=itemgetter(0))
    codes = [code for _, _, code in addresses]
    for address, in_loopback, code in addresses:
        if not in_loopback:
            return ZoneAnswer(
                BlStatus.REFUSED,
                tuple(codes),
                detail=(
                    f"The answer {code} is outside 127.0.0.0/8: the list or your resolver is "
                    f"rewriting answers, so it means nothing. {_FIX_REFUSED}"
                ),
            )
        refusal = zone.is_error_code(code, address)
        if refusal is not None:
            return ZoneAnswer(BlStatus.REFUSED, tuple(codes), detail=f"{refusal}. {_FIX_REFUSED}")
    meanings = tuple(dict.fromkeys(zone.meaning_of(code) for code in codes))
    return ZoneAnswer(BlStatus.LISTED, tuple(codes), meanings)


@lru_cache(maxsize=256)
def _code_address(code: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, bool]:
    """A code as an address, and whether it is in 127.0.0.0/8: a sweep reads the same few
    codes (127.0.0.2 ...) from every list, so each is read once."""
    address = ipaddress.ip_address(code)
    return address, address in LOOPBACK


@mutable_record
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

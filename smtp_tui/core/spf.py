"""SPF evaluated as receivers do: RFC 7208 ``check_host()`` on dnspython's async resolver.

Written here rather than taken from pyspf (unmaintained, synchronous, with its own DNS layer)
so that it runs on the resolver the user chose (``--dns``) and never blocks the event loop.

Terms are evaluated strictly left to right, and only evaluated terms count toward the limits
(10 DNS-querying terms, 2 void look-ups, 10 MX or PTR names). To avoid paying one round trip per
term, the look-ups a record *may* need are started as soon as it is parsed (the records of its
includes and redirect too, recursively, within a budget); evaluation then waits only for the
answers it actually uses. A check thus costs about one round trip per level of the deepest
include chain, not one per look-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
from enum import Enum

import dns.asyncresolver
import dns.reversename

from smtp_tui.core.dns import DnsError, DnsFailure
from smtp_tui.core.record import frozen_record
from smtp_tui.core.sanitize import sanitize_text
from smtp_tui.core.spf_lookups import Found, SpfLookups
from smtp_tui.core.spf_syntax import (
    DNS_MECHANISMS,
    MacroContext,
    SpfRecord,
    SpfSyntaxError,
    Term,
    expand,
    is_spf_record,
    network_of,
    parse_record,
)

MAX_DNS_TERMS = 10  # RFC 7208 §4.6.4
MAX_VOID_LOOKUPS = 2
MAX_NAMES = 10  # MX exchanges per "mx", PTR names per "ptr"
PREFETCH_BUDGET = 60  # speculative queries per check, so a hostile record cannot fan out
RECORD_MAX_CHARS = 1000
ABSENT = (DnsFailure.NXDOMAIN, DnsFailure.NO_ANSWER)
_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


class SpfResult(Enum):
    PASS = "pass"
    FAIL = "fail"
    SOFTFAIL = "softfail"
    NEUTRAL = "neutral"
    NONE = "none"
    PERMERROR = "permerror"
    TEMPERROR = "temperror"


@frozen_record
class SpfCheck:
    """The outcome of check_host() for one identity (the MAIL FROM domain or the HELO name)."""

    identity: str  # "mail_from" or "helo"
    domain: str
    ip: str
    result: SpfResult
    mechanism: str | None = None  # the deciding term, through includes: "include:x > ip4:y"
    lookups: int = 0  # DNS-querying terms evaluated (the limit is 10)
    void_lookups: int = 0
    record: str | None = None  # the domain's own record, sanitized
    detail: str = ""  # why permerror / temperror / none

    def as_json(self) -> dict[str, object]:
        return {
            "domain": self.domain,
            "result": self.result.value,
            "mechanism": self.mechanism,
            "lookups": self.lookups,
            "record": self.record,
        }

    def line(self) -> str:
        name = "MAIL FROM" if self.identity == "mail_from" else "HELO"
        text = f"SPF for the {name} domain {self.domain} and {self.ip}: {self.result.value}"
        if self.mechanism:
            text += f" (decided by {self.mechanism})"
        text += f"; {self.lookups} DNS-querying term(s) of 10"
        if self.detail:
            text += f". {self.detail}"
        return text


class _PermError(Exception):
    pass


class _TempError(Exception):
    pass


@frozen_record
class _Decision:
    result: SpfResult
    path: tuple[str, ...] = ()
    record: str | None = None
    detail: str = ""


class _Evaluation:
    """One check_host() run with its own counters; answers come from the shared lookups."""

    def __init__(self, lookups: SpfLookups, context: MacroContext) -> None:
        self.dns = lookups
        self.context = context
        self.terms = 0
        self.voids = 0
        self.prefetch_left = PREFETCH_BUDGET

    # ---------------------------------------------------------------- speculation

    def _prefetch(self, name: str, rdtype: str) -> None:
        key = (name.lower().rstrip("."), rdtype)
        if key in self.dns.answers or self.prefetch_left <= 0:
            return
        self.prefetch_left -= 1
        self.dns.ask(name, rdtype)

    def _warm(self, record: SpfRecord, domain: str) -> None:
        """Start every look-up the record may need; evaluation still goes left to right."""
        family = "A" if self.context.ip.version == 4 else "AAAA"
        for term in record.terms[:MAX_DNS_TERMS]:
            if term.name not in DNS_MECHANISMS:
                continue
            try:
                target = expand(term.value, self.context, domain) if term.value else domain
            except SpfSyntaxError:
                continue
            if term.name == "include":
                self.dns.spawn(self._warm_domain(target))
            elif term.name == "a":
                self._prefetch(target, family)
            elif term.name == "exists":
                self._prefetch(target, "A")
            elif term.name == "mx":
                self.dns.spawn(self._warm_mx(target, family))
            elif term.name == "ptr":
                self._prefetch(dns.reversename.from_address(str(self.context.ip)).to_text(), "PTR")
        if record.redirect:
            with contextlib.suppress(SpfSyntaxError):
                self.dns.spawn(self._warm_domain(expand(record.redirect, self.context, domain)))

    async def _warm_domain(self, domain: str) -> None:
        if self.prefetch_left <= 0:
            return
        self._prefetch(domain, "TXT")
        found = await self.dns.ask(domain, "TXT")
        records = [text for text in found if is_spf_record(text)] if isinstance(found, list) else []
        if len(records) == 1:
            with contextlib.suppress(SpfSyntaxError):
                self._warm(parse_record(records[0]), domain)

    async def _warm_mx(self, domain: str, family: str) -> None:
        self._prefetch(domain, "MX")
        found = await self.dns.ask(domain, "MX")
        if isinstance(found, list):
            for exchange in found[:MAX_NAMES]:
                self._prefetch(exchange, family)

    # ---------------------------------------------------------------- check_host()

    async def check_host(self, domain: str) -> _Decision:
        """RFC 7208 §4: the record of ``domain`` evaluated for the context's IP."""
        found = await self.dns.ask(domain, "TXT")
        if isinstance(found, DnsError):
            if found.kind in ABSENT:
                return _Decision(SpfResult.NONE, detail=f"{domain} has no SPF record.")
            raise _TempError(f"the TXT look-up of {domain} failed ({found.kind.value})")
        records = [text for text in found if is_spf_record(text)]
        if not records:
            return _Decision(SpfResult.NONE, detail=f"{domain} publishes no SPF record.")
        shown = sanitize_text(records[0], max_chars=RECORD_MAX_CHARS)
        if len(records) > 1:
            raise _PermError(f"{domain} publishes {len(records)} SPF records; it must be one")
        try:
            record = parse_record(records[0])
        except SpfSyntaxError as error:
            raise _PermError(f"syntax error in the record of {domain}: {error}") from None
        self._warm(record, domain)
        for term in record.terms:
            below = await self._match(term, domain)
            if below is not None:
                return _Decision(SpfResult(term.result), (term.text, *below), shown)
        if record.redirect is not None:
            self._count_term()
            target = self._expand(record.redirect, domain)
            inner = await self.check_host(target)
            if inner.result is SpfResult.NONE:
                raise _PermError(f"redirect={target}: that domain has no SPF record")
            return _Decision(inner.result, (f"redirect={target}", *inner.path), shown)
        return _Decision(SpfResult.NEUTRAL, ("no term matched (default neutral)",), shown)

    def _count_term(self) -> None:
        self.terms += 1
        if self.terms > MAX_DNS_TERMS:
            raise _PermError(
                f"more than {MAX_DNS_TERMS} DNS-querying terms (include, a, mx, ptr, exists, "
                "redirect): receivers stop here with permerror"
            )

    def _void(self, found: Found) -> bool:
        """True when the answer is empty; counts it, and fails past the void limit."""
        if isinstance(found, DnsError) and found.kind not in ABSENT:
            raise _TempError(f"{found.rdtype} look-up of {found.name} failed ({found.kind.value})")
        if isinstance(found, list) and found:
            return False
        self.voids += 1
        if self.voids > MAX_VOID_LOOKUPS:
            raise _PermError(
                f"more than {MAX_VOID_LOOKUPS} look-ups found nothing (void look-up limit, "
                "RFC 7208 §4.6.4)"
            )
        return True

    def _expand(self, spec: str, domain: str) -> str:
        try:
            return expand(spec, self.context, domain)
        except SpfSyntaxError as error:
            raise _PermError(str(error)) from None

    async def _match(self, term: Term, domain: str) -> tuple[str, ...] | None:
        """None when the term does not match; else the deciding terms below it (includes)."""
        matched = await self._matches(term, domain) if term.name != "include" else None
        if term.name != "include":
            return () if matched else None
        self._count_term()
        target = self._expand(term.value, domain)
        inner = await self.check_host(target)
        if inner.result is SpfResult.NONE:
            raise _PermError(f"include:{target}: that domain has no SPF record")
        # RFC 7208 §5.2: only an inner pass matches; fail, softfail and neutral do not.
        return inner.path if inner.result is SpfResult.PASS else None

    async def _matches(self, term: Term, domain: str) -> bool:
        ip = self.context.ip
        if term.name == "all":
            return True
        if term.name in ("ip4", "ip6"):
            network = network_of(term)
            return network.version == ip.version and ip in network
        self._count_term()
        target = self._expand(term.value, domain) if term.value else domain
        family = "A" if ip.version == 4 else "AAAA"
        if term.name == "exists":
            return not self._void(await self.dns.ask(target, "A"))
        if term.name == "a":
            found = await self.dns.ask(target, family)
            return not self._void(found) and self._in_cidr(found, term)
        if term.name == "mx":
            return await self._mx(target, family, term)
        return await self._ptr(target, family)

    def _in_cidr(self, found: Found, term: Term) -> bool:
        ip = self.context.ip
        length = term.cidr4 if ip.version == 4 else term.cidr6
        for text in found if isinstance(found, list) else []:
            suffix = "" if length is None else f"/{length}"
            if ip in ipaddress.ip_network(text + suffix, strict=False):
                return True
        return False

    async def _mx(self, target: str, family: str, term: Term) -> bool:
        found = await self.dns.ask(target, "MX")
        if self._void(found):
            return False
        assert isinstance(found, list)
        exchanges = [name for name in found if name not in ("", ".")]
        if len(exchanges) > MAX_NAMES:
            raise _PermError(f"mx:{target} has more than {MAX_NAMES} MX names")
        answers = await asyncio.gather(*(self.dns.ask(name, family) for name in exchanges))
        for answer in answers:
            if isinstance(answer, DnsError) and answer.kind not in ABSENT:
                raise _TempError(
                    f"{answer.rdtype} look-up of {answer.name} failed ({answer.kind.value})"
                )
            if self._in_cidr(answer, term):
                return True
        return False

    async def _ptr(self, target: str, family: str) -> bool:
        # RFC 7208 §5.5: a failed PTR look-up just does not match; names beyond 10 are ignored.
        reverse = dns.reversename.from_address(str(self.context.ip)).to_text()
        found = await self.dns.ask(reverse, "PTR")
        if isinstance(found, DnsError):
            if found.kind in ABSENT:
                self._void(found)
            return False
        names = found[:MAX_NAMES]
        answers = await asyncio.gather(*(self.dns.ask(name, family) for name in names))
        target = target.lower().rstrip(".")
        for name, answer in zip(names, answers, strict=True):
            validated = isinstance(answer, list) and any(
                ipaddress.ip_address(text) == self.context.ip for text in answer
            )
            name = name.lower().rstrip(".")
            if validated and (name == target or name.endswith("." + target)):
                return True
        return False


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    address = ipaddress.ip_address(text.strip().strip("[]"))
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _valid_domain(domain: str) -> bool:
    """RFC 7208 §4.3: a malformed or single-label domain gives "none" before any look-up."""
    labels = domain.rstrip(".").split(".")
    return (
        len(labels) > 1
        and len(domain) <= 253
        and all(_LABEL.fullmatch(label) for label in labels)
        and not labels[-1].isdigit()
    )


async def check_spf(
    lookups: SpfLookups,
    ip: str,
    domain: str,
    *,
    sender: str | None = None,
    helo: str | None = None,
    identity: str = "mail_from",
) -> SpfCheck:
    """check_host(ip, domain, sender) for one identity; never raises for DNS trouble.

    ``sender`` is the MAIL FROM address (``postmaster@domain`` when not given, as RFC 7208 §2.4
    says for the HELO identity and the null sender)."""
    address = _ip(ip)
    domain = domain.lower().rstrip(".")
    context = MacroContext(sender or f"postmaster@{domain}", address, helo or domain)
    evaluation = _Evaluation(lookups, context)
    if not _valid_domain(domain):
        why = f"{domain!r} is not a multi-label domain name."
        return SpfCheck(identity, domain, str(address), SpfResult.NONE, detail=why)
    try:
        decision = await evaluation.check_host(domain)
    except _PermError as error:
        return _finish(identity, domain, address, evaluation, SpfResult.PERMERROR, str(error))
    except _TempError as error:
        return _finish(identity, domain, address, evaluation, SpfResult.TEMPERROR, str(error))
    record = await _own_record(lookups, domain)
    return SpfCheck(
        identity,
        domain,
        str(address),
        decision.result,
        " > ".join(decision.path) or None,
        evaluation.terms,
        evaluation.voids,
        record,
        decision.detail,
    )


def _finish(
    identity: str,
    domain: str,
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
    evaluation: _Evaluation,
    result: SpfResult,
    why: str,
) -> SpfCheck:
    found = evaluation.dns.answers.get((domain, "TXT"))
    answer = found.result() if found is not None and found.done() else None
    texts = [text for text in answer if is_spf_record(text)] if isinstance(answer, list) else []
    record = sanitize_text(texts[0], max_chars=RECORD_MAX_CHARS) if texts else None
    return SpfCheck(
        identity,
        domain,
        str(address),
        result,
        None,
        evaluation.terms,
        evaluation.voids,
        record,
        why[0].upper() + why[1:] + ".",
    )


async def _own_record(lookups: SpfLookups, domain: str) -> str | None:
    found = await lookups.ask(domain, "TXT")
    if isinstance(found, DnsError):
        return None
    texts = [text for text in found if is_spf_record(text)]
    return sanitize_text(texts[0], max_chars=RECORD_MAX_CHARS) if texts else None

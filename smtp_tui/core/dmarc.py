"""The DMARC policy a receiver would apply to mail from a domain, and whether SPF aligns.

RFC 7489 §6.6.3: ask ``_dmarc.<domain>``; if it has no record, ask the organisational domain's
(``_dmarc.<org>``). The organisational domain is the public suffix plus one label; the public
suffix here is the last label, or the last two for the common second-level registries listed
in :data:`SECOND_LEVEL_SUFFIXES` (a deliberately small rule instead of the whole Public Suffix
List: wrong only for rare registries, and then only for subdomain look-ups).

DMARCbis (draft-ietf-dmarc-dmarcbis) replaces that jump with a tree walk: every name between
the domain and the top-level domain is asked, nearest first (at most 8 queries). The two differ
when a record sits on an intermediate name (``_dmarc.b.example.com`` for ``a.b.example.com``):
the RFC 7489 result is reported, and the DMARCbis one is named when it differs. All candidate
names are asked at once, so the look-up costs one round trip.
"""

from __future__ import annotations

import asyncio

import dns.asyncresolver

from smtp_tui.core.dns import DnsError, DnsFailure, query
from smtp_tui.core.record import frozen_record, replace
from smtp_tui.core.sanitize import sanitize_text

RECORD_MAX_CHARS = 500
MAX_TREE_WALK = 8  # DMARCbis: at most 8 queries (the domain, then shortened names)
POLICIES = ("none", "quarantine", "reject")
SECOND_LEVEL_SUFFIXES = frozenset(
    {
        "ac.uk", "co.uk", "gov.uk", "ltd.uk", "me.uk", "net.uk", "org.uk", "plc.uk", "sch.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au",
        "co.nz", "net.nz", "org.nz", "govt.nz", "ac.nz",
        "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp",
        "co.kr", "or.kr", "ne.kr",
        "com.br", "net.br", "org.br", "gov.br",
        "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn",
        "com.mx", "com.ar", "com.tr", "com.tw", "com.hk", "com.sg", "com.my",
        "co.za", "co.in", "net.in", "org.in", "co.il", "co.id", "co.th",
    }
)  # fmt: skip


def organisational_domain(domain: str) -> str:
    """Public suffix plus one label (the small suffix rule above)."""
    labels = domain.lower().rstrip(".").split(".")
    suffix_labels = 2 if ".".join(labels[-2:]) in SECOND_LEVEL_SUFFIXES else 1
    keep = min(len(labels), suffix_labels + 1)
    return ".".join(labels[-keep:])


def aligned(authenticated: str, from_domain: str, mode: str) -> bool:
    """DMARC identifier alignment (RFC 7489 §3.1): strict is equality, relaxed the same
    organisational domain."""
    a, b = authenticated.lower().rstrip("."), from_domain.lower().rstrip(".")
    if mode == "s":
        return a == b
    return organisational_domain(a) == organisational_domain(b)


@frozen_record
class DmarcRecord:
    text: str  # sanitized
    found_at: str  # the domain whose _dmarc name holds it
    tags: dict[str, str]

    @property
    def policy(self) -> str | None:
        value = self.tags.get("p", "").lower()
        if value in POLICIES:
            return value
        # RFC 7489 §6.6.3: no valid p= but a rua= means "none"
        return "none" if self.tags.get("rua") else None

    @property
    def subdomain_policy(self) -> str | None:
        value = self.tags.get("sp", "").lower()
        return value if value in POLICIES else self.policy

    @property
    def aspf(self) -> str:
        return "s" if self.tags.get("aspf", "r").lower() == "s" else "r"

    @property
    def adkim(self) -> str:
        return "s" if self.tags.get("adkim", "r").lower() == "s" else "r"

    @property
    def rua(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.tags.get("rua", "").split(",") if part.strip())


def parse_dmarc(text: str, found_at: str) -> DmarcRecord | None:
    """Tags of a ``v=DMARC1`` record, or None when it is not one (v must come first)."""
    parts = [part.strip() for part in text.split(";")]
    tags: dict[str, str] = {}
    for part in parts:
        name, equals, value = part.partition("=")
        if equals:
            tags.setdefault(name.strip().lower(), value.strip())
    first = parts[0].replace(" ", "") if parts else ""
    if first != "v=DMARC1":
        return None
    return DmarcRecord(sanitize_text(text, max_chars=RECORD_MAX_CHARS), found_at, tags)


@frozen_record
class DmarcCheck:
    """The policy for ``domain``; ``record`` None with ``error`` None means none published."""

    domain: str
    org_domain: str
    record: DmarcRecord | None = None
    error: str | None = None  # a look-up failed: could not check
    spf_aligned: bool | None = None
    bis_record: DmarcRecord | None = None  # the DMARCbis tree walk's record, when it differs

    @property
    def inherited(self) -> bool:
        return self.record is not None and self.record.found_at != self.domain

    @property
    def applied_policy(self) -> str | None:
        """What a receiver does with failing mail from ``domain``: p, or sp when inherited."""
        if self.record is None:
            return None
        return self.record.subdomain_policy if self.inherited else self.record.policy

    @property
    def missing(self) -> bool:
        return self.record is None and self.error is None

    def as_json(self) -> dict[str, object]:
        record = self.record
        return {
            "domain": self.domain,
            "record": record.text if record else None,
            "policy": record.policy if record else None,
            "subdomain_policy": record.subdomain_policy if record else None,
            "aspf": record.aspf if record else None,
            "adkim": record.adkim if record else None,
            "spf_aligned": self.spf_aligned,
        }

    def lines(self) -> list[str]:
        if self.error:
            return [f"DMARC for {self.domain}: could not check ({self.error})"]
        if self.record is None:
            return [
                f"DMARC for {self.domain}: no record (neither _dmarc.{self.domain} nor "
                f"_dmarc.{self.org_domain})"
            ]
        record = self.record
        where = f"_dmarc.{record.found_at}" + (
            " (the organisational domain's)" if self.inherited else ""
        )
        lines = [
            f"DMARC for {self.domain}: {record.text}",
            f"  found at {where}; p={record.policy}, sp={record.subdomain_policy}, "
            f"aspf={record.aspf}, adkim={record.adkim}; applies {self.applied_policy} to "
            "failing mail",
            "  reports (rua): " + (", ".join(record.rua) or "none requested"),
        ]
        if self.spf_aligned is not None:
            lines.append(
                "  SPF alignment for this MAIL FROM: "
                + ("holds" if self.spf_aligned else "does not hold")
            )
        if self.bis_record is not None:
            lines.append(
                f"  Receivers using DMARCbis's tree walk find _dmarc.{self.bis_record.found_at} "
                f"first: {self.bis_record.text}"
            )
        return lines


def _candidates(domain: str) -> list[str]:
    """The DMARCbis tree walk's names, nearest first, not the top-level domain itself."""
    labels = domain.split(".")
    names = [domain]
    if len(labels) > MAX_TREE_WALK:
        labels = labels[-(MAX_TREE_WALK - 1) :]
        names.append(".".join(labels))
    while len(labels) > 2:
        labels = labels[1:]
        names.append(".".join(labels))
    return list(dict.fromkeys(names))


async def _record_at(
    resolver: dns.asyncresolver.Resolver, name: str
) -> DmarcRecord | DnsError | None:
    try:
        answer = await query(resolver, f"_dmarc.{name}", "TXT")
    except DnsError as error:
        return None if error.kind in (DnsFailure.NXDOMAIN, DnsFailure.NO_ANSWER) else error
    records = [
        record
        for rdata in answer
        if (record := parse_dmarc(b"".join(rdata.strings).decode("utf-8", "replace"), name))
    ]
    # RFC 7489 §6.6.3: more than one record means none applies.
    return records[0] if len(records) == 1 else None


async def check_dmarc(
    resolver: dns.asyncresolver.Resolver,
    domain: str,
    *,
    mail_from_domain: str | None = None,
    spf_passed: bool | None = None,
) -> DmarcCheck:
    """The policy for mail whose From domain is ``domain``; SPF alignment of
    ``mail_from_domain`` when ``spf_passed`` says how SPF went (None: unknown)."""
    domain = domain.lower().rstrip(".")
    org = organisational_domain(domain)
    names = _candidates(domain)
    if org not in names:
        names.append(org)
    found = dict(
        zip(names, await asyncio.gather(*(_record_at(resolver, n) for n in names)), strict=True)
    )
    rfc_names = [domain] + ([org] if org != domain else [])
    record: DmarcRecord | None = None
    for name in rfc_names:
        answer = found[name]
        if isinstance(answer, DnsError):
            return DmarcCheck(
                domain, org, error=f"TXT look-up of _dmarc.{name} failed: {answer.kind.value}"
            )
        if answer is not None:
            record = answer
            break
    bis = next((a for n in names if isinstance(a := found[n], DmarcRecord)), None)
    bis_differs = bis is not None and (record is None or bis.found_at != record.found_at)
    aspf = record.aspf if record else "r"
    spf_aligned = None
    if spf_passed is not None and mail_from_domain:
        spf_aligned = spf_passed and aligned(mail_from_domain, domain, aspf)
    return DmarcCheck(domain, org, record, None, spf_aligned, bis if bis_differs else None)


def with_spf_alignment(
    check: DmarcCheck, mail_from_domain: str | None, spf_passed: bool | None
) -> DmarcCheck:
    """The same check with ``spf_aligned`` filled in once the SPF result is known (DMARC and
    SPF are looked up at the same time)."""
    if check.error is not None or spf_passed is None or not mail_from_domain:
        return replace(check, spf_aligned=None)
    mode = check.record.aspf if check.record else "r"
    return replace(check, spf_aligned=spf_passed and aligned(mail_from_domain, check.domain, mode))

"""TLS-RPT (RFC 8460): the ``_smtp._tls.<domain>`` record, and where its reports go.

Senders that honour MTA-STS or DANE send daily reports of the failures they saw to the
``rua`` addresses (mailto: or https:), so the record tells the admin where to look.
"""

from __future__ import annotations

import re

import dns.asyncresolver

from smtp_tui.core.dns import DnsError, DnsFailure, query
from smtp_tui.core.record import frozen_record
from smtp_tui.core.sanitize import sanitize_text

_VERSION = re.compile(r"^v\s*=\s*TLSRPTv1\s*(;|$)")


@frozen_record
class TlsRptRecord:
    """The record's text (sanitized), its report addresses, or why it is not usable."""

    text: str | None
    rua: tuple[str, ...] = ()
    problem: str | None = None


def parse_tls_rpt(texts: list[str]) -> TlsRptRecord:
    """Pick the ``v=TLSRPTv1`` record among TXT strings; more than one is an error."""
    candidates = [text for text in texts if _VERSION.match(text)]
    if not candidates:
        return TlsRptRecord(None)
    shown = sanitize_text(candidates[0], max_chars=512)
    if len(candidates) > 1:
        return TlsRptRecord(shown, problem="several v=TLSRPTv1 records: senders ignore them all")
    rua: list[str] = []
    for field in candidates[0].split(";")[1:]:
        key, _, value = field.strip().partition("=")
        if key.strip() == "rua":
            rua = [sanitize_text(uri.strip(), max_chars=255) for uri in value.split(",")]
    rua = [uri for uri in rua if uri]
    if not rua:
        return TlsRptRecord(shown, problem="no rua= field: reports have nowhere to go")
    bad = [uri for uri in rua if not uri.lower().startswith(("mailto:", "https:"))]
    if bad:
        return TlsRptRecord(shown, tuple(rua), f"rua {bad[0]!r} is neither mailto: nor https:")
    return TlsRptRecord(shown, tuple(rua))


async def lookup_tls_rpt(resolver: dns.asyncresolver.Resolver, domain: str) -> TlsRptRecord:
    try:
        answer = await query(resolver, f"_smtp._tls.{domain}", "TXT")
    except DnsError as error:
        if error.kind in (DnsFailure.NXDOMAIN, DnsFailure.NO_ANSWER):
            return TlsRptRecord(None)
        return TlsRptRecord(None, problem=str(error))
    return parse_tls_rpt([b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer])

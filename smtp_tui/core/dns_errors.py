"""Why a DNS look-up gave no usable answer: :class:`DnsError` and its kinds.

Kept apart from :mod:`smtp_tui.core.dns` (the look-ups and their answers) so that the
session, the flow and the verdict can catch and read a DNS failure without loading the
look-up code: a check with ``--server`` and an IP address looks nothing up (issue 15).
"""

from __future__ import annotations

from enum import Enum


class DnsFailure(Enum):
    NXDOMAIN = "nxdomain"
    NO_ANSWER = "no-answer"
    SERVFAIL = "servfail"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    NO_NAMESERVERS = "no-nameservers"
    OTHER = "other"


_EXPLANATIONS = {
    DnsFailure.NXDOMAIN: "the name does not exist in DNS (NXDOMAIN). Check the spelling.",
    DnsFailure.NO_ANSWER: "the name exists but has no {rdtype} record.",
    DnsFailure.SERVFAIL: (
        "the resolver answered SERVFAIL: the domain's name servers are broken or its DNSSEC "
        "fails. This is temporary or on their side; try again, or ask another resolver."
    ),
    DnsFailure.REFUSED: "the resolver refused the query (REFUSED); it may not serve you.",
    DnsFailure.TIMEOUT: (
        "no answer before the timeout: the resolver or the domain's name servers are slow or "
        "unreachable."
    ),
    DnsFailure.NO_NAMESERVERS: (
        "no name server could be reached. Check the resolver address (--dns) and that UDP and "
        "TCP port 53 are open."
    ),
    DnsFailure.OTHER: "the look-up failed.",
}


class DnsError(Exception):
    """A DNS look-up that gave no usable answer."""

    def __init__(self, kind: DnsFailure, name: str, rdtype: str, detail: str = "") -> None:
        self.kind = kind
        self.name = name
        self.rdtype = rdtype
        self.detail = detail
        explanation = _EXPLANATIONS[kind].format(rdtype=rdtype)
        message = f"{rdtype} look-up of {name}: {explanation}"
        if detail:
            message += f" ({detail})"
        super().__init__(message)

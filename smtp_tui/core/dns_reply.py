"""Reading DNS answers for :mod:`dns_batch`: which servers to ask, what an answer says.

An answer gives its records (CNAMEs followed), a final failure (NXDOMAIN, no record of that
type), or a :class:`ServerFailure`: this server could not answer (SERVFAIL, REFUSED ...), so
another of the resolver's servers may be asked, as dnspython's resolver does.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, TypeAlias

from smtp_tui.core.dns import DnsError, DnsFailure
from smtp_tui.core.record import frozen_record

if TYPE_CHECKING:
    import dns.asyncresolver
    import dns.message
    import dns.rrset

# What a question comes back with: the answer's records (CNAMEs followed), or why there are none.
Reply: TypeAlias = "dns.rrset.RRset | DnsError"


class Expect(Enum):
    """What an answer likely holds, which decides only how it is read: whole at once when it
    likely has records, else up to its question first (an NXDOMAIN's SOA costs more to read
    than the question, and the question is enough to judge it). A wrong guess costs one
    more reading, never a different reply."""

    NOTHING = "nothing"  # NXDOMAIN and the like, or not known: the question first
    RECORDS = "records"  # a list's "listed" test point: whole at once
    LIKE_LAST = "like-last"  # as the last answer to questions of this kind (a sweep's target)


@frozen_record
class NameServer:
    """One plain-DNS server: where the questions go."""

    address: str
    port: int


def name_servers(resolver: dns.asyncresolver.Resolver) -> tuple[NameServer, ...] | None:
    """The resolver's servers, or None when one of them is not plain DNS (DoH and the like)."""
    import dns.inet
    import dns.nameserver

    found: list[NameServer] = []
    for server in resolver.nameservers:
        if isinstance(server, dns.nameserver.Do53Nameserver):
            found.append(NameServer(server.address, server.port))
        elif isinstance(server, str) and dns.inet.is_address(server):
            found.append(NameServer(server, resolver.nameserver_ports.get(server, resolver.port)))
        else:
            return None
    return tuple(found) or None


@frozen_record
class ServerFailure:
    """An answer saying this server could not answer the question; another one may."""

    kind: DnsFailure  # what to report if no server can
    text: str  # "answered SERVFAIL"


def read_response(response: dns.message.Message, shown: str, rdtype: str) -> Reply | ServerFailure:
    """What a response to (``shown``, ``rdtype``) says, as dnspython's resolver reads it."""
    import dns.exception
    import dns.message
    import dns.rcode

    rcode = response.rcode()
    if rcode == dns.rcode.NXDOMAIN:
        return DnsError(DnsFailure.NXDOMAIN, shown, rdtype)
    if rcode == dns.rcode.NOERROR:
        try:
            if not isinstance(response, dns.message.QueryMessage):
                raise dns.message.NotQueryResponse
            rrset = asked_rrset(response)
            if rrset is None:
                rrset = response.resolve_chaining().answer
        except dns.exception.DNSException as error:
            return DnsError(DnsFailure.OTHER, shown, rdtype, str(error))
        return rrset if rrset is not None else DnsError(DnsFailure.NO_ANSWER, shown, rdtype)
    text = dns.rcode.to_text(rcode)
    kinds = {"SERVFAIL": DnsFailure.SERVFAIL, "REFUSED": DnsFailure.REFUSED}
    return ServerFailure(kinds.get(text, DnsFailure.NO_NAMESERVERS), f"answered {text}")


def asked_rrset(response: dns.message.QueryMessage) -> dns.rrset.RRset | None:
    """The answer section's only RRset when it is the one asked for, else None.

    What ``resolve_chaining`` finds first in that case (nothing to chain: no CNAME, the only
    records are the question's), without its indexed look-up, which hashes both names and
    costs a listed sweep about 2 ms for its 120 answers. Anything else (a CNAME chain, more
    than one RRset, no answer, a response without the QR flag or with other than one
    question) is None: the caller asks ``resolve_chaining``, which also raises what it
    raises for them."""
    if len(response.answer) != 1 or len(response.question) != 1 or not int(response.flags) & _QR:
        return None
    rrset, asked = response.answer[0], response.question[0]
    if (
        rrset.rdtype != asked.rdtype
        or rrset.rdclass != asked.rdclass
        or rrset.covers != 0  # dns.rdatatype.NONE
        or rrset.deleting is not None
    ):
        return None
    # The same bytes first (the usual echo of the question), then the case-blind comparison.
    return rrset if rrset.name.labels == asked.name.labels or rrset.name == asked.name else None


_QR = 0x8000  # dns.flags.QR: compared as a number, which spares a Flag operation per answer


def random_id() -> int:
    import dns.entropy

    return dns.entropy.random_16()


def reply_texts(reply: Reply, rdtype: str) -> list[str] | DnsError:
    """A Reply as text: TXT strings joined per record, PTR/MX/CNAME targets, addresses."""
    if isinstance(reply, DnsError):
        return reply
    if rdtype == "TXT":
        return [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in reply]
    if rdtype == "MX":
        return [rdata.exchange.to_text(omit_final_dot=True) for rdata in reply]
    if rdtype in ("PTR", "CNAME"):
        return [rdata.target.to_text(omit_final_dot=True) for rdata in reply]
    return [rdata.to_text() for rdata in reply]

"""DNS look-ups through dnspython's async resolver: MX (with addresses), and a typed query.

Every failure becomes a :class:`~smtp_tui.core.dns_errors.DnsError` whose ``kind`` tells
NXDOMAIN, no answer, SERVFAIL, REFUSED, timeout and unreachable resolvers apart, each with a
sentence a person can act on. Nothing on the way of a check that looks no name up imports this
module (issue 15): the errors live in ``dns_errors``, ``is_ip_address`` in ``addresses``, and
both are importable from here too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smtp_tui.core.addresses import DomainName, is_ip_address

# The pure choice of resolver lives apart (options need it without dnspython); its names are
# importable from here too.
from smtp_tui.core.dns_choice import DEFAULT_DNS_TIMEOUT, ResolverChoice, parse_dns_server
from smtp_tui.core.dns_errors import DnsError, DnsFailure
from smtp_tui.core.record import frozen_record

__all__ = [
    "DEFAULT_DNS_TIMEOUT",
    "DnsError",
    "DnsFailure",
    "HostAddresses",
    "MxHost",
    "MxResult",
    "ResolverChoice",
    "is_ip_address",
    "lookup_mx",
    "make_resolver",
    "parse_dns_server",
    "query",
    "resolve_addresses",
]

# dnspython (~60 ms to import, with importlib.metadata and email) is imported by the functions
# that ask DNS, so a check that looks no name up never loads it (issue 15).
if TYPE_CHECKING:
    import dns.asyncresolver
    import dns.name
    import dns.resolver


def make_resolver(
    choice: ResolverChoice, *, timeout: float = DEFAULT_DNS_TIMEOUT
) -> dns.asyncresolver.Resolver:
    """A resolver for ``choice``; raises DnsError if the system has none configured."""
    import dns.asyncresolver
    import dns.resolver

    if choice.server is None:
        try:
            resolver = dns.asyncresolver.Resolver()
        except (dns.resolver.NoResolverConfiguration, OSError) as error:
            raise DnsError(DnsFailure.NO_NAMESERVERS, "-", "resolver", str(error)) from None
    else:
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = [choice.server]
        resolver.port = choice.port
    resolver.lifetime = timeout
    resolver.timeout = min(timeout, 2.0)
    resolver.retry_servfail = False
    return resolver


def _failure_from_nameservers(error: dns.resolver.NoNameservers) -> tuple[DnsFailure, str]:
    import dns.message
    import dns.rcode

    errors = error.kwargs.get("errors") or []
    for entry in errors:
        response = entry[4] if len(entry) > 4 else None
        if isinstance(response, dns.message.Message):
            rcode = response.rcode()
            if rcode == dns.rcode.SERVFAIL:
                return DnsFailure.SERVFAIL, ""
            if rcode == dns.rcode.REFUSED:
                return DnsFailure.REFUSED, ""
    details = "; ".join(f"{entry[0]}: {entry[3]}" for entry in errors[:3])
    return DnsFailure.NO_NAMESERVERS, details


async def query(
    resolver: dns.asyncresolver.Resolver, name: str | dns.name.Name, rdtype: str
) -> dns.resolver.Answer:
    """Resolve one name and type; every failure is raised as a DnsError."""
    import asyncio

    import dns.exception
    import dns.name
    import dns.resolver

    shown = name.to_text(omit_final_dot=True) if isinstance(name, dns.name.Name) else name
    try:
        qname = name if isinstance(name, dns.name.Name) else dns.name.from_text(name)
        return await resolver.resolve(qname, rdtype, search=False)
    except dns.resolver.NXDOMAIN:
        raise DnsError(DnsFailure.NXDOMAIN, shown, rdtype) from None
    except dns.resolver.NoAnswer:
        raise DnsError(DnsFailure.NO_ANSWER, shown, rdtype) from None
    except dns.exception.Timeout:
        raise DnsError(DnsFailure.TIMEOUT, shown, rdtype) from None
    except dns.resolver.NoNameservers as error:
        kind, detail = _failure_from_nameservers(error)
        raise DnsError(kind, shown, rdtype, detail) from None
    except asyncio.CancelledError:
        raise
    except dns.exception.DNSException as error:
        raise DnsError(DnsFailure.OTHER, shown, rdtype, str(error)) from None
    except OSError as error:
        raise DnsError(DnsFailure.NO_NAMESERVERS, shown, rdtype, str(error)) from None


@frozen_record
class HostAddresses:
    """A host's A and AAAA answers, whether the name was an alias, and what went wrong."""

    addresses: tuple[str, ...]
    canonical: str | None = None
    problems: tuple[str, ...] = ()


async def resolve_addresses(resolver: dns.asyncresolver.Resolver, host: str) -> HostAddresses:
    """A and AAAA of ``host`` looked up together; IPv4 first, in the resolver's order."""
    import asyncio

    results = await asyncio.gather(
        query(resolver, host, "A"), query(resolver, host, "AAAA"), return_exceptions=True
    )
    addresses: list[str] = []
    problems: list[str] = []
    canonical: str | None = None
    for result in results:
        if isinstance(result, DnsError):
            if result.kind not in (DnsFailure.NO_ANSWER,):
                problems.append(str(result))
            continue
        if isinstance(result, BaseException):
            raise result
        addresses += [rdata.to_text() for rdata in result]
        name = result.canonical_name.to_text(omit_final_dot=True)
        if name.lower() != host.lower():
            canonical = name
    if not addresses and not problems:
        problems.append(f"{host} has neither an A nor an AAAA record.")
    # Several failures for one name usually say the same thing; keep one.
    return HostAddresses(tuple(addresses), canonical, tuple(dict.fromkeys(problems))[:1])


@frozen_record
class MxHost:
    """One mail exchanger: preference, host name, its addresses, and notes worth knowing."""

    preference: int
    host: str
    addresses: tuple[str, ...]
    notes: tuple[str, ...] = ()
    implicit: bool = False

    @property
    def usable(self) -> bool:
        return bool(self.addresses)


@frozen_record
class MxResult:
    """The MX answer for a domain, ordered by preference (lowest first)."""

    domain: DomainName
    hosts: tuple[MxHost, ...]
    implicit: bool = False
    null_mx: bool = False
    notes: tuple[str, ...] = ()


async def lookup_mx(domain: DomainName, resolver: dns.asyncresolver.Resolver) -> MxResult:
    """Look up ``domain``'s MX (RFC 5321 §5.1) and each target's addresses.

    No MX -> the implicit MX (the domain's own A/AAAA), flagged. Null MX (``0 .``, RFC 7505)
    -> ``null_mx`` and no hosts. Raises DnsError for NXDOMAIN, SERVFAIL, timeouts, and when
    neither MX nor address records exist.
    """
    import asyncio

    import dns.name

    try:
        answer = await query(resolver, domain.ascii, "MX")
    except DnsError as error:
        if error.kind is not DnsFailure.NO_ANSWER:
            raise
        return await _implicit_mx(domain, resolver)

    records = sorted(answer, key=lambda rdata: (rdata.preference, rdata.exchange.to_text()))
    notes: list[str] = []
    if any(rdata.exchange == dns.name.root for rdata in records):
        if len(records) > 1:
            notes.append("A null MX (0 .) stands beside other MX records, which RFC 7505 forbids.")
        else:
            notes.append(
                "Null MX (0 .): this domain states that it accepts no mail at all (RFC 7505)."
            )
            return MxResult(domain, (), null_mx=True, notes=tuple(notes))
        records = [rdata for rdata in records if rdata.exchange != dns.name.root]

    preferences = [rdata.preference for rdata in records]
    lookups = [
        _mx_host(resolver, rdata.preference, rdata.exchange, preferences.count(rdata.preference))
        for rdata in records
    ]
    hosts = tuple(await asyncio.gather(*lookups))
    if len(set(preferences)) < len(preferences):
        notes.append(
            "Some MX records share a preference; senders pick among them at random (RFC 5321 §5.1)."
        )
    if not any(host.usable for host in hosts):
        notes.append("No MX host has an address: mail to this domain cannot be delivered.")
    return MxResult(domain, hosts, notes=tuple(notes))


async def _mx_host(
    resolver: dns.asyncresolver.Resolver, preference: int, exchange: dns.name.Name, sharing: int
) -> MxHost:
    host = exchange.to_text(omit_final_dot=True)
    notes: list[str] = []
    if sharing > 1:
        notes.append(f"shares preference {preference} with another MX")
    if is_ip_address(host):
        notes.append(
            "the MX target is an IP address, not a host name; RFC 5321 requires a name, and "
            "many senders will not use it"
        )
        return MxHost(preference, host, (host.strip("[]"),), tuple(notes))
    found = await resolve_addresses(resolver, host)
    if found.canonical:
        notes.append(
            f"the MX target is an alias (CNAME to {found.canonical}); RFC 2181 §10.3 and RFC 5321 "
            "§5.1 say it must not be, and some senders refuse it"
        )
    notes += found.problems
    return MxHost(preference, host, found.addresses, tuple(notes))


async def _implicit_mx(domain: DomainName, resolver: dns.asyncresolver.Resolver) -> MxResult:
    found = await resolve_addresses(resolver, domain.ascii)
    if not found.addresses:
        raise DnsError(
            DnsFailure.NO_ANSWER,
            domain.ascii,
            "MX",
            "no MX, A or AAAA record: this domain cannot receive mail",
        )
    note = (
        "No MX record: mail goes to the domain's own address (implicit MX, RFC 5321 §5.1). "
        "This works but is unusual for a mail domain."
    )
    host = MxHost(0, domain.ascii, found.addresses, ("implicit MX",), implicit=True)
    return MxResult(domain, (host,), implicit=True, notes=(note,))

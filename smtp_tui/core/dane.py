"""DANE for SMTP (RFC 7672): TLSA records of an MX host, and whether the chain it presents
matches them.

A TLSA record counts only when the resolver in use says the answer is DNSSEC-authenticated
(the AD bit), as Postfix does: it relies on a validating resolver, and an unauthenticated
TLSA record could be forged by anyone on the path. PKIX usages (0 and 1) are not used for
SMTP (RFC 7672 §3.1.3); DANE-EE (3) pins the server's own certificate or key, with no name or
date checks; DANE-TA (2) pins a trust anchor in the chain the server presents, and the leaf
must then carry the MX host's name (RFC 7672 §3.2.3).
"""

from __future__ import annotations

import hashlib
import ssl
from enum import Enum

import dns.asyncresolver
import dns.flags
import dns.name
import dns.rdatatype
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from smtp_tui.core.dns import DnsError, DnsFailure, query
from smtp_tui.core.record import frozen_record
from smtp_tui.core.tls import name_matches

DANE_TA = 2
DANE_EE = 3
# ssl does not re-export the private _ssl module's DER constant (used by 3.11's chain objects).
_ENCODING_DER = 2
_MATCHING = {0: None, 1: hashlib.sha256, 2: hashlib.sha512}


class DaneStatus(Enum):
    """What a DANE-enforcing sender would make of one MX (or one of its addresses)."""

    MATCH = "match"  # an authenticated, usable TLSA record matches what the server presents
    MISMATCH = "mismatch"  # usable records, and none matches (or no STARTTLS): delivery fails
    INSECURE = "insecure"  # TLSA exists but is not DNSSEC-authenticated: not DANE at all
    NONE = "none"  # no TLSA record (or none usable for SMTP)


@frozen_record
class TlsaRecord:
    usage: int
    selector: int
    matching_type: int
    data: bytes

    @property
    def usable(self) -> bool:
        """RFC 7672 §3.1: only DANE-TA and DANE-EE, selectors 0/1, matching types 0/1/2."""
        return (
            self.usage in (DANE_TA, DANE_EE)
            and self.selector in (0, 1)
            and self.matching_type in _MATCHING
        )

    def text(self) -> str:
        return f"{self.usage} {self.selector} {self.matching_type} {self.data.hex()}"


@frozen_record
class TlsaLookup:
    """The TLSA answer for one MX host: records, whether they are authenticated, problems."""

    name: str
    records: tuple[TlsaRecord, ...] = ()
    authenticated: bool = False
    signed_data_seen: bool = False  # RRSIGs in the answer: the zone is signed
    problem: str | None = None

    @property
    def usable(self) -> tuple[TlsaRecord, ...]:
        return tuple(record for record in self.records if record.usable)


def tlsa_name(host: str, port: int = 25) -> str:
    return f"_{port}._tcp.{host.rstrip('.')}"


def ask_for_dnssec(resolver: dns.asyncresolver.Resolver) -> None:
    """Ask ``resolver`` for DNSSEC: EDNS with DO, and AD in the query (RFC 6840 §5.7), so a
    validating resolver says in its AD bit whether each answer is authenticated."""
    resolver.use_edns(0, dns.flags.DO, 1232)
    resolver.flags = dns.flags.RD | dns.flags.AD


async def lookup_tlsa(
    resolver: dns.asyncresolver.Resolver, host: str, port: int = 25
) -> TlsaLookup:
    """``_25._tcp.<host>`` TLSA, with the resolver's AD bit (call ask_for_dnssec first)."""
    name = tlsa_name(host, port)
    try:
        answer = await query(resolver, name, "TLSA")
    except DnsError as error:
        if error.kind in (DnsFailure.NXDOMAIN, DnsFailure.NO_ANSWER):
            return TlsaLookup(name)
        return TlsaLookup(name, problem=str(error))
    response = answer.response
    records = tuple(
        TlsaRecord(rdata.usage, rdata.selector, rdata.mtype, bytes(rdata.cert)) for rdata in answer
    )
    return TlsaLookup(
        name,
        records,
        authenticated=bool(response.flags & dns.flags.AD),
        signed_data_seen=any(rrset.rdtype == dns.rdatatype.RRSIG for rrset in response.answer),
    )


def _selected(certificate: x509.Certificate, selector: int) -> bytes:
    if selector == 0:
        return certificate.public_bytes(serialization.Encoding.DER)
    return certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def record_matches(record: TlsaRecord, certificate: x509.Certificate) -> bool:
    """Does ``certificate`` (selector, matching type) give the record's data?"""
    if not record.usable:
        return False
    selected = _selected(certificate, record.selector)
    digest = _MATCHING[record.matching_type]
    return (digest(selected).digest() if digest else selected) == record.data


def leaf_names(certificate: x509.Certificate) -> tuple[str, ...]:
    """DNS names in the SAN, else the subject CN (what RFC 7672 §3.2.3 compares)."""
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        names = tuple(san.value.get_values_for_type(x509.DNSName))
        if names:
            return names
    except x509.ExtensionNotFound:
        pass
    except ValueError:
        return ()  # a SAN cryptography cannot parse names nothing we can compare
    try:
        common = certificate.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
    except ValueError:
        return ()
    return tuple(str(attribute.value) for attribute in common)


@frozen_record
class ChainMatch:
    """The outcome of matching the usable TLSA records against a presented chain."""

    status: DaneStatus
    matched: TlsaRecord | None = None
    reason: str = ""


def match_chain(
    records: tuple[TlsaRecord, ...], chain: tuple[bytes, ...], reference_names: tuple[str, ...]
) -> ChainMatch:
    """Match usable ``records`` against ``chain`` (DER, leaf first).

    DANE-EE matches the leaf only, whatever its names and dates. DANE-TA matches any
    certificate of the chain, and then the leaf must carry one of ``reference_names``
    (the MX host, and the domain as RFC 7672 §3.2.3 allows).
    """
    usable = tuple(record for record in records if record.usable)
    if not usable:
        return ChainMatch(DaneStatus.NONE, reason="no TLSA record usable for SMTP")
    if not chain:
        return ChainMatch(DaneStatus.MISMATCH, reason="the server presented no certificate")
    certificates = [x509.load_der_x509_certificate(der) for der in chain]
    leaf = certificates[0]
    name_problem = ""
    for record in usable:
        if record.usage == DANE_EE and record_matches(record, leaf):
            return ChainMatch(DaneStatus.MATCH, record)
        if record.usage == DANE_TA and any(record_matches(record, c) for c in certificates):
            names = leaf_names(leaf)
            if any(name_matches(n, ref) for n in names for ref in reference_names):
                return ChainMatch(DaneStatus.MATCH, record)
            name_problem = (
                f"a DANE-TA record matches the chain, but the certificate is for "
                f"{', '.join(names) or 'no name'}, not {reference_names[0]}"
            )
    return ChainMatch(
        DaneStatus.MISMATCH,
        reason=name_problem or "no TLSA record matches the certificate chain the server presents",
    )


def presented_chain(ssl_object: ssl.SSLObject) -> tuple[bytes, ...]:
    """The chain the peer sent (DER, leaf first), unverified.

    Python 3.13 has ``SSLObject.get_unverified_chain()``; 3.10 to 3.12 have the same method
    on the private ``_sslobj``. Without either, only the leaf is known, so DANE-TA records
    (which pin a CA above the leaf) cannot match unless they pin the leaf itself.
    """
    public = getattr(ssl_object, "get_unverified_chain", None)
    private = getattr(getattr(ssl_object, "_sslobj", None), "get_unverified_chain", None)
    for method in (public, private):
        if method is None:
            continue
        found = method()
        if found:
            return tuple(
                cert if isinstance(cert, bytes) else cert.public_bytes(_ENCODING_DER)
                for cert in found
            )
    leaf = ssl_object.getpeercert(binary_form=True)
    return (leaf,) if leaf else ()

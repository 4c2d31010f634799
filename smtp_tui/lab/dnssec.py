"""DNSSEC for the lab: the transport-policy zone is signed when the lab starts.

dnspython does the signing (``dns.dnssec.sign_zone``: a DNSKEY, an RRSIG for every RRset and
an NSEC chain) with a fresh ECDSA P-256 key (algorithm 13, what most signed zones use). The
lab's DNS server then answers as a validating resolver would for a zone whose trust anchor it
holds: the AD bit on answers from a signed zone, when the query asks (DO or AD), and never
for unsigned zones. The RRSIGs are real, so a test can check them against the DNSKEY.
"""

from __future__ import annotations

import datetime

import dns.dnssec
import dns.name
import dns.rdatatype
import dns.rdtypes.ANY.DNSKEY
import dns.rdtypes.ANY.DS
import dns.zone
from cryptography.hazmat.primitives.asymmetric import ec

SIGNATURE_LIFETIME = datetime.timedelta(days=30)


def sign_zone(zone: dns.zone.Zone) -> dns.rdtypes.ANY.DS.DS:
    """Sign ``zone`` in place; return the DS record a parent would publish for its key."""
    assert zone.origin is not None
    key = ec.generate_private_key(ec.SECP256R1())
    # One key as both KSK and ZSK (flags 257: zone key + secure entry point), as a CSK.
    dnskey = dns.dnssec.make_dnskey(
        key.public_key(), dns.dnssec.Algorithm.ECDSAP256SHA256, flags=257
    )
    now = datetime.datetime.now(datetime.UTC)
    dns.dnssec.sign_zone(
        zone,
        keys=[(key, dnskey)],
        inception=now - datetime.timedelta(hours=1),
        expiration=now + SIGNATURE_LIFETIME,
    )
    return dns.dnssec.make_ds(zone.origin, dnskey, "SHA256")


def is_signed(zone: dns.zone.Zone) -> bool:
    """A zone is signed when its apex holds a DNSKEY."""
    assert zone.origin is not None
    return zone.get_rdataset(zone.origin, dns.rdatatype.DNSKEY) is not None

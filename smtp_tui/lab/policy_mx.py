"""The transport-policy lab's MX hosts, their certificates and the TLSA records that pin them.

Everything is made when the lab starts (keys are fresh each time), so the TLSA records are
added to the zones then, before policy.test is signed. Each host has its own loopback address
in 127.0.27.0/24 and listens on the lab's SMTP port, like every other lab MX:

- mx1            STARTTLS, a certificate from the lab CA (DANE-EE 3 1 1 and DANE-TA 2 0 1 match)
- mx-selfsigned  STARTTLS, a self-signed certificate (DANE-EE 3 1 1 matches)
- mx-rolled      STARTTLS, a renewed key; its TLSA record still pins the old one
- mx-wrongname   STARTTLS, a certificate for mail.other.test
- mx-plain       no STARTTLS, though a TLSA record is published
- mx-ta          STARTTLS, DANE-TA 2 1 2 (the lab CA's key) only
- mx-multi       two addresses: .7 a valid certificate, .8 a self-signed one
- mx.unsigned    STARTTLS, self-signed, a matching TLSA record in an unsigned zone
"""

from __future__ import annotations

import hashlib
import ssl
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from smtp_tui.core.record import frozen_record
from smtp_tui.lab.smtp_server import LabHandler, smtp_factory
from smtp_tui.lab.tls import LabCertificates, self_signed, write_pair

POLICY_USERS = ("alice", "bob")
POLICY_DOMAINS = (
    "enforce.policy.test",
    "testing.policy.test",
    "mismatch.policy.test",
    "wrongcert.policy.test",
    "rolled.policy.test",
    "plain.policy.test",
    "ta.policy.test",
    "multi.policy.test",
    "silent.policy.test",
    "badcert.policy.test",
    "broken.policy.test",
    "unsigned.policy.test",
)
HTTPS_ADDRESS = "127.0.27.80"  # every mta-sts.<domain>.policy.test policy host
SILENT_ADDRESS = "127.0.27.81"  # mta-sts.silent.policy.test: nothing listens
POLICY_HOST_NAMES = tuple(
    f"mta-sts.{domain}"
    for domain in POLICY_DOMAINS
    # badcert's host is left off the certificate; silent's never answers.
    if domain not in ("badcert.policy.test", "unsigned.policy.test")
)


@frozen_record
class PolicyMx:
    """One lab MX address: its name, what it shows, and its TLS context (None: no STARTTLS)."""

    address: str
    hostname: str
    lesson: str
    tls: ssl.SSLContext | None

    def factory(self) -> Callable[[], object]:
        handler = LabHandler(self.hostname, POLICY_DOMAINS, POLICY_USERS)
        return lambda: smtp_factory(handler, tls_context=self.tls)


@frozen_record
class PolicyWorld:
    hosts: tuple[PolicyMx, ...]
    tlsa: tuple[tuple[str, str], ...]  # (owner name, "usage selector type data")
    https_context: ssl.SSLContext


def tlsa_text(usage: int, selector: int, matching: int, certificate: x509.Certificate) -> str:
    if selector == 0:
        data = certificate.public_bytes(serialization.Encoding.DER)
    else:
        data = certificate.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    if matching == 1:
        data = hashlib.sha256(data).digest()
    elif matching == 2:
        data = hashlib.sha512(data).digest()
    return f"{usage} {selector} {matching} {data.hex()}"


def _context(
    folder: Path, stem: str, chain: list[x509.Certificate], key: ec.EllipticCurvePrivateKey
) -> ssl.SSLContext:
    """A server context presenting ``chain`` (leaf first), its files written to ``folder``."""
    cert_file, key_file = write_pair(folder, stem, chain, key)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


def make_policy_world(certificates: LabCertificates) -> PolicyWorld:
    """Certificates, server contexts and TLSA records for the policy lab."""
    authority = certificates.authority
    assert authority is not None, "the lab's certificates carry their CA"
    ca = authority.certificate
    folder = certificates.ca_file.parent  # removed with the lab's other certificates

    def issued(stem: str, name: str) -> tuple[ssl.SSLContext, x509.Certificate]:
        leaf, leaf_key = authority.issue((name,))
        return _context(folder, stem, [leaf, ca], leaf_key), leaf

    def selfsigned(stem: str, name: str) -> tuple[ssl.SSLContext, x509.Certificate]:
        leaf, leaf_key = self_signed(name)
        return _context(folder, stem, [leaf], leaf_key), leaf

    mx1, mx1_leaf = issued("policy-mx1", "mx1.policy.test")
    selfsigned_tls, selfsigned_leaf = selfsigned("policy-selfsigned", "mx-selfsigned.policy.test")
    old_key = ec.generate_private_key(ec.SECP256R1())
    old_leaf, _ = authority.issue(("mx-rolled.policy.test",), key=old_key)
    rolled, _ = issued("policy-rolled", "mx-rolled.policy.test")
    wrongname, _ = issued("policy-wrongname", "mail.other.test")
    ta, _ = issued("policy-ta", "mx-ta.policy.test")
    multi_good, multi_leaf = issued("policy-multi", "mx-multi.policy.test")
    multi_bad, _ = selfsigned("policy-multi-bad", "mx-multi.policy.test")
    unsigned, unsigned_leaf = selfsigned("policy-unsigned", "mx.unsigned.policy.test")
    hosts = (
        PolicyMx("127.0.27.1", "mx1.policy.test", "STARTTLS, lab CA certificate", mx1),
        PolicyMx("127.0.27.2", "mx-selfsigned.policy.test", "self-signed, DANE-EE", selfsigned_tls),
        PolicyMx("127.0.27.3", "mx-rolled.policy.test", "renewed key, stale TLSA", rolled),
        PolicyMx(
            "127.0.27.4", "mx-wrongname.policy.test", "certificate for another name", wrongname
        ),
        PolicyMx("127.0.27.5", "mx-plain.policy.test", "no STARTTLS", None),
        PolicyMx("127.0.27.6", "mx-ta.policy.test", "DANE-TA (the lab CA)", ta),
        PolicyMx("127.0.27.7", "mx-multi.policy.test", "a valid certificate", multi_good),
        PolicyMx("127.0.27.8", "mx-multi.policy.test", "a self-signed certificate", multi_bad),
        PolicyMx("127.0.27.9", "mx.unsigned.policy.test", "TLSA in an unsigned zone", unsigned),
    )
    tlsa = (
        ("_25._tcp.mx1.policy.test.", tlsa_text(3, 1, 1, mx1_leaf)),
        ("_25._tcp.mx1.policy.test.", tlsa_text(2, 0, 1, ca)),
        ("_25._tcp.mx-selfsigned.policy.test.", tlsa_text(3, 1, 1, selfsigned_leaf)),
        ("_25._tcp.mx-rolled.policy.test.", tlsa_text(3, 1, 1, old_leaf)),
        ("_25._tcp.mx-plain.policy.test.", tlsa_text(3, 1, 1, mx1_leaf)),
        ("_25._tcp.mx-ta.policy.test.", tlsa_text(2, 1, 2, ca)),
        ("_25._tcp.mx-multi.policy.test.", tlsa_text(3, 1, 1, multi_leaf)),
        ("_25._tcp.mx.unsigned.policy.test.", tlsa_text(3, 1, 1, unsigned_leaf)),
    )
    https_leaf, https_key = authority.issue(POLICY_HOST_NAMES)
    https = _context(folder, "policy-https", [https_leaf, ca], https_key)
    return PolicyWorld(hosts, tlsa, https)

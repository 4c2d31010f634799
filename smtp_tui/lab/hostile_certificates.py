"""Certificates that ``cryptography`` cannot fully read, for the lab's hostile TLS hosts.

Each is built with a stand-in of fixed length, signed, and then the stand-in is swapped for
hostile bytes of the same length: a SAN with a byte not allowed in a DNS name (IA5String),
or a subject whose bytes are not text (``\\xff\\xfe``, not UTF-8). The signature no longer
matches, which does not matter: the lab's clients read the certificate, they do not trust
it. OpenSSL serves such a certificate as it is (the key still matches)."""

from __future__ import annotations

import datetime
import ssl
import tempfile
from enum import Enum
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

_SUBJECT_MARK = "SUBJECT-PLACEHOLDER"
_SAN_MARK = "san-placeholder.example"


class HostileCertificate(Enum):
    """What is wrong with the certificate, and the stand-in swapped for it."""

    BAD_SAN = (_SAN_MARK.encode(), b"san\xffplaceholder.example")
    NOT_UTF8_SUBJECT = (_SUBJECT_MARK.encode(), b"\xff\xfe" + _SUBJECT_MARK[2:].encode())


def _subject_attribute() -> x509.NameAttribute:
    # A PrintableString: OpenSSL loads one holding any bytes, where it refuses a UTF8String
    # that is not UTF-8 (the server could not present that one at all).
    return x509.NameAttribute(NameOID.COMMON_NAME, _SUBJECT_MARK, _type=_ASN1Type.PrintableString)


def hostile_certificate_der(kind: HostileCertificate, key: ec.EllipticCurvePrivateKey) -> bytes:
    """A self-issued leaf for ``key`` with the defect ``kind`` (DER)."""
    now = datetime.datetime.now(datetime.UTC)
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smtp-tui lab hostile CA")])
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([_subject_attribute()]))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=90))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(_SAN_MARK)]), critical=False)
    )
    der = builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    old, new = kind.value
    assert len(old) == len(new) and der.count(old) == 1
    return der.replace(old, new)


def hostile_server_context(kind: HostileCertificate, folder: Path | None = None) -> ssl.SSLContext:
    """A server context presenting a certificate with the defect ``kind``."""
    folder = folder or Path(tempfile.mkdtemp(prefix="smtp-tui-hostile-"))
    key = ec.generate_private_key(ec.SECP256R1())
    cert_file = folder / f"{kind.name.lower()}.pem"
    key_file = folder / f"{kind.name.lower()}.key"
    cert_file.write_text(ssl.DER_cert_to_PEM_cert(hostile_certificate_der(kind, key)))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context

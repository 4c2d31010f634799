"""Certificates for the lab, made when the lab starts (with cryptography): a lab CA and a
certificate for the TLS hosts. Nothing is fetched; the files live in a temporary folder."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from smtp_tui.core.record import field, frozen_record

TLS_NAMES = ("mx.tls.test", "mx.portblock.test")


@frozen_record
class LabCertificates:
    ca_file: Path
    cert_file: Path
    key_file: Path
    # The CA itself, for the lab's other hosts (the transport-policy MX and policy host).
    authority: LabAuthority | None = field(default=None, repr=False, compare=False)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "smtp-tui practice lab"),
        ]
    )


@frozen_record
class LabAuthority:
    """The lab CA, kept in memory while the lab runs, so the lab can issue more certificates."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    def issue(
        self,
        names: tuple[str, ...],
        *,
        addresses: tuple[str, ...] = (),
        key: ec.EllipticCurvePrivateKey | None = None,
    ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        """A leaf for ``names`` (the first is the subject), valid for 90 days."""
        key = key or ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        alt: list[x509.GeneralName] = [x509.DNSName(name) for name in names]
        alt += [x509.IPAddress(ipaddress.ip_address(address)) for address in addresses]
        leaf = (
            x509.CertificateBuilder()
            .subject_name(_name(names[0]))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=90))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        return leaf, key


def self_signed(name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A certificate that signs itself, as many MX hosts have (fine under DANE-EE)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=90))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return certificate, key


def write_pair(
    folder: Path,
    stem: str,
    chain: list[x509.Certificate],
    key: ec.EllipticCurvePrivateKey,
) -> tuple[Path, Path]:
    """``stem.pem`` (the chain, leaf first) and ``stem.key``; returns both paths."""
    cert_file, key_file = folder / f"{stem}.pem", folder / f"{stem}.key"
    cert_file.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def make_lab_authority() -> LabAuthority:
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("smtp-tui lab CA")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return LabAuthority(ca, ca_key)


def make_lab_certificates(folder: Path | None = None) -> LabCertificates:
    """A CA valid for a year and a leaf for the lab's TLS hosts, signed by it."""
    folder = folder or Path(tempfile.mkdtemp(prefix="smtp-tui-lab-"))
    authority = make_lab_authority()
    leaf, key = authority.issue(TLS_NAMES, addresses=("127.0.25.8",))
    ca_file = folder / "ca.pem"
    ca_file.write_bytes(authority.certificate.public_bytes(serialization.Encoding.PEM))
    cert_file, key_file = write_pair(folder, "mx", [leaf], key)
    return LabCertificates(ca_file, cert_file, key_file, authority)

"""TLS for the dialogue: contexts for opportunistic and verified TLS, and a certificate report.

On port 25 TLS is opportunistic: a sender still encrypts when the certificate does not verify.
So the handshake itself never checks the certificate; the report states the facts (names,
issuer, dates, whether it chains to the trust store) instead of failing the test.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.x509.oid import NameOID

from smtp_tui.core.sanitize import sanitize_text

EXPIRY_WARNING = timedelta(days=30)


def opportunistic_context() -> ssl.SSLContext:
    """Encrypt whatever certificate the server shows (the report says what it was)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def verifying_context(cafile: str | None = None) -> ssl.SSLContext:
    """Require a chain to the system's trust store (or ``cafile``); names are checked apart."""
    context = ssl.create_default_context(cafile=cafile)
    context.check_hostname = False
    return context


def name_matches(pattern: str, host: str) -> bool:
    """RFC 6125/9525 matching: a wildcard only as the whole left-most label."""
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern == host:
        return True
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:] and "." in rest
    return False


@dataclass(frozen=True)
class CertificateReport:
    subject: str
    alt_names: tuple[str, ...]
    issuer: str
    not_before: datetime
    not_after: datetime
    self_signed: bool
    tls_version: str
    cipher: str
    host: str
    chain: str = "not checked"  # "trusted", or why not

    @property
    def name_match(self) -> bool:
        names = self.alt_names or ((self.subject,) if self.subject else ())
        return any(name_matches(name, self.host) for name in names)

    def validity(self, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        if now > self.not_after:
            return f"EXPIRED on {self.not_after:%Y-%m-%d}"
        if now < self.not_before:
            return f"not valid yet (from {self.not_before:%Y-%m-%d})"
        if self.not_after - now < EXPIRY_WARNING:
            return f"valid, but expires soon ({self.not_after:%Y-%m-%d})"
        return f"valid until {self.not_after:%Y-%m-%d}"

    def lines(self, now: datetime | None = None) -> list[str]:
        match = "yes" if self.name_match else f"no (the MX host is {self.host})"
        lines = [
            f"TLS: {self.tls_version}, cipher {self.cipher}",
            f"Certificate subject: {self.subject or '(none)'}",
            f"Names (SAN): {', '.join(self.alt_names) or '(none)'}",
            f"Issuer: {self.issuer}" + (" (self-signed)" if self.self_signed else ""),
            f"Dates: {self.validity(now)}",
            f"Name matches the MX host: {match}",
            f"Chains to the trust store: {self.chain}",
        ]
        if not self.name_match or self.chain != "trusted":
            lines.append(
                "Note: common on MX hosts; opportunistic TLS on port 25 still encrypts. "
                "Senders that enforce MTA-STS or DANE would refuse this certificate."
            )
        return lines


def _name_text(name: x509.Name) -> str:
    common = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if common:
        return sanitize_text(str(common[0].value), max_chars=255)
    return sanitize_text(name.rfc4514_string(), max_chars=255)


def certificate_report(
    ssl_object: ssl.SSLObject | ssl.SSLSocket, host: str, chain: str = "not checked"
) -> CertificateReport | None:
    """Read the peer certificate of an established TLS session (None if it sent none)."""
    der = ssl_object.getpeercert(binary_form=True)
    if not der:
        return None
    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        names = [
            sanitize_text(str(v), max_chars=255)
            for v in san.value.get_values_for_type(x509.DNSName)
        ]
        names += [str(v) for v in san.value.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        names = []
    cipher = ssl_object.cipher()
    return CertificateReport(
        subject=_name_text(cert.subject),
        alt_names=tuple(names),
        issuer=_name_text(cert.issuer),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        self_signed=cert.issuer == cert.subject,
        tls_version=ssl_object.version() or "?",
        cipher=cipher[0] if cipher else "?",
        host=host,
        chain=chain,
    )

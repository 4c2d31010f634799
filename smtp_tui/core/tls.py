"""TLS for the dialogue: contexts for opportunistic and verified TLS, and a certificate report.

On port 25 TLS is opportunistic: a sender still encrypts when the certificate does not verify.
So the handshake itself never checks the certificate; the report states the facts (names,
issuer, dates, whether it chains to the trust store) instead of failing the test.
"""

from __future__ import annotations

import ssl
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from cryptography import x509
from cryptography.x509.oid import NameOID

from smtp_tui.core.record import frozen_record
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
    context = ssl.create_default_context()  # the system's store, and the extra CA besides
    if cafile:
        context.load_verify_locations(cafile=cafile)
    context.check_hostname = False
    return context


# What a handshake error means when it carries no message of its own (``str(ssl.SSLError())``
# is "()", ``str(ConnectionResetError())`` is "").
_SILENT_ERRORS: tuple[tuple[type[BaseException], str], ...] = (
    (ssl.SSLEOFError, "the connection was closed in the middle of the handshake"),
    (ssl.SSLZeroReturnError, "the server closed the TLS session"),
    (ssl.SSLCertVerificationError, "the certificate did not verify"),
    (ConnectionResetError, "the server reset the connection"),
    (BrokenPipeError, "the server closed the connection"),
    (ConnectionAbortedError, "the connection was aborted"),
    (TimeoutError, "no answer in time"),
)


def error_reason(error: BaseException) -> str:
    """An error in words for "The TLS handshake failed: <reason>.", never empty, no final dot.

    ``ssl`` errors may have no message at all, or only a tuple of arguments; then the kind of
    error says what happened.
    """
    text = ""
    if isinstance(error, OSError) and error.strerror:
        # ssl: "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)"
        text = error.strerror
    elif any(isinstance(arg, str) and arg.strip() for arg in error.args):
        text = str(error)
    text = " ".join(text.split()).rstrip(".")
    if text:
        return sanitize_text(text, max_chars=300)
    for kind, meaning in _SILENT_ERRORS:
        if isinstance(error, kind):
            return f"{meaning} (no reason given)"
    return f"{type(error).__name__} (no reason given)"


def name_matches(pattern: str, host: str) -> bool:
    """RFC 6125/9525 matching: a wildcard only as the whole left-most label."""
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern == host:
        return True
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:] and "." in rest
    return False


@frozen_record
class CertificateReport:
    """What could be read from the server's certificate, and what could not (``problems``).

    A hostile or broken certificate never makes the report raise: a field that cannot be read
    is empty (or None) and the reason is one of the ``problems``.
    """

    subject: str
    alt_names: tuple[str, ...]
    issuer: str
    not_before: datetime | None
    not_after: datetime | None
    self_signed: bool
    tls_version: str
    cipher: str
    host: str
    chain: str = "not checked"  # "trusted", or why not
    problems: tuple[str, ...] = ()  # what could not be read, and why
    alt_names_read: bool = True  # False: the SAN extension was there but unreadable

    @property
    def name_match(self) -> bool:
        if not self.alt_names_read:
            return False
        names = self.alt_names or ((self.subject,) if self.subject else ())
        return any(name_matches(name, self.host) for name in names)

    def validity(self, now: datetime | None = None) -> str:
        if self.not_before is None or self.not_after is None:
            return "could not be read"
        now = now or datetime.now(UTC)
        if now > self.not_after:
            return f"EXPIRED on {self.not_after:%Y-%m-%d}"
        if now < self.not_before:
            return f"not valid yet (from {self.not_before:%Y-%m-%d})"
        if self.not_after - now < EXPIRY_WARNING:
            return f"valid, but expires soon ({self.not_after:%Y-%m-%d})"
        return f"valid until {self.not_after:%Y-%m-%d}"

    def lines(self, now: datetime | None = None) -> list[str]:
        if not self.alt_names_read:
            match = "cannot tell (the names could not be read)"
        else:
            match = "yes" if self.name_match else f"no (the MX host is {self.host})"
        names = ", ".join(self.alt_names) or (
            "(unreadable)" if not self.alt_names_read else "(none)"
        )
        lines = [
            f"TLS: {self.tls_version}, cipher {self.cipher}",
            f"Certificate subject: {self.subject or '(none)'}",
            f"Names (SAN): {names}",
            f"Issuer: {self.issuer}" + (" (self-signed)" if self.self_signed else ""),
            f"Dates: {self.validity(now)}",
            f"Name matches the MX host: {match}",
            f"Chains to the trust store: {self.chain}",
        ]
        lines += [f"Could not read {problem}" for problem in self.problems]
        if self.problems:
            lines.append(
                "Note: a certificate this tool cannot parse is likely refused by strict "
                "senders too; the encrypted session itself went on."
            )
        elif not self.name_match or self.chain != "trusted":
            lines.append(
                "Note: common on MX hosts; opportunistic TLS on port 25 still encrypts. "
                "Senders that enforce MTA-STS would refuse it; under DANE-EE (a TLSA 3 x x "
                "record) a self-signed certificate is accepted: `smtp-tui policy` checks both."
            )
        return lines


_MAX_NAME_CHARS = 255
# Things cryptography raises for certificates it cannot fully parse (bad DER, a SAN byte that
# is not allowed, duplicate extensions, names that are not valid UTF-8).
_PARSE_ERRORS = (ValueError, TypeError, UnicodeError, x509.DuplicateExtension)


def _reason(error: Exception) -> str:
    text = " ".join(str(error).split())
    return sanitize_text(text or type(error).__name__, max_chars=200)


def _name_text(name: x509.Name) -> str:
    common = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if common:
        return sanitize_text(str(common[0].value), max_chars=_MAX_NAME_CHARS)
    return sanitize_text(name.rfc4514_string(), max_chars=_MAX_NAME_CHARS)


def _alt_names(cert: x509.Certificate) -> list[str]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    names = [
        sanitize_text(str(value), max_chars=_MAX_NAME_CHARS)
        for value in san.value.get_values_for_type(x509.DNSName)
    ]
    return names + [str(value) for value in san.value.get_values_for_type(x509.IPAddress)]


_T = TypeVar("_T")


class _Reading:
    """Reads one field after another; a field that raises becomes a problem, not a crash."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def field(self, what: str, read: Callable[[], _T], fallback: _T) -> tuple[_T, bool]:
        # cryptography warns (rather than raises) about some RFC 5280 breaches; a warning
        # printed to the terminal would tear the screen, so it becomes a line of the report.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                return read(), True
            except _PARSE_ERRORS as error:
                self.problems.append(f"{what}: {_reason(error)}")
                return fallback, False
            finally:
                self.problems += [f"{what} cleanly: {_reason(Warning(w.message))}" for w in caught]


# A few lines of DER reading, so that the names (and whether the certificate is self-signed)
# can be shown even when cryptography refuses the certificate or one of its names.
_SEQUENCE = 0x30
_COMMON_NAME_OID = bytes([0x06, 0x03, 0x55, 0x04, 0x03])
_BMP_STRING = 0x1E


def _element(data: bytes, pos: int, *, lenient: bool = False) -> tuple[int, int, int]:
    """(tag, content start, content end) of the DER element at ``pos``; ValueError if broken
    (``lenient``: content cut short by the end of ``data`` ends there)."""
    if pos + 2 > len(data):
        raise ValueError("truncated")
    tag, length = data[pos], data[pos + 1]
    start = pos + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or start + count > len(data):
            raise ValueError("bad length")
        length = int.from_bytes(data[start : start + count], "big")
        start += count
    if start + length > len(data):
        if not lenient:
            raise ValueError("truncated")
        length = len(data) - start
    return tag, start, start + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """The elements inside ``data[start:end]``, up to the first broken one."""
    found = []
    while start < end:
        try:
            element = _element(data, start)
        except ValueError:
            break
        if element[2] > end:
            break
        found.append(element)
        start = element[2]
    return found


@frozen_record
class RawNames:
    """The subject's and issuer's common names as read by hand ("" when unreadable)."""

    subject: str = ""
    issuer: str = ""
    self_signed: bool = False


def _raw_common_name(data: bytes, start: int, end: int) -> str:
    for _set_tag, set_start, set_end in _children(data, start, end):
        for _tag, attr_start, _attr_end in _children(data, set_start, set_end):
            oid_end = attr_start + len(_COMMON_NAME_OID)
            if data[attr_start:oid_end] != _COMMON_NAME_OID:
                continue
            tag, value_start, value_end = _element(data, oid_end)
            value = data[value_start:value_end]
            encoding = "utf-16-be" if tag == _BMP_STRING else "utf-8"
            text = value.decode(encoding, errors="backslashreplace")
            return sanitize_text(text, max_chars=_MAX_NAME_CHARS)
    return ""


def raw_names(der: bytes) -> RawNames:
    """Subject and issuer common names straight from the DER, bad bytes shown as ``\\xNN``."""
    try:
        # A cut-off certificate still shows the names that arrived (lenient outer lengths).
        tag, start, _end = _element(der, 0, lenient=True)
        _tag, tbs_start, tbs_end = _element(der, start, lenient=True)
    except ValueError:
        return RawNames()
    fields = _children(der, tbs_start, tbs_end)
    if fields and fields[0][0] != 0x02:  # a version ([0]) comes before the serial number
        fields = fields[1:]
    # serial, signature algorithm, issuer, validity, subject, ...
    issuer, subject = _sequence_at(fields, 2), _sequence_at(fields, 4)
    if tag != _SEQUENCE:
        return RawNames()
    try:
        return RawNames(
            subject=_raw_common_name(der, *subject) if subject else "",
            issuer=_raw_common_name(der, *issuer) if issuer else "",
            self_signed=issuer is not None
            and subject is not None
            and der[issuer[0] : issuer[1]] == der[subject[0] : subject[1]],
        )
    except (ValueError, IndexError):
        return RawNames()


def _sequence_at(fields: list[tuple[int, int, int]], index: int) -> tuple[int, int] | None:
    """(start, end) of the ``index``-th field if it arrived and is a SEQUENCE."""
    if index < len(fields) and fields[index][0] == _SEQUENCE:
        return fields[index][1], fields[index][2]
    return None


def report_from_der(
    der: bytes, *, host: str, tls_version: str, cipher: str, chain: str = "not checked"
) -> CertificateReport:
    """The report for one DER certificate; never raises for a malformed one."""
    raw = raw_names(der)
    reading = _Reading()
    cert, loaded = reading.field(
        "the certificate", lambda: x509.load_der_x509_certificate(der), None
    )
    if cert is None or not loaded:
        # cryptography refused the whole certificate: show the names read by hand, if any.
        return CertificateReport(
            subject=raw.subject,
            alt_names=(),
            issuer=raw.issuer or "(unreadable)",
            not_before=None,
            not_after=None,
            self_signed=raw.self_signed,
            tls_version=tls_version,
            cipher=cipher,
            host=host,
            chain=chain,
            problems=tuple(reading.problems),
            alt_names_read=False,
        )
    subject, _ = reading.field("the subject", lambda: _name_text(cert.subject), raw.subject)
    issuer, _ = reading.field(
        "the issuer", lambda: _name_text(cert.issuer), raw.issuer or "(unreadable)"
    )
    no_names: list[str] = []
    names, names_read = reading.field("the extensions (SAN)", lambda: _alt_names(cert), no_names)
    not_before, _ = reading.field("the start date", lambda: cert.not_valid_before_utc, None)
    not_after, _ = reading.field("the end date", lambda: cert.not_valid_after_utc, None)
    return CertificateReport(
        subject=subject,
        alt_names=tuple(names),
        issuer=issuer,
        not_before=not_before,
        not_after=not_after,
        self_signed=raw.self_signed,
        tls_version=tls_version,
        cipher=cipher,
        host=host,
        chain=chain,
        problems=tuple(reading.problems),
        alt_names_read=names_read,
    )


def certificate_report(
    ssl_object: ssl.SSLObject | ssl.SSLSocket, host: str, chain: str = "not checked"
) -> CertificateReport | None:
    """Read the peer certificate of an established TLS session (None if it sent none)."""
    der = ssl_object.getpeercert(binary_form=True)
    if not der:
        return None
    cipher = ssl_object.cipher()
    return report_from_der(
        der,
        host=host,
        tls_version=ssl_object.version() or "?",
        cipher=cipher[0] if cipher else "?",
        chain=chain,
    )

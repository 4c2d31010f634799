"""A certificate cryptography cannot fully parse is reported as far as it can be read."""

import ipaddress
import ssl
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtensionOID, NameOID

from smtp_tui.core import tls_check
from smtp_tui.core.connection import Timeouts
from smtp_tui.core.tls import error_reason, raw_names, report_from_der

KEY = ec.generate_private_key(ec.SECP256R1())
NOW = datetime(2026, 6, 1, tzinfo=UTC)
# Stand-ins of fixed length, swapped for hostile bytes of the same length after signing (the
# signature no longer matches, which the report does not check).
SUBJECT_MARK = "SUBJECT-PLACEHOLDER"
SAN_MARK = "san-placeholder.example"
UNUSED_EXTENSION = x509.ObjectIdentifier("2.5.29.99")


def make_der(
    extensions: list[x509.ExtensionType] | None = None, *, subject: str = SUBJECT_MARK
) -> bytes:
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Hostile CA")])
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer)
        .public_key(KEY.public_key())
        .serial_number(7)
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=90))
    )
    for extension in extensions or []:
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(KEY, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def swap(der: bytes, old: bytes, new: bytes) -> bytes:
    assert len(old) == len(new) and der.count(old) == 1
    return der.replace(old, new)


def report(der: bytes):
    return report_from_der(
        der, host="mx.example.com", tls_version="TLSv1.3", cipher="TLS_AES_128_GCM_SHA256"
    )


def test_a_subject_that_is_not_utf8_is_shown_with_its_bad_bytes():
    der = swap(make_der(), SUBJECT_MARK.encode(), b"\xff\xfe" + SUBJECT_MARK[2:].encode())
    result = report(der)
    assert result.subject.startswith("\\xff\\xfe") and "PLACEHOLDER" in result.subject
    assert result.issuer == "Hostile CA"
    assert any(problem.startswith("the subject:") for problem in result.problems)
    assert result.not_after == NOW + timedelta(days=90)
    text = "\n".join(result.lines(NOW))
    assert "Could not read the subject" in text and "Dates: valid until" in text


def test_a_san_with_bytes_not_allowed_there_is_reported_not_raised():
    der = make_der([x509.SubjectAlternativeName([x509.DNSName(SAN_MARK)])])
    der = swap(der, SAN_MARK.encode(), b"san\xffplaceholder.example")
    result = report(der)
    assert result.subject == SUBJECT_MARK and not result.alt_names_read
    assert not result.name_match
    text = "\n".join(result.lines(NOW))
    assert "Names (SAN): (unreadable)" in text
    assert "Name matches the MX host: cannot tell" in text
    assert "Could not read the extensions (SAN)" in text


@pytest.mark.parametrize(
    "raw",
    [
        b"\x01\x02",  # not a SEQUENCE at all
        b"\x30\x80\x82\x01a\x00\x00",  # BER indefinite length, not DER
        b"\x30\x05\x82\x09abc",  # a length longer than what follows
    ],
)
def test_a_malformed_extension_is_reported_not_raised(raw):
    extension = x509.UnrecognizedExtension(ExtensionOID.SUBJECT_ALTERNATIVE_NAME, raw)
    result = report(make_der([extension]))
    assert result.subject == SUBJECT_MARK and result.issuer == "Hostile CA"
    assert result.problems and not result.alt_names_read


def test_a_duplicate_extension_is_reported_not_raised():
    der = make_der(
        [
            x509.SubjectAlternativeName([x509.DNSName("mx.example.com")]),
            x509.UnrecognizedExtension(UNUSED_EXTENSION, b"\x30\x00"),
        ]
    )
    der = swap(der, b"\x06\x03\x55\x1d\x63", b"\x06\x03\x55\x1d\x11")  # now a second SAN
    result = report(der)
    assert result.problems and "Duplicate" in result.problems[0]


def test_a_certificate_cut_short_still_shows_its_names():
    der = make_der([x509.SubjectAlternativeName([x509.DNSName("mx.example.com")])])
    result = report(der[: len(der) - 40])
    assert result.problems[0].startswith("the certificate:")
    assert result.subject == SUBJECT_MARK and result.issuer == "Hostile CA"
    text = "\n".join(result.lines(NOW))
    assert "Dates: could not be read" in text and "TLS: TLSv1.3" in text


def test_garbage_is_a_report_too():
    result = report(b"\x00" * 10)
    assert result.problems and result.subject == "" and result.issuer == "(unreadable)"
    assert len(result.lines(NOW)) > 5


def test_hostile_names_are_sanitized():
    der = make_der(
        [x509.SubjectAlternativeName([x509.DNSName("\x1b[31m.example")])],
        subject="evil\u202egro.example",
    )
    result = report(der)
    assert result.subject == "evil\\u202egro.example"
    assert result.alt_names == ("\\x1b[31m.example",)
    assert result.problems == ()


def test_a_good_certificate_reads_as_before():
    result = report(make_der([x509.SubjectAlternativeName([x509.DNSName("mx.example.com")])]))
    assert result.problems == () and result.name_match and not result.self_signed
    assert "Could not read" not in "\n".join(result.lines(NOW))


def test_raw_names_tell_self_signed():
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Self")])
    der = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(KEY.public_key())
        .serial_number(1)
        .not_valid_before(NOW)
        .not_valid_after(NOW + timedelta(days=1))
        .sign(KEY, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )
    assert raw_names(der).self_signed and raw_names(der).subject == "Self"
    assert report(der).self_signed


def test_no_single_byte_change_makes_the_report_raise():
    der = make_der(
        [
            x509.SubjectAlternativeName(
                [x509.DNSName("mx.example.com"), x509.IPAddress(ipaddress.ip_address("192.0.2.1"))]
            ),
            x509.BasicConstraints(ca=False, path_length=None),
        ]
    )
    for position in range(len(der)):
        for value in (0x00, 0x80, 0xFF):
            changed = der[:position] + bytes([value]) + der[position + 1 :]
            result = report(changed)  # must not raise
            assert result.lines(NOW)


def test_a_cryptography_warning_becomes_a_line_not_terminal_noise(recwarn):
    der = swap(make_der(), b"\x02\x01\x07", b"\x02\x01\x00")  # serial number zero
    result = report(der)
    assert len(recwarn) == 0
    assert any("serial number" in problem for problem in result.problems)
    assert result.subject == SUBJECT_MARK


@pytest.mark.parametrize("error", [ssl.SSLError(), ConnectionResetError(), ValueError("")])
async def test_the_chain_check_always_gives_a_reason(monkeypatch, error):
    async def failing_connect(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(tls_check.SmtpConnection, "connect", failing_connect)
    chain = await tls_check.check_chain(
        "127.0.0.1",
        25,
        server_hostname=None,
        helo="client.test",
        implicit=True,
        timeouts=Timeouts.all(1.0),
    )
    assert chain.startswith("not checked (") and "()" not in chain
    assert "no reason given" in chain


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ssl.SSLError(), "SSLError (no reason given)"),
        (ssl.SSLError(1, None), "SSLError (no reason given)"),
        (ssl.SSLEOFError(), "closed in the middle of the handshake"),
        (ConnectionResetError(), "the server reset the connection"),
        (ConnectionResetError(104, "Connection reset by peer"), "Connection reset by peer"),
        (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"), "WRONG_VERSION"),
    ],
)
def test_a_handshake_error_always_has_a_reason(error, expected):
    reason = error_reason(error)
    assert expected in reason and reason.strip("() .")
    assert f"The TLS handshake failed: {reason}." != "The TLS handshake failed: ."

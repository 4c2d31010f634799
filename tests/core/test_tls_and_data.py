"""STARTTLS, TLS from the first byte, the certificate report, and the test message."""

from datetime import UTC, datetime

from smtp_tui.core.message import build_test_message, queue_id
from smtp_tui.core.session import StepStatus
from smtp_tui.core.tls import name_matches
from smtp_tui.core.transcript import EventKind, to_plain


async def tls_ready(session, lab, *, cafile=None):
    session.tls_cafile = cafile
    await session.lookup("alice@tls.test")
    await session.connect("127.0.25.8", lab.smtp_port, label="mx.tls.test")
    await session.command("EHLO client.lab.test")


async def test_starttls_upgrades_and_reports_the_certificate(session, lab, transcript):
    await tls_ready(session, lab)
    assert "STARTTLS" in session.keywords
    result = await session.starttls(helo="client.lab.test")
    assert result.ok, result.summary
    report = result.certificate
    assert report.subject == "mx.tls.test"
    assert "mx.tls.test" in report.alt_names and report.name_match
    assert report.issuer == "smtp-tui lab CA" and not report.self_signed
    assert report.tls_version.startswith("TLS")
    assert report.chain.startswith("no (")  # the lab CA is not in the system's trust store
    assert "valid until" in report.validity()
    # EHLO is asked for again; the keywords were forgotten (RFC 3207).
    assert session.keywords == {}
    again = await session.command("EHLO client.lab.test")
    assert again.reply.code == 250 and "STARTTLS" not in session.keywords
    # Lines inside TLS carry the swaks TLS markers.
    plain = to_plain(transcript.events)
    assert " ~> EHLO client.lab.test" in plain and "<~  250" in plain


async def test_chain_is_trusted_with_the_right_ca(session, lab):
    await tls_ready(session, lab, cafile=str(lab.ca_file))
    result = await session.starttls(helo="client.lab.test")
    assert result.certificate.chain == "trusted"


async def test_bytes_between_the_220_and_the_handshake_are_discarded_and_flagged(
    session, lab, transcript
):
    await session.lookup("alice@inject.test")
    await session.connect("127.0.25.10", lab.smtp_port, label="mx.inject.test")
    await session.command("EHLO client.lab.test")
    result = await session.starttls(helo="client.lab.test")
    assert result.ok
    assert "discarded" in result.summary
    assert any(
        "STARTTLS injection" in e.text for e in transcript.events if e.kind is EventKind.WARNING
    )
    # The injected "250 INJECTED" was never taken as the reply to the next command.
    reply = (await session.command("EHLO client.lab.test")).reply
    assert "INJECTED" not in reply.text


async def test_tls_from_the_first_byte(session, lab, transcript):
    await session.lookup("alice@tls.test")
    result = await session.connect(
        "127.0.25.8", lab.smtps_port, label="mx.tls.test", implicit_tls=True
    )
    assert result.status is StepStatus.PASSED
    assert session.certificate is not None and session.certificate.name_match
    assert any(e.tls and e.kind is EventKind.RECEIVED for e in transcript.events)


async def test_starttls_refused_when_not_offered(session, lab):
    await session.lookup("alice@example.test")
    await session.connect("127.0.25.1", lab.smtp_port, label="mx1.example.test")
    await session.command("EHLO client.lab.test")
    result = await session.starttls()
    assert not result.ok and result.reply.code in (454, 500, 502)


async def test_a_test_message_is_accepted_with_a_queue_id(session, lab, transcript):
    await session.lookup("alice@example.test")
    await session.connect("127.0.25.1", lab.smtp_port, label="mx1.example.test")
    for text in (
        "EHLO client.lab.test",
        "MAIL FROM:<tester@lab.test>",
        "RCPT TO:<alice@example.test>",
    ):
        await session.command(text)
    result = await session.send_test_message(
        "tester@lab.test", "alice@example.test", helo="client.lab.test", body=".dot line\nend"
    )
    assert result.ok and result.queue_id
    sent = [e.text for e in transcript.events if e.kind is EventKind.SENT]
    assert "DATA" in sent and "..dot line" in sent and sent[-1] == "."


async def test_ehlo_not_understood_then_helo_works(session, lab):
    await session.lookup("alice@noehlo.test")
    await session.connect("127.0.25.11", lab.smtp_port)
    assert (await session.command("EHLO client.lab.test")).reply.code == 500
    assert (await session.command("HELO client.lab.test")).reply.code == 250


async def test_hang_up_right_after_connecting_is_told_apart(session, lab):
    result = await session.connect("127.0.25.12", lab.smtp_port)
    assert result.status is StepStatus.FAILED
    assert "hung up at once" in result.summary


def test_message_is_dot_stuffed_crlf_only_and_terminated():
    message = build_test_message(
        "a@lab.test",
        "b@example.test",
        "client.lab.test",
        body="one\r.two\n\rthree\n.",
        now=datetime(2026, 1, 2, tzinfo=UTC),
    )
    payload = message.payload
    assert payload.endswith(b"\r\n.\r\n")
    assert b"\r\n..two\r\n" in payload and b"\r\n..\r\n" in payload
    without_crlf = payload.replace(b"\r\n", b"")
    assert b"\r" not in without_crlf and b"\n" not in without_crlf
    for header in (
        b"Date: Fri, 02 Jan 2026",
        b"From: a@lab.test",
        b"To: b@example.test",
        b"Subject: smtp-tui test message",
        b"Message-ID: <",
    ):
        assert header in payload


def test_non_ascii_body_is_sent_as_seven_bit():
    message = build_test_message("a@lab.test", "b@example.test", "x.test", body="Grüße")
    assert message.payload.isascii()


def test_queue_ids_from_several_servers():
    assert queue_id("2.0.0 Ok: queued as 4A1B2C") == "4A1B2C"
    assert (
        queue_id("2.0.0 OK  1700000000 d2e1a72fcca58-7a0b1c9si.12 - gsmtp")
        == "d2e1a72fcca58-7a0b1c9si.12"
    )
    assert (
        queue_id(
            "2.6.0 <abc@DM6PR.namprd.prod.outlook.com> [InternalId=1] Queued mail for delivery"
        )
        == "abc@DM6PR.namprd.prod.outlook.com"
    )
    assert queue_id("OK id=1rAbCd-000123-AB") == "1rAbCd-000123-AB"
    assert queue_id("Ok") is None


def test_certificate_name_matching():
    assert name_matches("*.example.com", "mail.example.com")
    assert not name_matches("*.example.com", "a.b.example.com")
    assert not name_matches("*.example.com", "example.com")
    assert name_matches("MX.Example.com.", "mx.example.com")

"""The bounce reader on bounces written after the real formats of the common MTAs."""

from pathlib import Path

import pytest

from smtp_tui.core.bounce import BounceReport, read_bounce

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bounces"


def read(name: str) -> BounceReport:
    return read_bounce((FIXTURES / name).read_bytes())


# file, recipient, action, status, reply code, remote host, command, format
FAILURES = [
    (
        "postfix-unknown-user.eml",
        "nobody@receiver.example",
        "failed",
        "5.1.1",
        550,
        "mx1.receiver.example",
        "RCPT",
        "postfix",
    ),
    (
        "exim-pipelined-data.eml",
        "bob@receiver.example",
        "failed",
        "5.7.1",
        550,
        "mx.receiver.example",
        "DATA",
        "exim",
    ),
    (
        "sendmail-transcript.eml",
        "erin@receiver.example",
        "failed",
        "5.7.1",
        554,
        "mx2.receiver.example",
        "DATA",
        "sendmail",
    ),
    (
        "qmail-remote-host-said.eml",
        "frank@receiver.example",
        "failed",
        "5.1.1",
        550,
        "203.0.113.7",
        "RCPT",
        "qmail",
    ),
    (
        "office365-ndr.eml",
        "grace@receiver.example",
        "failed",
        "5.1.10",
        550,
        None,
        None,
        "office365",
    ),
    (
        "exchange-remote-server-returned.eml",
        "heidi@receiver.example",
        "failed",
        "5.2.2",
        552,
        "mx.receiver.example",
        None,
        "exchange",
    ),
    ("gmail-response.eml", "ivan@receiver.example", "failed", "5.7.1", 550, None, None, "gmail"),
    ("yahoo-rcpt.eml", "judy@receiver.example", "failed", "5.7.9", 554, None, "RCPT", "yahoo"),
    (
        "amazonses-dsn.eml",
        "mallory@receiver.example",
        "failed",
        "5.1.1",
        550,
        None,
        None,
        "amazonses",
    ),
    ("domino.eml", "niaj@receiver.example", "failed", None, None, None, None, "domino"),
    (
        "pasted-postfix-no-headers.txt",
        "sybil@receiver.example",
        "failed",
        "5.7.1",
        554,
        "mx.receiver.example",
        "CONN",
        "postfix",
    ),
]


@pytest.mark.parametrize(
    ("name", "recipient", "action", "status", "code", "host", "command", "fmt"), FAILURES
)
def test_each_format_gives_the_failed_recipient_and_the_remote_reply(
    name, recipient, action, status, code, host, command, fmt
):
    report = read(name)
    assert report.format == fmt
    [found] = report.failures
    assert found.recipient == recipient
    assert found.action == action
    assert found.status == status
    assert found.reply_code == code
    assert found.remote_mta == host
    assert found.smtp_command == command
    assert found.diagnostic
    assert found.explanation is not None


def test_postfix_reads_the_delivery_status_fields_and_the_original_headers():
    report = read("postfix-unknown-user.eml")
    assert report.reporting_mta == "mail.sender.example"
    assert report.arrival_date == "Tue, 14 May 2024 09:12:38 +0200 (CEST)"
    [found] = report.failures
    assert found.original_recipient == "nobody@receiver.example"
    assert found.diagnostic == (
        "550 5.1.1 <nobody@receiver.example>: Recipient address rejected: "
        "User unknown in virtual mailbox table"
    )
    assert found.explanation.category == "recipient-unknown"
    assert found.explanation.side == "theirs"
    assert report.original is not None
    assert report.original.sender == "Jane Sender <jane@sender.example>"
    assert report.original.subject == "Quarterly figures"
    assert report.original.message_id == "<a1b2c3d4@sender.example>"
    assert report.original.date == "Tue, 14 May 2024 09:12:30 +0200"


def test_several_recipients_each_keep_their_own_reply_host_and_command():
    report = read("exim-two-recipients.eml")
    carol, dave = report.failures
    assert (carol.recipient, carol.reply_code, carol.smtp_command) == (
        "carol@receiver.example",
        552,
        "RCPT",
    )
    assert carol.remote_mta == "mx.receiver.example"
    assert carol.explanation.category == "mailbox-full"
    assert (dave.recipient, dave.reply_code, dave.smtp_command) == (
        "dave@other.example",
        550,
        "MAIL",
    )
    assert dave.remote_mta == "mail.other.example"


def test_delivered_recipients_are_not_failures_and_delayed_ones_keep_their_action():
    report = read("rfc3464-three-recipients.eml")
    assert [r.action for r in report.recipients] == ["delivered", "delayed", "failed"]
    peggy, rupert = report.failures
    assert peggy.recipient == "peggy@receiver.example"
    assert peggy.original_recipient == "peggy@alias.example"
    assert peggy.action == "delayed"
    assert peggy.reply_code == 450
    assert peggy.last_attempt_date == "Sat, 25 May 2024 09:59:30 +0000"
    assert peggy.explanation.category == "greylisted"
    assert rupert.status == "5.7.1"
    assert rupert.diagnostic.endswith("blocked using zen.dnsbl.example")
    assert report.original.subject == "Team lunch"


def test_an_mbox_with_one_message_reads_like_the_message():
    mbox = read("exim-one-message.mbox")
    plain = read("exim-two-recipients.eml")
    assert mbox.failures == plain.failures


def test_pasted_text_without_headers_is_read():
    text = (FIXTURES / "pasted-postfix-no-headers.txt").read_text()
    report = read_bounce(text)
    assert [r.recipient for r in report.failures] == ["sybil@receiver.example"]
    assert report.reporting_mta == "mail.sender.example"


def test_a_message_that_is_not_a_bounce_has_no_recipient_and_says_what_it_saw():
    report = read("not-a-bounce.eml")
    assert report.recipients == ()
    assert report.format == "unknown"
    assert any('subject "Hello"' in item for item in report.seen)


def test_a_pasted_delivery_status_report_is_read_from_plain_text():
    pasted = (
        "Reporting-MTA: dns; mta.sender.example\n\n"
        "Final-Recipient: rfc822; trent@receiver.example\n"
        "Action: failed\nStatus: 5.2.2\n"
        "Diagnostic-Code: smtp; 552 5.2.2 Mailbox full\n"
    )
    [found] = read_bounce(pasted).failures
    assert (found.recipient, found.status, found.reply_code) == (
        "trent@receiver.example",
        "5.2.2",
        552,
    )


def test_control_characters_in_a_bounce_are_made_visible():
    hostile = (
        "From: x@y.example\nSubject: \x1b[31mred\n\n"
        "<victim@receiver.example>: host mx.receiver.example[198.51.100.1] said: 550 5.1.1 "
        "no \x1b]52;c;AAAA\x07 such user (in reply to RCPT TO command)\n"
    )
    [found] = read_bounce(hostile.encode()).failures
    assert "\x1b" not in found.diagnostic
    assert "\\x1b" in found.diagnostic
    assert "\x07" not in found.diagnostic


def test_a_huge_input_is_cut_and_still_read():
    head = b"<big@receiver.example>: host mx.receiver.example[198.51.100.1] said: 550 5.1.1 no\n"
    report = read_bounce(head + b"x" * 5_000_000)
    assert [r.recipient for r in report.failures] == ["big@receiver.example"]
    assert any("cut" in item for item in report.seen)


def test_an_amazon_ses_json_notification_is_read():
    report = read("amazonses-notification.eml")
    assert report.format == "amazonses"
    assert report.reporting_mta == "a8-30.smtp-out.amazonses.com"
    [found] = report.failures
    assert (found.recipient, found.status, found.reply_code) == (
        "oscar@receiver.example",
        "5.1.1",
        550,
    )
    assert report.original.subject == "Welcome aboard"


def test_a_bounce_forwarded_as_an_attachment_is_read_from_the_attachment():
    report = read("forwarded-postfix.eml")
    [found] = report.failures
    assert found.recipient == "nobody@receiver.example"
    assert found.smtp_command == "RCPT"
    assert any("forwarded" in item for item in report.seen)


def test_the_envelope_sender_is_known_for_a_retest():
    assert read("postfix-unknown-user.eml").envelope_sender == "jane@sender.example"
    assert read("qmail-remote-host-said.eml").envelope_sender == "jane@sender.example"
    assert read("pasted-postfix-no-headers.txt").envelope_sender is None


def test_the_host_named_after_host_colon_is_the_remote_one():
    # GMX / 1&1 wording: the refusing host on its own line, after "host:".
    text = (
        "A message that you sent could not be delivered to one or more of\n"
        "its recipients. This is a permanent error. The following address\n"
        "failed:\n\n"
        '"tabby@example.net":\n'
        "SMTP error from remote server after RCPT command:\n"
        "host: mx.example.net\n"
        "5.1.1 <tabby@example.net>... User Unknown\n"
    )
    [failure] = read_bounce(text.encode()).failures
    assert failure.remote_mta == "mx.example.net"
    assert failure.explanation is not None
    assert failure.explanation.category == "recipient-unknown"


def test_a_bounce_that_names_no_remote_host_leaves_it_empty():
    text = (
        "Delivery to the following recipient failed permanently:\n\n"
        "    tabby@example.net\n\n"
        "Technical details of permanent failure:\n"
        "550 5.1.1 The mailbox does not exist\n"
    )
    [failure] = read_bounce(text.encode()).failures
    assert failure.remote_mta is None


def test_a_bounce_written_by_debians_postfix_reads_as_its_dsn_says():
    # Written by Postfix 3.7 (Debian 12) on this project's development machine, relaying to
    # the practice lab's blocked.test MX on loopback: a real MTA's bounce, not a mock-up.
    report = read("postfix-3.7-debian-blocked.eml")
    (failed,) = report.failures
    assert (failed.recipient, failed.action, failed.status) == (
        "carol@blocked.test",
        "failed",
        "5.7.1",
    )
    assert (failed.reply_code, failed.remote_mta, failed.smtp_command) == (
        554,
        "127.0.25.5",
        "RCPT",
    )
    assert "blocked using bl.dnsbl.test" in (failed.diagnostic or "")
    assert failed.explanation is not None
    assert (failed.explanation.category, failed.explanation.side) == ("sender-ip-blocked", "yours")
    assert report.original is not None and report.original.subject == "test to carol@blocked.test"

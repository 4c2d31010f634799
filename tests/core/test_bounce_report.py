"""The bounce as readable text, shared by plain mode and the bounce screen."""

from smtp_tui.core.bounce import read_bounce
from smtp_tui.core.bounce_report import recipient_lines, report_text
from smtp_tui.plain import bounce as plain_bounce

POSTFIX = (
    "From: MAILER-DAEMON@mail.sender.example\n"
    "Subject: Undelivered Mail Returned to Sender\n\n"
    "This is the mail system at host mail.sender.example.\n\n"
    "<nobody@receiver.example>: host mx.receiver.example[192.0.2.1] said: 550 5.1.1\n"
    "    <nobody@receiver.example>: User unknown (in reply to RCPT TO command)\n"
)


def test_each_recipient_is_a_numbered_block_with_its_facts_and_explanation():
    [failure] = read_bounce(POSTFIX.encode()).failures
    lines = recipient_lines(1, failure)
    assert lines[0] == "1. nobody@receiver.example: failed"
    assert lines[1] == ("   status 5.1.1, reply 550, at RCPT TO, remote host mx.receiver.example")
    assert lines[2].startswith("   Server said: 550 5.1.1")
    assert any(line.startswith("   Category: recipient-unknown") for line in lines)


def test_the_report_ends_with_the_verdict_and_plain_mode_shares_the_same_text():
    report = read_bounce(POSTFIX.encode())
    text = report_text(report)
    assert text.startswith("Bounce format: postfix (written by mail.sender.example)")
    assert "Failed or delayed recipients: 1" in text
    assert plain_bounce.report_text is report_text
    assert plain_bounce.recipient_lines is recipient_lines

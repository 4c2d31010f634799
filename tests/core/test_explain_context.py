"""What around the words decides: the command a reply answered, how its code is written, whose
noun a word belongs to, and the links it carries.

Written for this test (not copied from any corpus).
"""

import pytest

from smtp_tui.core.explain import explain, explain_text
from smtp_tui.core.explain_line import find_stage, parse_pasted

# A bare policy code says nothing on its own; the command it answered does.
STAGED = [
    (
        "host mx.example.net[192.0.2.1] said: 550 5.7.1 No (in reply to EHLO command)",
        "helo-rejected",
        "yours",
    ),
    (
        "SMTP error from remote mail server after pipelined MAIL FROM:<a@b.example> SIZE=1: "
        "550 5.7.1 Not allowed",
        "sender-rejected",
        "yours",
    ),
    (
        "host mx.example.net[192.0.2.1] said: 550 5.7.1 Access denied (in reply to MAIL FROM "
        "command)",
        "sender-rejected",
        "yours",
    ),
    (
        "SMTP error from remote mail server after MAIL FROM:<a@example.org> SIZE=1024: "
        "550 5.7.1 Not allowed",
        "sender-rejected",
        "yours",
    ),
    (
        "host mx.example.net[192.0.2.1] said: 554 5.7.1 Not accepted (in reply to end of DATA "
        "command)",
        "content-policy",
        "yours",
    ),
    (
        "SMTP error from remote mail server after initial connection: host mx.example.net "
        "[192.0.2.1]: 554 5.7.1 No",
        "sender-ip-blocked",
        "yours",
    ),
    (
        "host mx.example.net[192.0.2.1] said: 550 5.7.1 No (in reply to HELO command)",
        "helo-rejected",
        "yours",
    ),
    # A recipient refusal stays open: the recipient or a policy may be the cause.
    (
        "host mx.example.net[192.0.2.1] said: 550 5.7.1 Access denied (in reply to RCPT TO "
        "command)",
        "other",
        "unclear",
    ),
    # A temporary refusal at the greeting is load as often as a block: it stays open too.
    (
        "SMTP error from remote mail server after initial connection: host mx.example.net "
        "[192.0.2.1]: 421 4.7.0 Try later",
        "other",
        "unclear",
    ),
]


@pytest.mark.parametrize(("text", "category", "side"), STAGED)
def test_the_command_a_bare_code_answered_speaks(text, category, side):
    explanation = explain_text(text)
    assert (str(explanation.category), str(explanation.side)) == (category, side)


def test_the_command_never_overrules_words():
    text = (
        "host mx.example.net[192.0.2.1] said: 550 5.1.1 <a@example.net>: Recipient address "
        "rejected: User unknown (in reply to MAIL FROM command)"
    )
    assert str(explain_text(text).category) == "recipient-unknown"


def test_the_decision_names_the_command():
    text = "host mx[192.0.2.1] said: 550 5.7.1 Access denied (in reply to MAIL FROM command)"
    assert explain_text(text).decided_by == "Decided by: enhanced code 5.7.1 in reply to MAIL FROM"


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("... (in reply to RCPT TO command)", "rcpt"),
        ("... (in reply to end of DATA command)", "data"),
        ("SMTP error from remote mail server after MAIL FROM:<a@b.c>:", "mail"),
        ("host mx[192.0.2.1] refused to talk to me: 554 go away", "connect"),
        ("Connected to 192.0.2.1 but sender was rejected.", "mail"),
        ("550 5.7.1 nothing about the command", None),
    ],
)
def test_the_stage_is_read_from_the_bouncing_mta_words(text, stage):
    assert find_stage(text) == stage


def test_explain_takes_the_stage_as_a_keyword():
    explanation = explain(550, "5.7.1", "Access denied", stage="mail")
    assert str(explanation.category) == "sender-rejected"
    assert str(explain(550, "5.7.1", "Access denied").category) == "other"


@pytest.mark.parametrize(
    ("text", "code", "enhanced"),
    [
        ("550.5.7.0 Message Size Violation", 550, "5.7.0"),
        ("571 Email from 192.0.2.1 is currently blocked by the anti-spam system", 571, None),
        ("558 5.7.1 Message content rejected due to suspected spam", 558, "5.7.1"),
    ],
)
def test_a_code_outside_the_rfc_or_glued_with_a_dot_is_still_read(text, code, enhanced):
    pasted = parse_pasted(text)
    assert (pasted.code, pasted.enhanced) == (code, enhanced)


# (reply line, category, side): whose noun a word belongs to, and what a link says.
READINGS = [
    # "The sender's IP" is the sending host, not the sender address.
    (
        "550 5.7.1 This message has been blocked because the sender's IP address is blacklisted",
        "sender-ip-blocked",
        "yours",
    ),
    ("554 Sender IP address is blacklisted here", "sender-ip-blocked", "yours"),
    ("554 Sender address is blacklisted here", "sender-rejected", "yours"),
    # A domain on Spamhaus's domain list is the sender domain's problem, not the IP's.
    (
        "550 5.7.1 Service unavailable, MailFrom domain is listed in Spamhaus",
        "sender-rejected",
        "yours",
    ),
    # A block-list lookup page in a reply that says nothing else.
    (
        "554 5.7.1 Mail refused - see https://lookup.example.net/cgi-bin/block-lookup?ip=x",
        "sender-ip-blocked",
        "yours",
    ),
    ("550 Refused, see http://www.example.net/blacklist/check", "sender-ip-blocked", "yours"),
    # Null MX takes no mail at all; refusing mail *from your domain* is about the sender.
    ("550 5.7.1 This recipient does not accept mail from your domain", "sender-rejected", "yours"),
    ("556 5.1.10 Recipient domain does not accept mail", "null-mx", "theirs"),
    # "Your account" is the sender's own account at its provider.
    ("550 Your account has been suspended for sending spam", "other", "yours"),
    ("550 5.2.1 Recipient account has been suspended", "mailbox-disabled", "theirs"),
    # Servers keep RFC 5321's "mailbox unavailable" in front of their own reason.
    (
        "550 5.2.1 Mailbox unavailable. This server does not accept mail from this sender",
        "sender-rejected",
        "yours",
    ),
    # ... and the RFC's wording alone does not outweigh what follows it.
    (
        "550 Mailbox unavailable. Your IP address 192.0.2.1 is blacklisted",
        "sender-ip-blocked",
        "yours",
    ),
    ("550 mailbox unavailable. Message rejected as spam", "content-policy", "yours"),
    ("550 Requested action not taken: mailbox unavailable", "recipient-unknown", "theirs"),
]


@pytest.mark.parametrize(("text", "category", "side"), READINGS)
def test_the_words_are_read_in_their_context(text, category, side):
    explanation = explain_text(text)
    assert (str(explanation.category), str(explanation.side)) == (category, side), text

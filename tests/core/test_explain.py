"""Every registry code is explained; real rejection texts land in the right category."""

import csv
import json
from pathlib import Path

import pytest

from smtp_tui.core.explain import (
    CATEGORIES,
    SIDES,
    enhanced_codes,
    explain_keywords,
    explain_text,
    known_texts,
    reply_codes,
)

# Copies of ../shared/reference/*.tsv, so the check runs anywhere the repo is checked out.
REFERENCE = Path(__file__).parents[1] / "reference"


def reference_codes(name: str) -> list[str]:
    with open(REFERENCE / name, encoding="utf-8") as handle:
        return [row["code"] for row in csv.DictReader(handle, delimiter="\t")]


def test_every_basic_reply_code_in_the_reference_is_explained():
    codes = reference_codes("reply-codes.tsv")
    assert len(codes) >= 40
    missing = [code for code in codes if code not in reply_codes()]
    assert missing == []


def test_every_enhanced_status_code_in_the_reference_is_explained():
    codes = reference_codes("enhanced-status-codes.tsv")
    assert len(codes) >= 90
    missing = [code for code in codes if code not in enhanced_codes()]
    assert missing == []


def test_every_entry_has_a_known_category_side_and_meaning():
    entries = [
        *reply_codes().values(),
        *enhanced_codes().values(),
        *(known.entry for known in known_texts()),
    ]
    for entry in entries:
        assert entry.category in CATEGORIES
        assert entry.side in SIDES
        assert entry.meaning.strip()


def test_failures_say_what_to_do_next():
    for code, entry in reply_codes().items():
        if code[0] in "45" and code not in ("4yz", "5yz", "550", "554"):
            assert entry.next_steps, code


# (reply text as seen in the wild, expected category, expected side)
REAL_REJECTIONS = [
    # Postfix
    (
        "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in local recipient table",
        "recipient-unknown",
        "theirs",
    ),
    ("554 5.7.1 <bob@example.org>: Relay access denied", "relay-denied", "unclear"),
    (
        "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1",
        "sender-ip-blocked",
        "yours",
    ),
    (
        "504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname",
        "helo-rejected",
        "yours",
    ),
    (
        "450 4.1.8 <a@nowhere.invalid>: Sender address rejected: Domain not found",
        "sender-rejected",
        "yours",
    ),
    (
        "450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.1]",
        "reverse-dns",
        "yours",
    ),
    ("554 5.5.0 Error: SMTP protocol synchronization", "syntax", "yours"),
    ("550 5.5.2 Error: bare <LF> received", "syntax", "yours"),
    (
        "556 5.1.10 <a@nomail.example>: Recipient address rejected: Domain nomail.example does not accept mail (nullMX)",
        "null-mx",
        "theirs",
    ),
    (
        "552 5.2.2 <bob@example.com>: Recipient address rejected: Mailbox full",
        "mailbox-full",
        "theirs",
    ),
    ("452 4.5.3 Error: too many recipients", "rate-limited", "yours"),
    # No size category: "other", and the sender must send less.
    ("552 5.3.4 Message size exceeds fixed limit", "other", "yours"),
    # Greylisting
    (
        "450 4.2.0 <bob@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html",
        "greylisted",
        "theirs",
    ),
    ("451 4.7.1 Greylisting in action, please come back later", "greylisted", "theirs"),
    # Microsoft 365 / Exchange Online / Outlook.com
    (
        "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
        "recipient-unknown",
        "theirs",
    ),
    ("550 5.4.1 Relay Access Denied", "relay-denied", "unclear"),
    # Directory-based edge blocking: the recipient is not in the tenant's directory.
    (
        "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)",
        "recipient-unknown",
        "theirs",
    ),
    ("550 5.7.1 Delivery not authorized, message refused", "sender-rejected", "yours"),
    (
        "550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this list please visit https://sender.office.com/",
        "sender-ip-blocked",
        "yours",
    ),
    (
        "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140).",
        "sender-ip-blocked",
        "yours",
    ),
    (
        "451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (AS843)",
        "rate-limited",
        "yours",
    ),
    ("550 5.7.705 Access denied, tenant has exceeded threshold", "sender-ip-blocked", "yours"),
    (
        "550 5.7.515 Access denied, sending domain example.com does not meet the required authentication level",
        "authentication",
        "yours",
    ),
    (
        "550 5.7.23 The message was rejected because of Sender Policy Framework violation",
        "authentication",
        "yours",
    ),
    (
        "550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification and has a DMARC policy of reject",
        "authentication",
        "yours",
    ),
    # Gmail
    (
        "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos",
        "recipient-unknown",
        "theirs",
    ),
    (
        "550-5.2.1 The email account that you tried to reach is disabled.",
        "mailbox-disabled",
        "theirs",
    ),
    (
        "452-4.2.2 The email account that you tried to reach is over quota.",
        "mailbox-full",
        "theirs",
    ),
    ("421-4.7.0 This message does not have a PTR record set up", "reverse-dns", "yours"),
    (
        "550-5.7.25 The IP address sending this message does not have a PTR record setup",
        "reverse-dns",
        "yours",
    ),
    ("421-4.7.0 TLS required for RCPT domain, closing connection.", "tls-required", "yours"),
    (
        "421-4.7.28 Gmail has detected an unusual rate of unsolicited mail originating from your IP address.",
        "rate-limited",
        "yours",
    ),
    (
        "550-5.7.1 The IP you're using to send email is not authorized to send email directly to our servers. Please use the SMTP relay at your service provider instead.",
        "sender-ip-blocked",
        "yours",
    ),
    (
        "550-5.7.1 Our system has detected that this message is likely unsolicited mail.",
        "content-policy",
        "yours",
    ),
    (
        "550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.",
        "authentication",
        "yours",
    ),
    (
        "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy.",
        "authentication",
        "yours",
    ),
    (
        "550-5.7.26 The domain example.com has an SPF record with a hard fail policy (-all) but it fails to pass SPF checks.",
        "authentication",
        "yours",
    ),
    (
        "451-4.7.26 Unauthenticated email from example.com is not accepted due to temporary DNS failures prevent authentication",
        "authentication",
        "yours",
    ),
    ("503 5.5.1 EHLO/HELO first.", "syntax", "yours"),
    ('501 5.5.4 HELO/EHLO argument "x" invalid, closing connection.', "helo-rejected", "yours"),
    # Yahoo / AOL
    (
        "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1",
        "rate-limited",
        "yours",
    ),
    (
        "421 4.7.1 [TS03] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed.",
        "sender-ip-blocked",
        "yours",
    ),
    (
        "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list; see https://postmaster.yahooinc.com/error-codes",
        "sender-ip-blocked",
        "yours",
    ),
    # Exim / others
    ("550 relay not permitted", "relay-denied", "unclear"),
    ("550 Unrouteable address", "recipient-unknown", "theirs"),
    ("554 No SMTP service here", "sender-ip-blocked", "yours"),
    ("421 Service not available, closing transmission channel", "server-unavailable", "theirs"),
    ("530 5.7.0 Must issue a STARTTLS command first", "tls-required", "yours"),
    ("535 5.7.8 Error: authentication failed: authentication failure", "authentication", "yours"),
    ("554 5.7.1 Message rejected: virus found in attachment", "content-policy", "yours"),
    ("550 5.7.1 Sender address rejected: not allowed to send", "sender-rejected", "yours"),
]


@pytest.mark.parametrize(
    ("text", "category", "side"), REAL_REJECTIONS, ids=[text[:40] for text, _, _ in REAL_REJECTIONS]
)
def test_real_rejection_texts_are_classified(text, category, side):
    explanation = explain_text(text)
    assert (explanation.category, explanation.side) == (category, side), explanation.meaning
    assert explanation.next_steps


def test_there_are_enough_real_texts_from_several_providers():
    assert len(REAL_REJECTIONS) >= 40


def test_a_basic_code_alone_is_explained():
    explanation = explain_text("550")
    assert explanation.code == 550 and explanation.enhanced is None
    assert "refused" in explanation.meaning


def test_an_enhanced_code_alone_is_explained():
    explanation = explain_text("5.1.1")
    assert explanation.code is None and explanation.enhanced == "5.1.1"
    assert explanation.category == "recipient-unknown"


def test_the_text_wins_over_the_registry():
    # Gmail uses 4.7.27 for SPF; the registry says "sender has null MX".
    explanation = explain_text(
        "421-4.7.27 Your email has been rate limited because SPF authentication didn't pass"
    )
    assert explanation.category == "authentication"


def test_positive_replies_are_accepted():
    assert explain_text("250 2.1.5 Ok").category == "accepted"


def test_json_shape_is_the_contract():
    data = explain_text("550 5.1.1 nope").as_json()
    assert set(data) == {
        "code",
        "enhanced",
        "category",
        "side",
        "meaning",
        "next_steps",
        "rule",
        "provider",
    }
    assert isinstance(data["next_steps"], list)
    assert data["rule"] == "enhanced-code" and data["provider"] is None


def test_json_names_the_rule_and_provider_that_decided():
    data = explain_text("550 5.7.606 Access denied, banned sending IP [192.0.2.1].").as_json()
    assert data["rule"] == "ms-banned-sending-ip"
    assert data["provider"] == "Microsoft 365"
    assert json.loads(json.dumps(data)) == data


def test_ehlo_keywords_are_explained_with_size_in_mb():
    lines = explain_keywords(
        {"SIZE": "10485760", "STARTTLS": "", "AUTH": "PLAIN LOGIN", "XFOO": ""}
    )
    assert lines[0] == "SIZE: The largest message accepted is 10.5 MB."
    assert "STARTTLS" in lines[1]
    assert "PLAIN LOGIN" in lines[2]
    assert "private" in lines[3]


def test_a_success_with_a_generic_enhanced_code_reads_as_success():
    explanation = explain_text("250 2.0.0 Ok: queued as 4A1B2C")
    assert explanation.category == "accepted"
    assert explanation.meaning == "OK: the command was accepted."
    assert explain_text("250 2.1.5 Recipient OK").meaning == "The recipient's address is valid."

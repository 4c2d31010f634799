"""The long tail of wordings: sender refusals, unreachable servers, restricted recipients, and the
provider and MTA texts learned in round four of issue 11.

Written for this test from typical replies (not copied from any corpus).
"""

import pytest

from smtp_tui.core.explain import explain_text

# (reply line, category, side)
WORDINGS = [
    # The envelope sender refused, in the words of qmail, Sendmail and callout checks.
    (
        "553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)",
        "sender-rejected",
        "yours",
    ),
    ("501 bogus mail from", "sender-rejected", "yours"),
    (
        "550 Postmaster verification failed while checking <a@example.org>",
        "sender-rejected",
        "yours",
    ),
    ("550 Sender address verification failed", "sender-rejected", "yours"),
    ("551 5.7.1 Not authorised to send from this header address", "sender-rejected", "yours"),
    ("550 5.7.1 Sender address is not authorized for this domain", "sender-rejected", "yours"),
    ("550 5.7.1 Rejected by policy: sender domain has no MX", "sender-rejected", "yours"),
    ("550 5.7.1 Spoofed sender", "sender-rejected", "yours"),
    # The receiving gateway cannot reach the server behind it.
    ("451 Can't connect to mail.example.org - gateway", "server-unavailable", "theirs"),
    ("451 4.4.0 Unable to connect to the downstream server", "server-unavailable", "theirs"),
    ("450 4.4.1 Host not reachable", "server-unavailable", "theirs"),
    ("451 This server is currently unavailable, please try later", "server-unavailable", "theirs"),
    ("421 4.3.2 All screening ports are busy", "server-unavailable", "theirs"),
    # A recipient that takes mail only from some senders: their configuration.
    ("550 5.7.1 This mailbox only accepts mail from internal senders", "other", "theirs"),
    ("550 5.7.1 Only members of the group may post", "other", "theirs"),
    ("550 5.7.1 Message rejected: sender not whitelisted", "other", "theirs"),
    # Relaying, TLS, attachments, size and volume in words no table had.
    ("550 5.7.1 Mail for this domain is not accepted here", "relay-denied", "unclear"),
    ("421 4.7.66 TLS 1.0 and 1.1 are not supported", "tls-required", "yours"),
    ("554 5.7.1 Message blocked due to attachment type", "content-policy", "yours"),
    ("554 5.7.1 Rejected: this looks like phishing", "content-policy", "yours"),
    ("550 5.7.0 Message Size Violation", "other", "yours"),
    ("451 Authentication failed: Maximum credits exceeded", "rate-limited", "yours"),
    ("553 Mail data refused by the filter, rule [1]", "content-policy", "yours"),
    ("554 Mail from your IP has been temporarily suspended", "sender-ip-blocked", "yours"),
    ("550 5.7.1 The sender is on the recipient's block list", "sender-rejected", "yours"),
    ("550 5.7.1 The recipient has chosen not to receive mail from you", "sender-rejected", "yours"),
    # SPF, reverse DNS, bulk, links, TLS and line endings in other words.
    ("550 5.7.1 IP address is not authorized to send for this domain", "authentication", "yours"),
    ("550 Your mail server's hostname does not match its IP", "reverse-dns", "yours"),
    ("550 5.7.1 Your message was rejected as it was identified as bulk", "content-policy", "yours"),
    ("550 5.7.1 Message contains a blocked URL", "content-policy", "yours"),
    ("554 5.7.1 Your sending server does not support TLS", "tls-required", "yours"),
    ("550 5.6.0 Lone CR or LF in body", "content-policy", "yours"),
    # Where the sending IP is, and mailboxes that take no mail.
    ("550 5.7.1 We do not accept mail from your country", "sender-ip-blocked", "yours"),
    ("550 5.7.1 Mail from this region is blocked", "sender-ip-blocked", "yours"),
    ("550 5.7.1 This email address is not accepting mail", "mailbox-disabled", "theirs"),
    (
        "550 5.7.1 Recipient domain is not configured to receive mail here",
        "relay-denied",
        "unclear",
    ),
    ("554 5.3.2 Sorry, we do not accept connections from your IP", "sender-ip-blocked", "yours"),
    ("550 5.7.0 Sender address does not belong to logged in user", "sender-rejected", "yours"),
    ("553 5.7.1 Policy analysis reported: Your address is not liked", "sender-rejected", "yours"),
]


@pytest.mark.parametrize(("text", "category", "side"), WORDINGS)
def test_a_tail_wording_is_classified(text, category, side):
    explanation = explain_text(text)
    assert (str(explanation.category), str(explanation.side)) == (category, side), text


# (reply line, category, side, rule): texts a provider or an MTA writes in its own way.
PROVIDER_TEXTS = [
    (
        "421 Message from (192.0.2.1) temporarily deferred - 4.16.50. Please refer to "
        "http://help.yahoo.com/help/us/mail/defer/defer-06.html",
        "rate-limited",
        "yours",
        "yahoo-legacy-deferral",
    ),
    (
        "421 4.7.0 [GL01] Message from (192.0.2.1) temporaily deferred",
        "rate-limited",
        "yours",
        "yahoo-legacy-deferral",
    ),
    (
        "421 4.7.1 : (DYN:T1) http://postmaster.info.aol.com/errors/421dynt1.html",
        "sender-ip-blocked",
        "yours",
        "aol-dyn-dynamic",
    ),
    ("451 See http://pobox.com/~djb/docs/smtplf.html.", "syntax", "yours", "qmail-bare-lf"),
    ("451 timeout (#4.4.2)", "other", "yours", "qmail-smtpd-timeout"),
    (
        "550 5.7.1 <a@example.net>: Recipient address rejected: Address uses MX in private "
        "address space (10.0.0.0/8)",
        "other",
        "theirs",
        "postfix-mx-bogus-recipient",
    ),
    (
        "554 5.7.1 <a@example.org>: Sender address rejected: Address uses MX in loopback "
        "address space (127.0.0.0/8)",
        "sender-rejected",
        "yours",
        "postfix-mx-bogus-sender",
    ),
    (
        "550 5.7.1 Service unavailable, MailFrom domain is listed in Spamhaus (S8002)",
        "sender-rejected",
        "yours",
        "spamhaus-sender-domain",
    ),
]


@pytest.mark.parametrize(("text", "category", "side", "rule"), PROVIDER_TEXTS)
def test_a_provider_or_mta_text_decides_by_its_own_rule(text, category, side, rule):
    explanation = explain_text(text)
    assert (str(explanation.category), str(explanation.side), explanation.rule) == (
        category,
        side,
        rule,
    )

"""Rounds seven to nine of issue 11: the mechanisms added after blind batches of real replies.

The texts below are written for these tests (they are not lines of the corpus): each shows one
wording family or precedence rule, with the category and side the explainer must give, and the
family (and words) that must decide it, so a test fails when its pattern goes, even if another
rule or the learned words would still guess right.
"""

import pytest

from smtp_tui.core.explain import explain_text
from tests.core.explain_reading import assert_read_as

ROUND_SEVEN = [
    # A lookup link is weak: a cause the reply states beats it ...
    (
        "552 Mailbox quota exceeded. See http://postmaster.example.net/errors?ip=192.0.2.7",
        "mailbox-full",
        "theirs",
        'mailbox full ("quota exceeded")',
    ),
    # ... and it still speaks for a reply that says nothing else.
    (
        "550 Refused. See http://lookup.example.net/check?ip=192.0.2.7",
        "sender-ip-blocked",
        "yours",
        "block-list lookup link",
    ),
    # Relaying refused until the client logs in: the login is what must change.
    (
        "550 You are not permitted to relay through this server without authentication",
        "authentication",
        "yours",
        "relaying-needs-login",
    ),
    ("554 Relay access denied", "relay-denied", "unclear", "Relay access denied"),
    # AUTH tried where the server offers none.
    (
        "503 5.5.1 Authentication is not enabled on this port",
        "authentication",
        "yours",
        'SMTP login ("Authentication is not enabled")',
    ),
    # Connecting too often.
    (
        "421 Too frequent connects from your host, come back later",
        "rate-limited",
        "yours",
        'rate or volume ("Too frequent")',
    ),
    # A recipient, named by address, over its own receiving rate: their side's limit.
    (
        "451 The recipient <bob@example.org> has exceeded their message rate limit",
        "rate-limited",
        "theirs",
        "recipient receiving too fast",
    ),
]

ROUND_EIGHT = [
    # The receiving system's own trouble.
    (
        "451 4.4.0 Could not finish: DNS resolving error",
        "server-unavailable",
        "theirs",
        'server trouble ("DNS resolving error")',
    ),
    (
        "421 mx.example.org shutting down, come back soon",
        "server-unavailable",
        "theirs",
        'server trouble ("shutting down")',
    ),
    (
        "451 4.3.0 Local I/O error, try again",
        "server-unavailable",
        "theirs",
        'server trouble ("I/O error")',
    ),
    (
        "552 Mailbox limit exceeded for this address",
        "mailbox-full",
        "theirs",
        'mailbox full ("Mailbox limit exceeded")',
    ),
    # A host blocked because it may be a bot is the sending host, not a virus in a message.
    (
        "554 Client host [192.0.2.9] blocked, you may be infected",
        "sender-ip-blocked",
        "yours",
        "blocked IP",
    ),
    (
        "554 Message refused: infected attachment",
        "content-policy",
        "yours",
        'virus or attachment ("infected")',
    ),
    (
        "550 This attachment may be infected",
        "content-policy",
        "yours",
        'virus or attachment ("infected")',
    ),
    # The sender and its domain.
    ("550 Illegal sender address", "sender-rejected", "yours", '("Illegal sender")'),
    (
        "554 Rejected for the poor reputation of a domain used in the transfer",
        "sender-rejected",
        "yours",
        'domain reputation ("reputation of a domain")',
    ),
    (
        "553 Sensitive words found in the message",
        "content-policy",
        "yours",
        '("Sensitive words")',
    ),
    ("550 Retransmissão negada", "relay-denied", "unclear", '("Retransmissão negada")'),
]

ROUND_NINE = [
    # A submission server's "the From is not yours".
    (
        "550 5.7.0 The From address is not one of your verified addresses",
        "sender-rejected",
        "yours",
        'sender refused ("From address is not one of your")',
    ),
    (
        "553 5.7.1 MAIL FROM must match the authorized user",
        "sender-rejected",
        "yours",
        'sender refused ("MAIL FROM must match")',
    ),
    # A webmail provider's outbound filter: over its quota, or spam.
    (
        "554 5.2.0 Submission failed: OutboundSpamException, verdict RefuseQuota",
        "rate-limited",
        "yours",
        'rate or volume ("RefuseQuota")',
    ),
    (
        "554 5.2.0 Submission failed: OutboundSpamException, verdict HipNotify",
        "content-policy",
        "yours",
        'spam or policy ("OutboundSpam")',
    ),
]


@pytest.mark.parametrize(
    ("text", "category", "side", "decided"), ROUND_SEVEN + ROUND_EIGHT + ROUND_NINE
)
def test_round_seven_to_nine_wordings_are_read(
    text: str, category: str, side: str, decided: str
) -> None:
    assert_read_as(text, category, side, decided)


@pytest.mark.parametrize(
    "text", ["550 5.1.5", "501 5.1.5 Recipient address reserved", "553 5.1.5 <a@b.example>"]
)
def test_a_success_detail_in_a_refusal_never_reads_as_accepted(text: str) -> None:
    """RFC 3463's X.1.5 ("destination address valid") is written for successes: in a refusal
    it is shown with the codes' meanings but decides nothing."""
    got = explain_text(text)
    assert str(got.category) != "accepted"
    assert any(detail.startswith("5.1.5") for detail in got.details)

"""Rounds seven and eight of issue 11: the mechanisms added after blind batches of real replies.

The texts below are written for these tests (they are not lines of the corpus): each shows one
wording family or precedence rule, with the category and side the explainer must give.
"""

import pytest

from smtp_tui.core.explain import explain_text

READINGS = [
    # A lookup link is weak: a cause the reply states beats it.
    (
        "552 Mailbox quota exceeded. See http://postmaster.example.net/errors?ip=192.0.2.7",
        "mailbox-full",
        "theirs",
    ),
    # ... and it still speaks for a reply that says nothing else.
    ("550 Refused. See http://lookup.example.net/check?ip=192.0.2.7", "sender-ip-blocked", "yours"),
    ("550 See https://www.example.org/blocklist/lookup", "sender-ip-blocked", "yours"),
    # Relaying refused until the client logs in: the login is what must change.
    (
        "550 Relaying through this host is refused without authentication, turn on SMTP AUTH",
        "authentication",
        "yours",
    ),
    ("554 Relay access denied", "relay-denied", "unclear"),
    # AUTH tried where the server offers none.
    ("503 5.5.1 Authentication is not enabled on this port", "authentication", "yours"),
    # Connecting too often.
    ("421 Too frequent connects from your host, come back later", "rate-limited", "yours"),
    # A recipient, named by address, over its own receiving rate: their side's limit.
    (
        "451 The recipient <bob@example.org> has exceeded their message rate limit",
        "rate-limited",
        "theirs",
    ),
]

ROUND_EIGHT = [
    # The receiving system's own trouble.
    ("451 4.4.0 Could not finish: DNS resolving error", "server-unavailable", "theirs"),
    ("421 mx.example.org shutting down, come back soon", "server-unavailable", "theirs"),
    ("451 4.3.0 Local I/O error, try again", "server-unavailable", "theirs"),
    ("552 Mailbox limit exceeded for this address", "mailbox-full", "theirs"),
    # A host that is blocked because it may be a bot is the sending host, not a virus in a message.
    ("554 Client host [192.0.2.9] blocked, you may be infected", "sender-ip-blocked", "yours"),
    ("554 Message refused: infected attachment", "content-policy", "yours"),
    # The sender and its domain.
    ("550 Illegal sender address", "sender-rejected", "yours"),
    (
        "554 Rejected for the poor reputation of a domain used in the transfer",
        "sender-rejected",
        "yours",
    ),
    ("553 Sensitive words found in the message", "content-policy", "yours"),
    ("550 Retransmissão negada", "relay-denied", "unclear"),
]


@pytest.mark.parametrize(("text", "category", "side"), READINGS + ROUND_EIGHT)
def test_round_seven_wordings_are_read(text: str, category: str, side: str) -> None:
    got = explain_text(text)
    assert (str(got.category), str(got.side)) == (category, side), got.decided_by

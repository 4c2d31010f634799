"""Round six of issue 11: the mechanisms added after a blind batch of real replies.

The texts below are written for these tests (they are not lines of the corpus): each shows one
wording family or precedence rule, with the category and side the explainer must give.
"""

import pytest

from smtp_tui.core.explain import explain_text
from smtp_tui.core.explain_kinds import Side
from smtp_tui.core.explain_subject import subject_side

# Servers that reuse reply codes outside their RFC meaning (502, 504, 510, 556 ...): the words
# decide, not the code's own meaning.
WORDS_OVER_REUSED_CODES = [
    ("556 The number of recipients is over the limit", "rate-limited", "yours"),
    ("504 The count of RCPT attempts reached the maximum threshold", "rate-limited", "yours"),
    ("510 The length of the message body is achieved the maximum threshold", "other", "yours"),
    ("530 5.7.0 No AUTH command was given before MAIL", "authentication", "yours"),
    ("524 Host not found when resolving the domain", "recipient-unknown", "theirs"),
    ("427 Could not connect: unreachable host", "server-unavailable", "theirs"),
]

# A count of messages in a mailbox is the mailbox being full, not a sending rate.
MAILBOX_COUNTS = [
    ("552 The number of messages in the mailbox exceeds its limit", "mailbox-full", "theirs"),
]

# Sizes said in other words than "message too large".
SIZES = [
    ("552 Attachment too large for this server", "other", "yours"),
    ("552 5.3.4 Message exceeds the maximum fixed size", "other", "yours"),
    ("554 File too big", "other", "yours"),
]

# Contracted negations and an address as the subject of its own state.
RECIPIENT_STATES = [
    ("550 That address isn't a valid mailbox here", "recipient-unknown", "theirs"),
    ("550 RCPT account wasn't a known user", "recipient-unknown", "theirs"),
    ("550 <someone@example.org> is now suspended", "mailbox-disabled", "theirs"),
    ("550 <someone@example.org> has been deactivated", "mailbox-disabled", "theirs"),
    ("550 Host or domain name not found", "recipient-unknown", "theirs"),
]

# Content wordings: attachments, mass mailers, guidelines, links on a list.
CONTENT = [
    ("550 Refused: disallowed attachment type", "content-policy", "yours"),
    ("554 Message refused: bad file extension", "content-policy", "yours"),
    ("550 5.7.1 Rejected: sent with a mass mailer", "content-policy", "yours"),
    ("552 5.7.0 This message violates our content guidelines", "content-policy", "yours"),
    ("554 5.7.1 A link in the message is on a blocklist", "content-policy", "yours"),
    ("554 5.7.1 URL is on our block list", "content-policy", "yours"),
]

# The sending side: its IP, its domain, its sender address.
SENDING_SIDE = [
    ("550 5.7.1 Too much spam coming from this IP", "sender-ip-blocked", "yours"),
    ("550 5.7.1 Unauthorized sender address", "sender-rejected", "yours"),
    ("550 Mail from your domain is not accepted here", "sender-rejected", "yours"),
    ("554 Your sending domain has been blocked", "sender-rejected", "yours"),
    ("550 Your domain has no MX record", "sender-rejected", "yours"),
    ("553 Domain name required for sender address", "syntax", "yours"),  # settled rule 6
    ("501 5.5.2 HELO requires a valid hostname", "helo-rejected", "yours"),
    (
        "450 4.7.1 Recipient address rejected: policy rejection, not logged in",
        "authentication",
        "yours",
    ),
    # A call-back that could not finish: the sender's domain or the checking server may be at fault.
    ("451 Could not complete sender verify callout", "sender-rejected", "unclear"),
]

# The receiving side's own state and configuration.
RECEIVING_SIDE = [
    ("550 Sender not in whitelist for this recipient", "other", "theirs"),
    ("450 4.7.1 Please retry in 120 seconds", "greylisted", "theirs"),
    ("451 qq read error (#4.3.0)", "server-unavailable", "theirs"),
]

# Words in other languages.
LANGUAGES = [
    ("421 Servidor ocupado, inténtelo de nuevo más tarde", "server-unavailable", "theirs"),
    ("451 Serveur temporairement indisponible", "server-unavailable", "theirs"),
    ("550 Empfaenger unbekannt", "recipient-unknown", "theirs"),
    ("550 Unbekannter Empfaenger", "recipient-unknown", "theirs"),
    ("550 Absenderadresse ungueltig", "sender-rejected", "yours"),
    ("554 Absender gesperrt", "sender-rejected", "yours"),
    ("550 Destinatario não encontrado neste servidor", "recipient-unknown", "theirs"),
    ("550 無効なメールアドレスです", "recipient-unknown", "theirs"),
]

# Alibaba Mail's own replies (chinese.toml names the documents they were learned from).
ALIBABA = [
    ("502 Mailfrom account is a local account", "authentication", "yours"),
    ("503 Rcptto account is not a local account", "recipient-unknown", "theirs"),
]

ALL = (
    WORDS_OVER_REUSED_CODES
    + MAILBOX_COUNTS
    + SIZES
    + RECIPIENT_STATES
    + CONTENT
    + SENDING_SIDE
    + RECEIVING_SIDE
    + LANGUAGES
    + ALIBABA
)


@pytest.mark.parametrize(("text", "category", "side"), ALL)
def test_round_six_wordings_are_read(text: str, category: str, side: str) -> None:
    got = explain_text(text)
    assert (str(got.category), str(got.side)) == (category, side), got.decided_by


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("550 ip in the penalty box", Side.YOURS),
        ("553 policy matched for IP address [192.0.2.1]", Side.YOURS),
        ("550 IPv6 address refused", Side.YOURS),
        ("550 recipient ip mismatch", None),  # names both sides: settles nothing
    ],
)
def test_an_ip_named_in_a_reply_is_the_sending_host(text: str, side: Side | None) -> None:
    assert subject_side(text) is side


def test_an_ip_gives_the_side_when_only_a_generic_code_spoke() -> None:
    got = explain_text("550 ip in the penalty box")
    assert (str(got.category), str(got.side)) == ("other", "yours")

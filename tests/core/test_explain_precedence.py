"""Which part of a reply decides, and how a pasted line is read.

Precedence: a provider's own text > a generic text > strong keywords > the enhanced code > weak
keywords > the basic code > a broad phrase > generic codes; generic codes and broad phrases never
decide alone when the text says more. The texts here are written for these tests.
"""

import pytest

from smtp_tui.core.explain import (
    MAX_EXPLAINED_CHARS,
    Category,
    DecidedBy,
    Side,
    explain,
    explain_reply,
    explain_text,
)
from smtp_tui.core.explain_line import parse_pasted
from smtp_tui.core.replies import Reply

# (what the case shows, text, category, side, what decided)
PRECEDENCE = [
    (
        "a provider text beats a generic phrase in the same line",
        "550 5.7.606 Access denied, banned sending IP [192.0.2.1]; user unknown",
        "sender-ip-blocked",
        "yours",
        DecidedBy.PROVIDER_TEXT,
    ),
    (
        "a provider text beats the registry's meaning of a reused code (4.7.27 is SPF at Gmail)",
        "421-4.7.27 Your email has been rate limited because SPF authentication didn't pass",
        "authentication",
        "yours",
        DecidedBy.PROVIDER_TEXT,
    ),
    (
        "a generic text beats keywords",
        "550 5.1.1 <a@example.com>: Recipient address rejected: User unknown in virtual"
        " alias table (spam folder full)",
        "recipient-unknown",
        "theirs",
        DecidedBy.KNOWN_TEXT,
    ),
    (
        "a strong keyword beats the enhanced code",
        "550 5.1.1 Your message looks like spam to us",
        "content-policy",
        "yours",
        DecidedBy.KEYWORDS,
    ),
    (
        "the enhanced code beats a weak keyword",
        "452 4.2.2 server busy",
        "mailbox-full",
        "theirs",
        DecidedBy.ENHANCED_CODE,
    ),
    (
        "the enhanced code beats the basic code",
        "552 5.2.2 nope",
        "mailbox-full",
        "theirs",
        DecidedBy.ENHANCED_CODE,
    ),
    (
        "Postfix's 'Recipient address rejected:' does not decide when the words after it speak",
        "550 5.7.1 <a@example.com>: Recipient address rejected: Virus found in attachment",
        "content-policy",
        "yours",
        DecidedBy.KEYWORDS,
    ),
    (
        "a broad phrase decides when it is all there is",
        "550 <a@example.com>: Recipient address rejected.",
        "recipient-unknown",
        "theirs",
        DecidedBy.BROAD_PHRASE,
    ),
    (
        "Microsoft's AS(...) id does not overrule the text in front of it",
        "550 5.7.606 Access denied, banned sending IP [192.0.2.1]. (AS16012609)",
        "sender-ip-blocked",
        "yours",
        DecidedBy.PROVIDER_TEXT,
    ),
    (
        "5.2.0 does not decide alone when the text says more",
        "550 5.2.0 Something the tables do not know happened here",
        "other",
        "unclear",
        DecidedBy.ENHANCED_CODE,
    ),
    (
        "words that say when, not why, are no cause the words may read",
        "451 Temporary failure, please try again later.",
        "other",
        "unclear",
        DecidedBy.BASIC_CODE,
    ),
    (
        "5.2.0 does not decide alone, in words nobody knows",
        # Words neither the tables nor the learned words know (explain_words).
        "550 5.2.0 Xyzzy plugh frobnicated the quux",
        "other",
        "unclear",
        DecidedBy.ENHANCED_CODE,
    ),
    (
        "5.5.0 does not decide alone when the text says more",
        "550 5.5.0 Mailbox frozen, see the help page",
        "mailbox-disabled",
        "theirs",
        DecidedBy.KEYWORDS,
    ),
    (
        "551 and 552 alone still say what they mean",
        "552",
        "mailbox-full",
        "theirs",
        DecidedBy.BASIC_CODE,
    ),
    (
        "a specific basic code decides when nothing else speaks",
        "535 zzz",
        "authentication",
        "yours",
        DecidedBy.BASIC_CODE,
    ),
    (
        "keywords decide in a language the tables know only as words",
        "550 Le compte du destinataire est desactive",
        "mailbox-disabled",
        "theirs",
        DecidedBy.KEYWORDS,
    ),
    (
        "German quota wording",
        "452 Postfach des Empfaengers ist voll",
        "mailbox-full",
        "theirs",
        DecidedBy.KEYWORDS,
    ),
    (
        "Russian 'no such user'",
        "550 Пользователь не существует",
        "recipient-unknown",
        "theirs",
        DecidedBy.PROVIDER_TEXT,
    ),
    (
        "reverse DNS wording without a code table entry",
        "450 Your IP has no PTR, go away",
        "reverse-dns",
        "yours",
        DecidedBy.KEYWORDS,
    ),
    (
        "relay denied is unclear: wrong MX or a misrouted send",
        "554 5.7.1 <a@example.org>: Relay access denied",
        "relay-denied",
        "unclear",
        DecidedBy.KNOWN_TEXT,
    ),
    (
        "greylisting is theirs",
        "451 4.7.1 Greylisted, please try again in 5 minutes",
        "greylisted",
        "theirs",
        DecidedBy.KEYWORDS,
    ),
    (
        "a recipient's null MX is theirs",
        "556 5.1.10 <a@nomail.example>: Domain nomail.example does not accept mail (nullMX)",
        "null-mx",
        "theirs",
        DecidedBy.KNOWN_TEXT,
    ),
    (
        "Postfix's 'Recipient address rejected:' says nothing when a reason follows it "
        "(the tag's own noun, RCPT, still says whose side: round five)",
        "554 5.7.1 <a@example.org>: Recipient address rejected: BLOCK-RCPT.",
        "other",
        "theirs",
        DecidedBy.ENHANCED_CODE,
    ),
    (
        "Postfix's 'Recipient address rejected' alone is still the broad phrase",
        "550 <a@example.org>: Recipient address rejected.",
        "recipient-unknown",
        "theirs",
        DecidedBy.BROAD_PHRASE,
    ),
    (
        "a keyword beats the standard's wording of the code ('closing transmission channel')",
        "421 Too many connections from your IP, closing transmission channel",
        "rate-limited",
        "yours",
        DecidedBy.KEYWORDS,
    ),
    (
        "the standard's wording of a code still speaks when nothing else does",
        "421 mx.example.org closing transmission channel",
        "server-unavailable",
        "theirs",
        DecidedBy.BROAD_PHRASE,
    ),
    (
        "a provider's whole sentence beats its URL-only entry in the same reply",
        "421 4.7.0 [TSS04] Messages from 192.0.2.7 temporarily deferred due to unexpected volume"
        " or user complaints - 4.16.55.1; see https://postmaster.verizonmedia.com/error-codes",
        "rate-limited",
        "yours",
        DecidedBy.PROVIDER_TEXT,
    ),
    (
        "the cause beats the effect: rate limited because the mail was not sent over TLS",
        "421 4.7.29 Your email has been rate limited because you're not using a TLS connection",
        "tls-required",
        "yours",
        DecidedBy.PROVIDER_TEXT,
    ),
    (
        "a HELO name on a block list is about HELO, not the IP",
        "550 5.7.1 Service unavailable, Helo domain is listed in a block list",
        "helo-rejected",
        "yours",
        DecidedBy.KEYWORDS,
    ),
    (
        "a client timeout is the sender's, a server timeout the receiver's",
        "451 4.4.2 Timeout waiting for client input",
        "other",
        "yours",
        DecidedBy.KEYWORDS,
    ),
    (
        "a sender verification failure beats the unroutable address it found",
        "550 Verification failed for <a@example.org> Unrouteable address Sender verify failed",
        "sender-rejected",
        "yours",
        DecidedBy.KNOWN_TEXT,
    ),
    (
        "a failed sender callout beats cPanel's guess that the account may not exist",
        "550 Verification failed for <a@example.org> The mail server could not deliver mail to"
        " <a@example.org>. The account or domain may not exist, they may be blacklisted, or"
        " missing the proper dns entries. Sender verify failed",
        "sender-rejected",
        "yours",
        DecidedBy.KNOWN_TEXT,
    ),
    (
        "greylisting said in words beats the block list it is dressed as",
        "421 4.7.1 Service unavailable; Client host [192.0.2.7] blocked using grey.rbl -"
        " Greylisting in action, please try again later",
        "greylisted",
        "theirs",
        DecidedBy.KNOWN_TEXT,
    ),
    (
        "a list that refused the receiver's own DNS query is not a listing",
        "554 5.7.1 Service unavailable; Client host [mx.example.com] blocked using"
        " multi.uribl.com; 127.0.0.1 -> Query Refused. See http://uribl.com/refused.shtml",
        "other",
        "theirs",
        DecidedBy.PROVIDER_TEXT,
    ),
    (
        "Microsoft's 5.7.511 banned sender with an IP bans the IP, not an account",
        "550 5.7.511 Access denied, banned sender[192.0.2.7]. To request removal from this"
        " list please forward this message to delist@microsoft.com.",
        "sender-ip-blocked",
        "yours",
        DecidedBy.PROVIDER_TEXT,
    ),
    (
        "Gmail's block beats the rate wording it shares with the 4.7.28 rate limit",
        "550 5.7.1 Our system has detected an unusual rate of unsolicited mail originating"
        " from your IP address. To protect our users from spam, mail sent from your IP address"
        " has been blocked. https://support.google.com/mail/?p=UnsolicitedIPError",
        "sender-ip-blocked",
        "yours",
        DecidedBy.PROVIDER_TEXT,
    ),
    (
        "an account-level relay refusal of the From domain is the sender's, not a relay",
        "553 Relaying disallowed as <noreply@example.com>.",
        "sender-rejected",
        "yours",
        DecidedBy.PROVIDER_TEXT,
    ),
]


@pytest.mark.parametrize(
    ("text", "category", "side", "by"),
    [case[1:] for case in PRECEDENCE],
    ids=[case[0] for case in PRECEDENCE],
)
def test_the_most_specific_evidence_decides(text, category, side, by):
    explanation = explain_text(text)
    assert (explanation.category, explanation.side) == (category, side), explanation.decided_by
    assert explanation.decision.by is by, explanation.decided_by


@pytest.mark.parametrize(
    "text",
    [
        "250 2.0.0 Ok: queued as 4A1B2C",
        "250 2.1.5 Recipient OK",
        "221 2.0.0 Bye",
        "354 End data with <CR><LF>.<CR><LF>",
        "2.1.5",
        "250 2.0.0 Ok, but your spam folder is full and the user is unknown",
    ],
)
def test_any_success_is_accepted_and_unclear(text):
    explanation = explain_text(text)
    assert (explanation.category, explanation.side) == (Category.ACCEPTED, Side.UNCLEAR)


# (pasted line, code, enhanced, category)
PASTED = [
    (
        "Diagnostic-Code: smtp; 550 5.1.1 <a@example.com>... User unknown",
        550,
        "5.1.1",
        "recipient-unknown",
    ),
    (
        "<a@example.com>: host mx.example.com[192.0.2.1] said: 552 5.3.4 Message size exceeds"
        " fixed limit (in reply to end of DATA command)",
        552,
        "5.3.4",
        "other",
    ),
    (
        "Remote Server returned '550 5.7.606 Access denied, banned sending IP [192.0.2.1].'",
        550,
        "5.7.606",
        "sender-ip-blocked",
    ),
    (
        "550-5.7.1 [192.0.2.1] Our system has detected that this message is\n"
        "550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,\n"
        "550 5.7.1 this message has been blocked.",
        550,
        "5.7.1",
        "content-policy",
    ),
    ('"451 4.7.1 Greylisting in action, please come back later"', 451, "4.7.1", "greylisted"),
    ("550 #5.1.0 Address rejected.", 550, "5.1.0", "recipient-unknown"),
    (
        "550 sorry, no mailbox here by that name (#5.1.1 - chkusr)",
        550,
        "5.1.1",
        "recipient-unknown",
    ),
    (
        "Yahoo said 421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred",
        421,
        "4.7.0",
        "rate-limited",
    ),
    ("5.7.26", None, "5.7.26", "authentication"),
    ("550", 550, None, "other"),
    ("no code at all, just user unknown", None, None, "recipient-unknown"),
]


@pytest.mark.parametrize(("text", "code", "enhanced", "category"), PASTED)
def test_the_codes_are_found_anywhere_in_a_pasted_line(text, code, enhanced, category):
    explanation = explain_text(text)
    assert (explanation.code, explanation.enhanced) == (code, enhanced)
    assert explanation.category == category, explanation.decided_by


def test_the_wrapper_of_the_bouncing_software_is_not_evidence():
    pasted = parse_pasted("550 5.1.1 User unknown (in reply to RCPT TO command)")
    assert "in reply to" not in pasted.text
    assert pasted.text == "550 5.1.1 User unknown"


def test_a_four_part_version_number_is_not_an_enhanced_code():
    assert parse_pasted("421 [TSS04] deferred - 4.16.55.1").enhanced is None


def test_each_code_keeps_its_own_meaning_when_a_text_decides():
    explanation = explain_text("550 5.7.606 Access denied, banned sending IP [192.0.2.1].")
    assert explanation.details[0].startswith("550: ")
    assert explanation.details[1].startswith("5.7.606: ")


def test_the_text_says_who_decided_in_one_line():
    text = explain_text("552 5.2.2 nope").as_text()
    decided = [line for line in text.splitlines() if line.startswith("Decided by: ")]
    assert decided == ["Decided by: enhanced code 5.2.2"]


def test_only_a_bounded_prefix_is_read():
    tail = " but the user is unknown" * 10
    padded = "550 5.7.1 " + "x" * MAX_EXPLAINED_CHARS + tail
    assert explain_text(padded).category is Category.OTHER
    assert explain_text("550 5.7.1 " + tail).category is Category.RECIPIENT_UNKNOWN


def test_a_huge_reply_from_the_wire_is_explained_from_its_start():
    lines = tuple(["5.7.1 Message rejected as spam"] + ["x" * 4000] * 4000)
    explanation = explain_reply(Reply(550, lines, b"", multiline=True, enhanced="5.7.1"))
    assert explanation.category is Category.CONTENT_POLICY


def test_explain_takes_codes_and_text_separately():
    explanation = explain(550, None, "5.1.1 <a@example.com>: User unknown")
    assert explanation.enhanced == "5.1.1"
    assert explanation.category is Category.RECIPIENT_UNKNOWN

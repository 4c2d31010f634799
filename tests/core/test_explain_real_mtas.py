"""What real MTAs answer by default, read as an admin would read it.

The replies below are the words Debian bookworm's own packages sent on loopback (stop 15):
Exim 4.96 with Debian's exim4-config (as a daemon, and with ``exim4 -bh CLIENT-IP`` for a client
its block list names), OpenSMTPD 6.8.0p2, Postfix 3.7.11 and Sendmail 8.17.1.9, driven through
the refusals a guided run meets (``benchmarks/real_mtas.py``) and by hand through the checks
admins add (access maps, local block lists). Addresses and names are the test's; the words are
the servers'. A row marked "was" read otherwise before this stop.
"""

import pytest

from smtp_tui.core.explain import explain, explain_reply, explain_text
from smtp_tui.core.explain_kinds import Stage
from smtp_tui.core.replies import Reply, ReplyParser
from tests.core.explain_reading import assert_read_as

EXIM = [
    ("550 Unrouteable address", "recipient-unknown", "theirs", "exim-unrouteable"),
    ("550 relay not permitted", "relay-denied", "unclear", "exim-relay-not-permitted"),
    # Was "Baruwa text": these are Exim's and Debian's default words, which Baruwa reuses.
    ("550 restricted characters in address", "syntax", "yours", "exim-restricted-characters"),
    (
        "550-Verification failed for <nobody@example.test>\n550-Unrouteable address\n"
        "550 Sender verification failed",
        "sender-rejected",
        "yours",
        "exim-sender-verify",
    ),
    # Was the sending IP: the address form is the sender's, the IP form the host's.
    (
        "550-sender envelope address spammer@example.org is locally blacklisted here. If\n"
        "550 you think this is wrong, get in touch with postmaster",
        "sender-rejected",
        "yours",
        "exim-local-blacklist",
    ),
    (
        "550-sender IP address 192.0.2.9 is locally blacklisted here. If you think this\n"
        "550 is wrong, get in touch with postmaster",
        "sender-ip-blocked",
        "yours",
        "exim-local-host-blacklist",
    ),
    # Was the message's format ("malformed"): an address Exim could not parse is syntax.
    ("501 <a@>: domain missing or malformed", "syntax", "yours", "address syntax"),
    (
        '501 a b c: missing or malformed local part (expected word or "<")',
        "syntax",
        "yours",
        "address syntax",
    ),
    (
        "501 <a@example.org> FOO=BAR: malformed address: FOO=BAR may not follow <a@example.org>",
        "syntax",
        "yours",
        "address syntax",
    ),
    # Was "other": a MAIL FROM parameter's value it does not take.
    ("501 invalid data for BODY", "syntax", "yours", "command syntax"),
    # Was "other": RFC 5322's 998-character line limit is the message's format.
    (
        "550 maximum allowed line length is 998 octets, got 1200",
        "content-policy",
        "yours",
        "message format",
    ),
    # Was "yours": Exim's words for a refusal whose rule gives no reason name no side.
    ("550 Administrative prohibition", "other", "unclear", "exim-administrative-prohibition"),
    ("501 Syntactically invalid EHLO argument(s)", "helo-rejected", "yours", "HELO"),
    ("503 AUTH command used when not advertised", "syntax", "yours", "protocol order"),
    ("503 sender not yet given", "syntax", "yours", "503"),
    # Was a HELO refused: MAIL before any accepted HELO is a step skipped, as Postfix's "send
    # HELO/EHLO first".
    ("503 HELO or EHLO required", "syntax", "yours", "protocol order"),
    ("550 header syntax", "content-policy", "yours", "message format"),
    ("552 Message size exceeds maximum permitted", "other", "yours", "message size"),
]

OPENSMTPD = [
    # OpenSMTPD gives these words for a relaying attempt too; the meaning says both.
    ("550 Invalid recipient: <bob@example.test>", "recipient-unknown", "theirs", "opensmtpd"),
    ("501 5.5.1 Invalid command: EHLO requires domain name", "helo-rejected", "yours", "HELO"),
    ("501 5.1.3 Recipient address syntax error", "syntax", "yours", "address syntax"),
    ("553 5.1.0 Sender address syntax error", "syntax", "yours", "address syntax"),
    (
        "503 5.5.1 Invalid command: Command not allowed at this point.",
        "syntax",
        "yours",
        "command syntax",
    ),
]

POSTFIX = [
    (
        "550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in local "
        "recipient table",
        "recipient-unknown",
        "theirs",
        "postfix-user-unknown-table",
    ),
    ("454 4.7.1 <x@example.org>: Relay access denied", "relay-denied", "unclear", "postfix"),
    (
        "504 5.5.2 <client>: Helo command rejected: need fully-qualified hostname",
        "helo-rejected",
        "yours",
        "postfix-helo-fqdn",
    ),
    (
        "554 5.7.1 <unknown[192.0.2.9]>: Client host rejected: Access denied",
        "sender-ip-blocked",
        "yours",
        "postfix-client-access-denied",
    ),
    (
        "554 5.7.1 <spammer@example.org>: Sender address rejected: Access denied",
        "sender-rejected",
        "yours",
        "postfix-sender-access-denied",
    ),
    # Was the sending IP: an admin's own words after "Sender address rejected:" are said of the
    # sender ("REJECT You are not welcome" in an access map).
    (
        "554 5.7.1 <x@example.org>: Sender address rejected: You are not welcome",
        "sender-rejected",
        "yours",
        "sender on a block list",
    ),
    # Was "the command is not valid here": the reasons are in the RCPT TO replies before it.
    ("554 5.5.1 Error: no valid recipients", "other", "unclear", "postfix-no-valid-recipients"),
    ("452 4.5.3 Error: too many recipients", "rate-limited", "yours", "postfix-too-many"),
    ("552 5.3.4 Error: message file too big", "other", "yours", "postfix-size"),
    ("501 5.5.4 Error: Bad NOTIFY parameter syntax", "syntax", "yours", "command syntax"),
    ("503 5.5.1 Error: send HELO/EHLO first", "syntax", "yours", "command syntax"),
]


# Postfix's checks that ask DNS, against the lab's DNS server on 127.0.0.1:53 (its block lists,
# its reverse zone): the words Postfix 3.7.11 wrote.
POSTFIX_DNS = [
    (
        "554 5.7.1 Service unavailable; Client host [192.0.2.5] blocked using bl.dnsbl.test; "
        "Test point: 127.0.0.2 is always listed (RFC 5782)",
        "sender-ip-blocked",
        "yours",
        "postfix-rbl",
    ),
    (
        "450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.5]",
        "reverse-dns",
        "yours",
        "Client host rejected: cannot find your hostname",
    ),
    (
        "450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.5]",
        "reverse-dns",
        "yours",
        "cannot find your reverse hostname",
    ),
    (
        "450 4.7.1 <nosuch.example.org>: Helo command rejected: Host not found",
        "helo-rejected",
        "yours",
        "Helo command rejected: Host not found",
    ),
    (
        "450 4.1.8 <a@nosuch.example.org>: Sender address rejected: Domain not found",
        "sender-rejected",
        "yours",
        "Sender address rejected: Domain not found",
    ),
    (
        "450 4.1.2 <x@nosuch.example.org>: Recipient address rejected: Domain not found",
        "recipient-unknown",
        "theirs",
        "Recipient address rejected: Domain not found",
    ),
    # Was the sending IP: a domain list that names the sender's domain, or the HELO name.
    (
        "554 5.7.1 Service unavailable; Sender address [a@listed.example] blocked using "
        "dbl.dnsbl.test; Domain listed for spam: listed.example",
        "sender-rejected",
        "yours",
        "postfix-rhsbl-sender",
    ),
    (
        "554 5.7.1 Service unavailable; Helo command [listed.example] blocked using "
        "dbl.dnsbl.test; Domain listed for spam: listed.example",
        "helo-rejected",
        "yours",
        "postfix-rhsbl-helo",
    ),
]

SENDMAIL = [
    (
        "550 5.1.1 <nobody@example.test>... User unknown",
        "recipient-unknown",
        "theirs",
        "sendmail-user-unknown",
    ),
    (
        "550 5.7.1 <x@example.org>... Relaying denied. IP name lookup failed [192.0.2.5]",
        "reverse-dns",
        "yours",
        "sendmail-relaying-ip-name-lookup",
    ),
    # Was "other": Sendmail's whole answer to a HELO name it cannot parse.
    ("501 5.0.0 Invalid domain name", "helo-rejected", "yours", "sendmail-invalid-helo-domain"),
    ("503 5.0.0 Polite people say HELO first", "syntax", "yours", "command syntax"),
    # Was the receiver's feature (X.3.3): a login mechanism it does not offer.
    ("504 5.3.3 AUTH mechanism PLAIN not available", "authentication", "yours", "SMTP login"),
    # Was named Microsoft's: the words are Sendmail's, which Exchange copies.
    (
        "552 5.2.3 Message size exceeds fixed maximum message size (2000)",
        "other",
        "yours",
        "sendmail-size",
    ),
    (
        "553 5.1.3 <@>... List:; syntax illegal for recipient addresses",
        "syntax",
        "yours",
        "address syntax",
    ),
    ("555 5.5.4 FOO parameter unrecognized", "syntax", "yours", "command syntax"),
]

# What the same patterns must not read (a reviewer's counter-examples, written for this test):
# the words they share with other causes.
NOT_TOO_FAR = [
    ("550 Sender verification failed", "sender-rejected", "yours", "exim-sender-verify"),
    ("501 5.5.4 Unknown BODY type 9BIT", "syntax", "yours", "command syntax"),
    ("501 5.5.4 Bad BODY keyword value", "syntax", "yours", "command syntax"),
    # A cause named beside Postfix's words still decides.
    ("550 5.1.1 User unknown; no valid recipients", "recipient-unknown", "theirs", "unknown"),
    # A HELO name refused is not a HELO skipped.
    ("504 5.5.2 Valid HELO/EHLO required", "helo-rejected", "yours", "HELO"),
    # Exim's header check says "malformed" of a header's address: the message's format.
    (
        '550 domain missing or malformed: failing address in "From:" header is: user@',
        "content-policy",
        "yours",
        "message format",
    ),
    # The length of a command line is the command's, not the message's.
    ("500 5.5.0 SMTP command line length exceeded", "syntax", "yours", "500"),
    (
        "550 Sender address rejected: your IP is not welcome here",
        "sender-ip-blocked",
        "yours",
        "IP",
    ),
    (
        "550 5.7.1 Recipient envelope address bob@example.com is blocked",
        "other",
        "yours",
        "blocked",
    ),
    # Was the message's content: "spam" was read inside the address a Sendmail access map
    # refused. An address's local part is somebody's chosen name, not the server's words...
    ("550 5.7.1 <spammer@example.org>... Access denied", "other", "unclear", "5.7.1"),
    # Nor the side's nouns or the words: the names in an address are not the reply's subject.
    ("550 <recipient@example.org>... Access denied", "other", "unclear", "550"),
    ("550 <your-ip@example.org>... Access denied", "other", "unclear", "550"),
    ("550 <spammer@localhost>... Access denied", "other", "unclear", "550"),
    # A role mailbox echoed as the envelope address is an address like any other...
    ("550 <abuse@example.org>... Access denied", "other", "unclear", "550"),
    # ... a URL's host and path stay the server's words, and a key=value is not a local part.
    (
        "550 see https://blocklist.example.net/lookup?addr=a@example.org",
        "sender-ip-blocked",
        "yours",
        "block list",
    ),
    ("550 rejected: sender=a@example.org blacklisted", "sender-rejected", "yours", "block list"),
    # Whole-reply patterns still know a reply quoted by the bouncing server.
    (
        "Remote Server returned '550 5.7.1 Administrative prohibition'",
        "other",
        "unclear",
        "exim-administrative-prohibition",
    ),
    # The second review's counter-examples.
    ("550 5.7.1 HELO/EHLO required with a FQDN", "helo-rejected", "yours", "HELO"),
    ("550 Proper hostname in HELO or EHLO required", "helo-rejected", "yours", "HELO"),
    (
        "550 5.7.1 From address <a@example.org> blocked: your IP 192.0.2.1 is listed on zen",
        "sender-ip-blocked",
        "yours",
        "blocked IP",
    ),
    ("550 Sender address <a@example.org> blocked by SPF policy", "authentication", "yours", "SPF"),
    ("550 5.7.1 Sender address rejected: client not welcome", "sender-ip-blocked", "yours", "IP"),
    ("500 5.5.2 Line length exceeded", "syntax", "yours", "500"),
    (
        "554 5.6.0 Message rejected: malformed address in To: field",
        "content-policy",
        "yours",
        "message format",
    ),
    (
        "554 5.7.1 Service unavailable; Recipient address [a@listed.example] blocked using "
        "dbl.dnsbl.test",
        "other",
        "unclear",
        "postfix-rhsbl-recipient",
    ),
    # ... except RFC 2142's role mailboxes, which the server names on purpose.
    (
        "421 Try again later (192.0.2.1). Please contact abuse@example.net.",
        "other",
        "yours",
        "abuse",
    ),
    # (A role is a role in any case.)
    (
        "421 Try again later (192.0.2.1). Please contact Abuse@example.net.",
        "other",
        "yours",
        "Abuse",
    ),
]


@pytest.mark.parametrize(
    ("text", "category", "side", "decided"),
    EXIM + OPENSMTPD + POSTFIX + POSTFIX_DNS + SENDMAIL + NOT_TOO_FAR,
)
def test_a_real_mtas_default_words_read_as_an_admin_reads_them(
    text: str, category: str, side: str, decided: str
) -> None:
    assert_read_as(text, category, side, decided)


def _from_the_wire(text: str) -> Reply:
    (reply,) = ReplyParser().feed(text.replace("\n", "\r\n").encode() + b"\r\n")
    assert isinstance(reply, Reply)
    return reply


# A session's reply comes without its code in the text (Reply.lines), a pasted one with it: a
# pattern anchored on the code ("^501 ...") read the two apart before this stop.
WIRE = [
    *EXIM,
    *OPENSMTPD,
    *POSTFIX,
    *POSTFIX_DNS,
    *SENDMAIL,
    ("501 Invalid RCPT TO address provided", "syntax", "yours", "address syntax"),
]


@pytest.mark.parametrize(("text", "category", "side", "decided"), WIRE)
def test_a_reply_in_a_session_reads_as_the_same_reply_pasted(
    text: str, category: str, side: str, decided: str
) -> None:
    in_session, pasted = explain_reply(_from_the_wire(text)), explain_text(text)
    assert (in_session.category, in_session.side, in_session.rule) == (
        pasted.category,
        pasted.side,
        pasted.rule,
    )
    assert (str(in_session.category), str(in_session.side)) == (category, side)


def test_a_bare_refusal_at_mail_from_also_points_at_the_sending_ip() -> None:
    # Sendmail's access map answers a listed client's MAIL FROM with these words alone (8.17.1.9
    # on loopback): the sender is the stage's guess, the IP must be in the steps too.
    explained = explain(550, "5.7.1", "5.7.1 Access denied", stage=Stage.MAIL)
    assert (str(explained.category), str(explained.side)) == ("sender-rejected", "yours")
    assert "sending IP" in explained.meaning
    assert any("block lists" in step for step in explained.next_steps)

"""Each provider's own wording lands in the right category and side, decided by its own rule.

The texts are written for these tests in the shape each provider documents (addresses and IPs
are from the documentation ranges); they are not copied from any corpus.
"""

import pytest

from smtp_tui.core.explain import DecidedBy, explain_text

# (text, category, side, rule that must decide)
PROVIDER_TEXTS = [
    # Microsoft 365 / Outlook.com / Exchange
    (
        "550 5.7.606 Access denied, banned sending IP [192.0.2.7]. To request removal from this"
        " list please visit https://sender.office.com/ (AS16012609)",
        "sender-ip-blocked",
        "yours",
        "ms-banned-sending-ip",
    ),
    (
        "451 4.7.650 The mail server [192.0.2.7] has been temporarily rate limited due to IP"
        " reputation. (S775)",
        "rate-limited",
        "yours",
        "ms-ip-throttling",
    ),
    (
        "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient nobody@example.com not found by"
        " SMTP address lookup",
        "recipient-unknown",
        "theirs",
        "ms-recipient-not-found",
    ),
    (
        "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)",
        "recipient-unknown",
        "theirs",
        "ms-dbeb-access-denied",
    ),
    ("550 5.4.1 Relay Access Denied", "relay-denied", "unclear", "ms-relay-access-denied"),
    (
        "550 5.7.1 Unfortunately, messages from [192.0.2.7] weren't sent. Please contact your"
        " Internet service provider since part of their network is on our block list (S3150).",
        "sender-ip-blocked",
        "yours",
        "olc-network-block",
    ),
    (
        "550 5.7.515 Access denied, sending domain example.com does not meet the required"
        " authentication level.",
        "authentication",
        "yours",
        "ms-high-volume-auth",
    ),
    (
        "550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; authentication required;"
        " Delivery restriction check failed as sender not authenticated for group",
        "sender-rejected",
        "theirs",
        "ms-sender-not-authenticated-org",
    ),
    # Gmail / Google Workspace
    (
        "550-5.1.1 The email account that you tried to reach does not exist. Please try"
        " double-checking the recipient's email address for typos. - gsmtp",
        "recipient-unknown",
        "theirs",
        "gmail-no-such-user",
    ),
    (
        "421-4.7.27 Your email has been rate limited because SPF authentication didn't pass for"
        " this message. - gsmtp",
        "authentication",
        "yours",
        "gmail-spf-bulk",
    ),
    (
        "450-4.2.1 The user you are trying to contact is receiving mail at a rate that prevents"
        " additional messages from being delivered. - gsmtp",
        "rate-limited",
        "theirs",
        "gmail-receiving-rate",
    ),
    (
        "550-5.7.1 Messages missing a valid Message-ID: header are not accepted. - gsmtp",
        "content-policy",
        "yours",
        "gmail-malformed",
    ),
    (
        "550 5.1.1 https://support.google.com/mail/?p=NoSuchUser",
        "recipient-unknown",
        "theirs",
        "gmail-no-such-user",
    ),
    # Yahoo / AOL / AT&T
    (
        "421 4.7.0 [TSS04] Messages from 192.0.2.7 temporarily deferred due to unexpected volume"
        " or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
        "rate-limited",
        "yours",
        "yahoo-tss04-complaints",
    ),
    (
        "554 5.7.9 Message not accepted for policy reasons. See https://senders.yahooinc.com/",
        "content-policy",
        "yours",
        "yahoo-ph01-policy",
    ),
    (
        "554 delivery error: dd This user doesn't have a yahoo.com account (nobody@yahoo.com)",
        "recipient-unknown",
        "theirs",
        "yahoo-no-such-user",
    ),
    # Apple iCloud
    (
        "550 5.7.1 Your message was rejected due to example.com's DMARC policy. See"
        " https://support.apple.com/en-us/102322 for info",
        "authentication",
        "yours",
        "icloud-dmarc",
    ),
    # German providers
    (
        "554-gmx.net (mxgmx101) Nemesis ESMTP Service not available 554-No SMTP service"
        " 554-IP address is block listed. 554 For explanation visit"
        " https://postmaster.gmx.net/en/case?c=r0201&i=ip&v=192.0.2.7",
        "sender-ip-blocked",
        "yours",
        "gmx-ip-block-listed",
    ),
    (
        "554 IP=192.0.2.7 - None/bad reputation. Ask your postmaster for help or to contact"
        " tosa@rx.t-online.de for reset. (NOWL)",
        "sender-ip-blocked",
        "yours",
        "tonline-nowl",
    ),
    (
        "422 4.2.2 Quota limit exceeded (Speicherplatz des Kontos ueberschritten)",
        "mailbox-full",
        "theirs",
        "de-hoster-quota",
    ),
    # French providers (French and English in one line)
    (
        "550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]",
        "content-policy",
        "yours",
        "orange-mail-rejected",
    ),
    (
        "552 5.1.1 Boite du destinataire pleine. Recipient overquota. OFR_417 [417]",
        "mailbox-full",
        "theirs",
        "orange-mailbox-full",
    ),
    # Italian, Russian, Chinese, Japanese, Korean
    (
        "452 4.2.2 MAILBOX FULL (User quota exceeded)",
        "mailbox-full",
        "theirs",
        "libero-mailbox-full",
    ),
    (
        "550 Message rejected under suspicion of SPAM; https://ya.cc/1IrBc 1699999999-abcdEFgh",
        "content-policy",
        "yours",
        "yandex-spam",
    ),
    (
        "550 5.7.1 Policy rejection on the target address",
        "mailbox-disabled",
        "theirs",
        "yandex-policy-target",
    ),
    (
        "550 Ip frequency limited. http://service.mail.qq.com/cgi-bin/help?subtype=1&no=1000725",
        "rate-limited",
        "yours",
        "qq-frequency",
    ),
    ("451 DT:SPM 163 mx12,abcdefg, please try again", "content-policy", "yours", "netease-spam"),
    ("550 收件人不存在", "recipient-unknown", "theirs", "zh-phrases-user"),
    ("550 送信先のメールボックスがいっぱいです", "mailbox-full", "theirs", "ja-mailbox-full"),
    (
        "421 4.3.2 Your IP(192.0.2.7) is filtered and this connection will be closed. You must"
        " register your IP to http://realip.naver.com",
        "sender-ip-blocked",
        "yours",
        "naver-ip-filtered",
    ),
    # North American ISPs
    (
        "554 resimta-01.example.comcast.net comcast 192.0.2.7 Comcast block for spam. Please see"
        " http://postmaster.comcast.net/smtp-error-codes.php#BL000000",
        "sender-ip-blocked",
        "yours",
        "comcast-bl",
    ),
    (
        "554 5.7.1 192.0.2.7 rejected - AUP#CXDNS https://www.cox.com/residential/support/",
        "reverse-dns",
        "yours",
        "cox-cxdns",
    ),
    # Filters and gateways
    (
        "550 Administrative prohibition - envelope blocked - https://community.mimecast.com/",
        "sender-rejected",
        "yours",
        "mimecast-blocked-sender",
    ),
    (
        "554 Service unavailable; Client host [192.0.2.7] blocked using Barracuda Reputation;"
        " http://bbl.barracudacentral.com/q.cgi?ip=192.0.2.7",
        "sender-ip-blocked",
        "yours",
        "barracuda-reputation",
    ),
    (
        "554 Your access to this mail system has been rejected due to the sending MTA's poor"
        " reputation.",
        "sender-ip-blocked",
        "yours",
        "cisco-sbrs",
    ),
    (
        "550 5.7.1 XGEMAIL_0011 Command rejected",
        "recipient-unknown",
        "theirs",
        "sophos-xgemail-recipient",
    ),
    # DNS block lists, including the answer that means the receiver's DNS is wrong
    (
        "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org;"
        " Error: open resolver; https://www.spamhaus.org/returnc/pub/198.51.100.1",
        "other",
        "theirs",
        "spamhaus-open-resolver",
    ),
    (
        "550 5.7.1 Rejected: 192.0.2.7 listed at bl.spamcop.net",
        "sender-ip-blocked",
        "yours",
        "spamcop",
    ),
    # MTAs
    (
        "450 4.2.0 <bob@example.com>: Recipient address rejected: Greylisted, see"
        " http://postgrey.schweikert.ch/help/example.com.html",
        "greylisted",
        "theirs",
        "postgrey",
    ),
    (
        "550 Verification failed for <a@example.org> Unrouteable address Sender verify failed",
        "sender-rejected",
        "yours",
        "exim-sender-verify",
    ),
    (
        "550 sorry, no mailbox here by that name. (#5.1.1)",
        "recipient-unknown",
        "theirs",
        "qmail-no-mailbox",
    ),
    (
        "550 I cannot deliver mail for <bob@example.net>",
        "relay-denied",
        "unclear",
        "haraka-cannot-deliver",
    ),
    (
        "552 5.2.2 <bob@example.com>: Quota exceeded (mailbox for user is full)",
        "mailbox-full",
        "theirs",
        "dovecot-quota",
    ),
    (
        "554 5.7.1 Spam message rejected; If this is not spam contact abuse team",
        "content-policy",
        "yours",
        "rspamd-reject",
    ),
    # Mail stores, list managers and gateways whose notices the bounce reader meets
    (
        "Hello sender@example.org, the group you tried to contact (cats) may not exist, or you"
        " may not have permission to post messages to the group. https://groups.google.com/support/",
        "sender-rejected",
        "unclear",
        "google-groups-cannot-post",
    ),
    (
        "User Tabby Cat (tabby@example.net) not listed in Domino Directory",
        "recipient-unknown",
        "theirs",
        "domino-not-in-directory",
    ),
    (
        "User not listed in public Name & Address Book",
        "recipient-unknown",
        "theirs",
        "domino-not-in-directory",
    ),
    (
        "User mailbox exceeds allowed size: tabby@example.net",
        "mailbox-full",
        "theirs",
        "imail-mailbox-size",
    ),
    (
        "Invalid final delivery userid: tabby@example.net",
        "recipient-unknown",
        "theirs",
        "imail-invalid-userid",
    ),
    (
        "The mail server could not deliver mail to tabby@example.net. The account or domain may not"
        " exist, they may be blacklisted, or missing the proper dns entries.",
        "recipient-unknown",
        "theirs",
        "cpanel-account-or-domain",
    ),
    (
        "Illegal host/domain name found",
        "recipient-unknown",
        "theirs",
        "messaging-server-illegal-domain",
    ),
    (
        "You are not a member of this mailing list <cats@example.org>.",
        "sender-rejected",
        "yours",
        "list-not-a-member",
    ),
    (
        "Message could not be delivered to mobile. Error: No valid recipients for this MM",
        "recipient-unknown",
        "theirs",
        "verizon-mms-no-recipient",
    ),
]

# Wording families no provider table names: the keywords decide.
KEYWORD_TEXTS = [
    ("Domain does not exist", "recipient-unknown", "theirs"),
    ("DNS lookup failure: host mx.example.net not found", "recipient-unknown", "theirs"),
    ("550 5.4.4 Invalid domain", "recipient-unknown", "theirs"),
    (
        "452 The number of messages in the recipient's mailbox exceeded its limit",
        "mailbox-full",
        "theirs",
    ),
    ("550 Mailbox exceeds the allowed size", "mailbox-full", "theirs"),
    (
        "550 Recipient tabby@example.net not listed in the address directory",
        "recipient-unknown",
        "theirs",
    ),
    ("550 5.7.1 Rejected: 192.0.2.7 listed in a DNS block list", "sender-ip-blocked", "yours"),
    ("550 5.7.1 This message does not have authentication information", "authentication", "yours"),
    (
        "552 5.7.0 This message was blocked because its content is not allowed",
        "content-policy",
        "yours",
    ),
]


@pytest.mark.parametrize(("text", "category", "side"), KEYWORD_TEXTS)
def test_a_wording_family_is_known_without_a_provider_table(text, category, side):
    explanation = explain_text(text)
    assert (explanation.category, explanation.side) == (category, side), explanation.decided_by


@pytest.mark.parametrize(
    ("text", "category", "side", "rule"),
    PROVIDER_TEXTS,
    ids=[rule for *_, rule in PROVIDER_TEXTS],
)
def test_provider_text_is_classified_by_its_own_rule(text, category, side, rule):
    explanation = explain_text(text)
    assert (explanation.category, explanation.side) == (category, side), explanation.decided_by
    assert explanation.rule == rule
    assert explanation.next_steps


def test_the_table_covers_many_providers():
    rules = {rule.split("-")[0] for *_, rule in PROVIDER_TEXTS}
    assert len(rules) >= 25


def test_a_provider_text_names_its_provider_and_code():
    explanation = explain_text("550 5.7.606 Access denied, banned sending IP [192.0.2.7].")
    assert explanation.provider == "Microsoft 365"
    assert explanation.decision.by is DecidedBy.PROVIDER_TEXT
    assert explanation.decision.label == "Microsoft 365 text 5.7.606-649"
    assert "Decided by: Microsoft 365 text 5.7.606-649" in explanation.as_text()

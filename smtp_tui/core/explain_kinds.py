"""The vocabulary of an explanation: categories, sides, tiers of evidence, and table entries.

Kept apart from the loaders and the precedence rules so each can be read on its own; the public
names are re-exported by ``smtp_tui.core.explain``.
"""

from __future__ import annotations

import re
from enum import IntEnum, StrEnum

from smtp_tui.core.record import frozen_record


class Category(StrEnum):
    """What kind of answer a reply is. The values are a contract (JSON, tests, README)."""

    ACCEPTED = "accepted"
    RECIPIENT_UNKNOWN = "recipient-unknown"
    MAILBOX_FULL = "mailbox-full"
    MAILBOX_DISABLED = "mailbox-disabled"
    RELAY_DENIED = "relay-denied"
    SENDER_IP_BLOCKED = "sender-ip-blocked"
    REVERSE_DNS = "reverse-dns"
    RATE_LIMITED = "rate-limited"
    AUTHENTICATION = "authentication"
    HELO_REJECTED = "helo-rejected"
    SENDER_REJECTED = "sender-rejected"
    GREYLISTED = "greylisted"
    TLS_REQUIRED = "tls-required"
    CONTENT_POLICY = "content-policy"
    SYNTAX = "syntax"
    SERVER_UNAVAILABLE = "server-unavailable"
    NULL_MX = "null-mx"
    OTHER = "other"


class Side(StrEnum):
    """Where the cause lies: whose system, data or policy must change for the mail to go through.

    ``yours``: the sending side (IP, reputation, reverse DNS, HELO, SPF/DKIM/DMARC, TLS, rate,
    content, a malformed command). ``theirs``: the receiving side's state or configuration (no
    such mailbox, mailbox full or disabled, server down, greylisting, their misconfiguration).
    ``unclear``: the text alone does not settle it (relay denied; any success).
    """

    YOURS = "yours"
    THEIRS = "theirs"
    UNCLEAR = "unclear"


class Stage(StrEnum):
    """The command a reply answered, as the explainer reads it (``data/reply_stages.tsv``)."""

    CONNECT = "connect"
    HELO = "helo"
    STARTTLS = "starttls"
    MAIL = "mail"
    RCPT = "rcpt"
    DATA = "data"


class Tier(IntEnum):
    """How much a piece of evidence weighs; the highest tier that speaks decides.

    A provider's own text beats a generic text, a text beats a keyword, a strong keyword beats an
    enhanced code, a specific code beats a broad phrase, and generic codes (5.2.0, 5.7.1, 550,
    552 ...) decide only when nothing else speaks.
    """

    GENERIC_BASIC_CODE = 10
    GENERIC_ENHANCED_CODE = 20
    BROAD_PHRASE = 30
    BASIC_CODE = 40
    WEAK_KEYWORD = 50
    ENHANCED_CODE = 60
    KEYWORD = 70
    GENERIC_TEXT = 80
    PROVIDER_TEXT = 90


class DecidedBy(StrEnum):
    """Which part of the reply decided the category, in words a screen can show."""

    PROVIDER_TEXT = "provider text"
    KNOWN_TEXT = "known text"
    KEYWORDS = "keywords"
    ENHANCED_CODE = "enhanced code"
    BASIC_CODE = "reply code"
    BROAD_PHRASE = "broad phrase"
    WORDS = "words in the text"  # the learned word model (explain_words), no rule of its own
    NOTHING = "nothing"


# Tiers named in the known-text files, and how each is shown.
TEXT_TIERS = {
    "provider": Tier.PROVIDER_TEXT,
    "generic": Tier.GENERIC_TEXT,
    "keyword": Tier.KEYWORD,
    "weak": Tier.WEAK_KEYWORD,
    "broad": Tier.BROAD_PHRASE,
}
DECIDED_BY_TIER = {
    Tier.PROVIDER_TEXT: DecidedBy.PROVIDER_TEXT,
    Tier.GENERIC_TEXT: DecidedBy.KNOWN_TEXT,
    Tier.KEYWORD: DecidedBy.KEYWORDS,
    Tier.WEAK_KEYWORD: DecidedBy.KEYWORDS,
    Tier.BROAD_PHRASE: DecidedBy.BROAD_PHRASE,
    Tier.ENHANCED_CODE: DecidedBy.ENHANCED_CODE,
    Tier.GENERIC_ENHANCED_CODE: DecidedBy.ENHANCED_CODE,
    Tier.BASIC_CODE: DecidedBy.BASIC_CODE,
    Tier.GENERIC_BASIC_CODE: DecidedBy.BASIC_CODE,
}


@frozen_record
class Entry:
    """One meaning from a table: a code's row or a known text's entry."""

    category: Category
    side: Side
    meaning: str
    next_steps: tuple[str, ...]
    generic: bool = False  # a code too broad to decide alone (5.7.1, 550 ...)


@frozen_record
class KnownText:
    """A rejection text learned from a provider's documentation or an MTA's source."""

    id: str
    pattern: re.Pattern[str]
    provider: str
    tier: Tier
    entry: Entry
    source: str
    label: str = ""  # the provider's own code for it ("5.7.606", "TSS04"), shown when it decides
    priority: int = 0  # breaks ties inside a tier before the length of the match does
    # Speaks only for a temporary (4xx) reply or one without a code: "Service unavailable" is a
    # server that is down when it says "come back later", and RFC 5321's wording for a refusal
    # that names no cause when it is final (554 Service unavailable).
    transient_only: bool = False
    # Speaks only for a final (5xx) reply or one without a code: RFC 5321's "mailbox unavailable"
    # is a mailbox that does not exist when it is final (as Microsoft and GMX use it, and sisimai
    # reads it) and a mailbox busy or held back for now when it is temporary (450).
    final_only: bool = False
    # Each pattern on its own, to measure the longest thing the entry says about a reply (the
    # joined ``pattern`` stops at the leftmost alternative, which may be a short code or a URL).
    # Kept as (lowercased) text and compiled only for entries that match, on first use.
    alternatives: tuple[str, ...] = ()

    @property
    def is_keyword(self) -> bool:
        return self.provider == "keywords" or self.tier in (Tier.KEYWORD, Tier.WEAK_KEYWORD)

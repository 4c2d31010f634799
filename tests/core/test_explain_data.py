"""The knowledge behind the explainer: enough of it, from named sources, in several languages."""

import re

import pytest

from smtp_tui.core.explain import CATEGORIES, SIDES, Category, Side, enhanced_codes, reply_codes
from smtp_tui.core.explain_data import (
    _known_text,
    category_defaults,
    known_text_sources,
    lowercase_pattern,
)

# The category list is a contract (JSON, README): exactly these, in this order.
CONTRACT = [
    "accepted",
    "recipient-unknown",
    "mailbox-full",
    "mailbox-disabled",
    "relay-denied",
    "sender-ip-blocked",
    "reverse-dns",
    "rate-limited",
    "authentication",
    "helo-rejected",
    "sender-rejected",
    "greylisted",
    "tls-required",
    "content-policy",
    "syntax",
    "server-unavailable",
    "null-mx",
    "other",
]


def test_the_categories_and_sides_are_exactly_the_contract():
    assert list(CATEGORIES) == CONTRACT
    assert SIDES == ("yours", "theirs", "unclear")


def test_there_are_at_least_400_known_texts_from_at_least_40_sources():
    sources = known_text_sources()
    assert len(sources) >= 400
    assert sum(count for _known, count in sources) >= 400
    assert len({known.provider for known, _count in sources}) >= 40
    assert len({known.source for known, _count in sources}) >= 40


def test_every_known_text_names_where_it_was_learned():
    for known, _count in known_text_sources():
        assert known.source.strip(), known.id
        assert known.provider.strip(), known.id
        assert known.entry.meaning.strip(), known.id


def test_non_english_texts_are_known():
    patterns = " ".join(known.pattern.pattern for known, _count in known_text_sources())
    for word in (
        "pleine",
        "speichervolumen",
        "casella",
        "buz",
        "переполнен",
        "不存在",
        "存在しません",
    ):
        assert lowercase_pattern(word) in patterns, word


def test_each_category_has_a_default_side_and_the_issue_s_sides():
    defaults = category_defaults()
    assert set(defaults) == set(Category)
    for category in (
        Category.RECIPIENT_UNKNOWN,
        Category.MAILBOX_FULL,
        Category.MAILBOX_DISABLED,
        Category.GREYLISTED,
        Category.SERVER_UNAVAILABLE,
        Category.NULL_MX,
    ):
        assert defaults[category].side is Side.THEIRS, category
    assert defaults[Category.RELAY_DENIED].side is Side.UNCLEAR
    assert defaults[Category.ACCEPTED].side is Side.UNCLEAR


def test_an_unknown_recipient_code_is_theirs():
    for code in ("X.1.1", "X.1.2", "X.1.6"):
        assert enhanced_codes()[code].side is Side.THEIRS, code
    assert reply_codes()["551"].side is Side.THEIRS


def test_the_codes_that_never_decide_alone_are_marked_generic():
    for code in ("X.2.0", "X.5.0", "X.7.1", "X.0.0"):
        assert enhanced_codes()[code].generic, code
    for code in ("501", "550", "551", "552", "554"):
        assert reply_codes()[code].generic, code
    assert not enhanced_codes()["X.1.1"].generic


def test_lowercasing_a_pattern_keeps_its_escapes():
    assert lowercase_pattern(r"\bSC-00\d\S AUP#[A-Z]") == r"\bsc-00\d\S aup#[a-z]"
    assert re.compile(lowercase_pattern(r"\W\B\D")).pattern == r"\W\B\D"


def test_a_known_text_that_could_never_speak_is_refused_when_loaded():
    """final_only and transient_only together would silence an entry for every coded reply."""
    entry = {
        "id": "both",
        "pattern": "x",
        "category": "other",
        "meaning": "m",
        "source": "s",
        "provider": "p",
        "final_only": True,
        "transient_only": True,
    }
    with pytest.raises(ValueError, match="never speak"):
        _known_text(entry, {}, "test.toml")

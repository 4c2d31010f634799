"""The learned reading of a reply's words: the model, its data file, and when it may decide."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smtp_tui.core import explain_words
from smtp_tui.core.explain import CATEGORIES, DecidedBy, explain_text
from smtp_tui.core.explain_kinds import Category
from smtp_tui.core.explain_words import (
    RECOMMENDED,
    WordModel,
    parse_weights,
    reply_words,
    word_features,
    word_model,
    words_may_overrule,
)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "corpus"))

from train_words import count_rows, pruned, weights_text  # noqa: E402


@pytest.fixture
def words_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The explainer with the words allowed to decide, as words_crossval.py recommends."""
    monkeypatch.setattr(explain_words, "POLICY", RECOMMENDED)


def test_the_model_loads_and_knows_only_refusal_categories() -> None:
    model = word_model()
    assert model.weights
    assert set(model.categories) <= set(Category)
    assert Category.ACCEPTED not in model.categories


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("552 Sorry, the mailbox is over its storage quota", Category.MAILBOX_FULL),
        ("421 Too many connections from your IP, slow down", Category.RATE_LIMITED),
        ("550 Your message looks like spam to our filter", Category.CONTENT_POLICY),
        ("550 This account has been disabled", Category.MAILBOX_DISABLED),
        ("550 No such user here", Category.RECIPIENT_UNKNOWN),
    ],
)
def test_the_words_lean_to_the_category_they_name(text: str, category: Category) -> None:
    reading = word_model().read(text)
    assert reading is not None
    assert reading.category is category
    assert 0.0 < reading.confidence <= 1.0
    assert 1 <= len(reading.words) <= 3


@pytest.mark.parametrize(
    "text",
    ["", "550", "5.7.1", "<a@b.example> [192.0.2.1] mx.example.net 12345", "x" * 5000, "\x00\x1b["],
)
def test_texts_without_known_words_have_no_reading(text: str) -> None:
    assert word_model().read(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "zzz qqq unknown words of nothing",
        "550 Delivery refused: the mailbox quota of this user exceeds",
        "邮件 被拒 绝 垃圾",
        "Bitte prüfen Sie die Empfängeradresse " * 300,
    ],
)
def test_a_reading_is_always_a_category_of_the_list(text: str) -> None:
    reading = word_model().read(text)
    assert reading is None or str(reading.category) in CATEGORIES


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_no_text_raises_or_reads_outside_the_list(text: str) -> None:
    reading = word_model().read(text)
    assert reading is None or (
        str(reading.category) in CATEGORIES and 0.0 < reading.confidence <= 1.0
    )


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_with_words_on_every_answer_stays_in_the_lists(text: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(explain_words, "POLICY", RECOMMENDED)
        explanation = explain_text("550 " + text)
    assert str(explanation.category) in CATEGORIES
    assert str(explanation.side) in ("yours", "theirs", "unclear")


def test_codes_addresses_hosts_and_numbers_are_not_words() -> None:
    words = reply_words(
        "550 5.1.1 <bob@example.com> mx1.example.net [192.0.2.7] (id 42) Quota FULL"
    )
    assert words == ["quota", "full"]
    assert "quota full" in word_features("550 Quota FULL")


def test_postfix_prefix_is_not_read_as_words() -> None:
    assert reply_words("554 5.7.1 <a@b.example>: Recipient address rejected: Blocked") == [
        "blocked"
    ]


def test_the_words_are_on_as_the_blind_batches_measured() -> None:
    assert explain_words.POLICY is RECOMMENDED
    explanation = explain_text("550 Too much mail from this connection, please slow")
    assert explanation.decision.by is DecidedBy.WORDS


def test_switched_off_the_words_decide_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explain_words, "POLICY", None)
    explanation = explain_text("550 Too much mail from this connection, please slow")
    assert explanation.decision.by is not DecidedBy.WORDS


@pytest.mark.usefixtures("words_on")
def test_words_decide_an_unknown_wording_and_name_the_words() -> None:
    explanation = explain_text("550 Too much mail from this connection, please slow")
    assert (explanation.category, explanation.side) == ("rate-limited", "yours")
    assert explanation.decision.by is DecidedBy.WORDS
    assert explanation.rule == "keywords"
    assert explanation.provider is None
    assert explanation.decided_by.startswith("Decided by: words in the text (")
    named = explanation.decision.evidence.split(", ")
    assert 1 <= len(named) <= 3
    assert all(word in "too much mail from this connection, please slow" for word in named)
    assert explanation.as_json()["rule"] == "keywords"


@pytest.mark.usefixtures("words_on")
@pytest.mark.parametrize(
    ("text", "category"),
    [
        # A keyword, a provider's text, a specific enhanced code decide, where the words alone
        # would lean elsewhere.
        ("550 5.7.1 Mail from your IP is blocked, please try again later", "sender-ip-blocked"),
        ("452 4.2.2 Mailbox full, try again later", "mailbox-full"),
        ("550 5.7.1 Message rejected as spam, try again later", "content-policy"),
        ("421 4.7.0 Try again later, closing connection", "rate-limited"),
        # (The words read "501 5.1.3 Invalid address", the text here before round twelve, as
        # syntax themselves since then.)
        ("553 5.1.3 Recipient not accepted", "syntax"),
    ],
)
def test_words_stay_out_of_the_way_when_a_text_or_specific_code_decides(
    text: str, category: str
) -> None:
    reading = word_model().read(text)
    assert reading is not None and reading.category != category  # the words disagree ...
    explanation = explain_text(text)
    assert explanation.decision.by is not DecidedBy.WORDS  # ... and are not asked
    assert explanation.category == category


def test_the_data_file_is_what_train_words_writes() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "corpus" / "train_words.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_training_is_deterministic_and_round_trips_on_a_tiny_fixture() -> None:
    rows = [
        (word_features("550 mailbox is full"), Category.MAILBOX_FULL),
        (word_features("552 mailbox full, over quota"), Category.MAILBOX_FULL),
        (word_features("550 no such user"), Category.RECIPIENT_UNKNOWN),
        (word_features("550 user unknown, no such mailbox"), Category.RECIPIENT_UNKNOWN),
    ]
    first = weights_text(*_counted(rows))
    second = weights_text(*_counted(list(reversed(rows))))
    assert first == second
    model = parse_weights(first)
    assert model == WordModel.from_counts(*_counted(rows), alpha=0.5)
    reading = model.read("mailbox full")
    assert reading is not None and reading.category is Category.MAILBOX_FULL
    assert set(reading.words) <= word_features("mailbox full")
    # A pair and its own words are never named together.
    assert not ({"mailbox", "full"} <= set(reading.words) and "mailbox full" in reading.words)


def _counted(
    rows: list[tuple[frozenset[str], Category]],
) -> tuple[dict[Category, int], dict[str, dict[Category, int]]]:
    per_category, counts = count_rows(rows)
    return dict(per_category), pruned(counts)


@pytest.mark.parametrize(
    "text",
    [
        "421 4.7.0 Temporarily rejected. Try again later.",
        # (Round eleven's words read "Email address could not be verified", the text here
        # before, as the sender's: a reading the rule lets through.)
        "550 5.7.1 The account could not be reached",
    ],
)
def test_words_of_the_receiving_side_do_not_overrule_a_policy_code(text: str) -> None:
    """X.7.Y refuses the sender: "try again later" or "account ... could not" read as a server
    down or an unknown recipient would put the fault on the wrong side."""
    reading = word_model().read(text)
    assert reading is not None and reading.category in ("server-unavailable", "recipient-unknown")
    explanation = explain_text(text)
    assert explanation.decision.by is not DecidedBy.WORDS
    assert (explanation.category, explanation.side) == ("other", "unclear")


@pytest.mark.parametrize(
    ("enhanced", "category", "may"),
    [
        ("5.7.1", Category.REVERSE_DNS, True),  # the sending side's own fault: may
        ("4.7.0", Category.RATE_LIMITED, True),
        ("5.7.1", Category.OTHER, True),
        ("4.7.1", Category.SERVER_UNAVAILABLE, False),  # the receiving side's state: may not
        ("5.7.1", Category.RECIPIENT_UNKNOWN, False),
        ("5.2.0", Category.RECIPIENT_UNKNOWN, True),  # not a policy code
        (None, Category.SERVER_UNAVAILABLE, True),
    ],
)
def test_only_the_sending_sides_words_may_read_a_policy_code(
    enhanced: str | None, category: Category, may: bool
) -> None:
    assert words_may_overrule(enhanced, category) is may


@pytest.mark.parametrize(
    ("weights", "says"),
    [
        ("@alpha\t0\n@rows\tmailbox-full:3 other:2\n", "alpha must be a positive number"),
        ("@alpha\tnan\n@rows\tmailbox-full:3 other:2\n", "alpha must be a positive number"),
        ("@rows\tmailbox-full:0 other:2\n", "each with rows"),
        ("@rows\tmailbox-full:3\n", "two categories or more"),
        ("quota\tmailbox-full:2\n@rows\tmailbox-full:3 other:2\n", "before the @rows line"),
        ("@rows\tmailbox-full:3 other:2\nquota\tmailbox-full:2\n@alpha\t1\n", "after the first"),
        ("@rows\tmailbox-full:3 other:2\nquota\tmailbox-full:2\nquota\tother:1\n", "twice"),
        ("@rows\tmailbox-full:3 other:2\nquota\tspam:2\n", "'spam' is not in @rows"),
        ("@rows\tmailbox-full:3 other:2\nquota mailbox-full:2\n", "line 2"),
        ("@rows\tother:2 mailbox-full:3\n", "out of order"),
    ],
)
def test_a_damaged_weights_file_is_refused_with_its_line(weights: str, says: str) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        parse_weights(weights)

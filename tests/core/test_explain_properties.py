"""No input makes the explainer raise, or answer outside its vocabulary."""

from hypothesis import given, settings
from hypothesis import strategies as st

from smtp_tui.core.explain import CATEGORIES, SIDES, explain, explain_reply, explain_text
from smtp_tui.core.replies import Reply

# Text shaped like replies (codes, enhanced codes, known words) mixed with anything at all.
_FRAGMENTS = st.sampled_from(
    [
        "550",
        "5.7.1",
        "250-",
        "421 4.7.0 ",
        "#5.1.1",
        "Recipient address rejected:",
        "user unknown",
        "spam",
        "(AS12345)",
        "[TSS04]",
        "said: ",
        "Diagnostic-Code: smtp; ",
        "\n",
        "\r\n550-",
        "\x1b[31m",
        "\u202e",
        "ü",
        "不存在",
        "(",
        "[",
        "\\",
    ]
)
_REPLY_LIKE = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=20)), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), _REPLY_LIKE))
def test_any_pasted_text_is_explained_within_the_vocabulary(text):
    explanation = explain_text(text)
    assert explanation.category in CATEGORIES
    assert explanation.side in SIDES
    assert explanation.meaning
    assert explanation.as_text()
    assert set(explanation.as_json()) >= {"category", "side", "rule", "provider"}


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.none(), st.integers(min_value=0, max_value=999)),
    st.one_of(st.none(), st.from_regex(r"\A[245]\.\d{1,3}\.\d{1,3}\Z")),
    _REPLY_LIKE,
)
def test_any_code_and_text_are_explained_within_the_vocabulary(code, enhanced, text):
    explanation = explain(code, enhanced, text)
    assert explanation.category in CATEGORIES
    assert explanation.side in SIDES


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=200, max_value=599),
    st.lists(st.text(max_size=200), min_size=1, max_size=5),
)
def test_any_reply_from_the_wire_is_explained_within_the_vocabulary(code, lines):
    explanation = explain_reply(Reply(code, tuple(lines), b""))
    assert explanation.category in CATEGORIES
    assert explanation.side in SIDES

"""Explain a reply in plain words: what it means, whose side must act, and what to do next.

Knowledge lives in data files (``data/reply_codes.tsv``, ``data/enhanced_codes.tsv``,
``data/known_texts.toml`` and ``data/known_texts/*.toml``, ``data/reply_stages.tsv``,
``data/ehlo_keywords.tsv``).

Precedence, as an admin reads a reply: a provider's own text beats a generic text, a text beats
keywords, strong keywords ("spam", "quota", "no such user" ...) beat an enhanced code, an
enhanced code beats the basic code; generic codes (5.7.1, 5.2.0, 550, 552 ...) and broad phrases
("Recipient address rejected:") decide only when nothing else speaks, and generic codes not at
all when the text says more than they do. When only a code spoke and it names nothing, the
command it answered (MAIL FROM, the greeting, DATA ...) still does. Whatever decides, each code's
own meaning is still shown. Only a bounded prefix of the text is read (``MAX_EXPLAINED_CHARS``).
"""

from __future__ import annotations

from smtp_tui.core.explain_data import (
    category_defaults,
    ehlo_keywords,
    enhanced_codes,
    known_texts,
    reply_codes,
)
from smtp_tui.core.explain_kinds import (
    DECIDED_BY_TIER,
    Category,
    DecidedBy,
    Entry,
    KnownText,
    Side,
    Stage,
    Tier,
)
from smtp_tui.core.explain_line import (
    MAX_EXPLAINED_CHARS,
    bounded_lines,
    find_enhanced,
    led_by_code,
    one_line,
    parse_pasted,
    without_local_parts,
)
from smtp_tui.core.explain_match import text_matches
from smtp_tui.core.explain_stage import stage_reading
from smtp_tui.core.explain_subject import subject_side
from smtp_tui.core.explain_words import (
    deciding_reading,
    reading_side,
    says_more,
)
from smtp_tui.core.record import field, frozen_record
from smtp_tui.core.replies import Reply

__all__ = [
    "CATEGORIES",
    "MAX_EXPLAINED_CHARS",
    "SIDES",
    "Category",
    "DecidedBy",
    "Decision",
    "Entry",
    "Explanation",
    "KnownText",
    "Side",
    "enhanced_codes",
    "explain",
    "explain_keywords",
    "explain_reply",
    "explain_text",
    "known_texts",
    "match_known_text",
    "reply_codes",
]

CATEGORIES = tuple(category.value for category in Category)
SIDES = tuple(side.value for side in Side)


@frozen_record
class Decision:
    """Which part of the reply decided, for a screen ("Decided by: Microsoft 365 text 5.7.606").

    ``rule`` is the known text's id, or ``keywords`` / ``enhanced-code`` / ``code``;
    ``evidence`` the words that matched.
    """

    by: DecidedBy
    rule: str
    label: str
    provider: str | None = None
    evidence: str = ""

    def as_text(self) -> str:
        words = f' ("{self.evidence}")' if self.evidence else ""
        rule = f" [rule {self.rule}]" if self.by not in _UNNAMED_RULES else ""
        return f"Decided by: {self.label}{words}{rule}"


_CODE_DECISIONS = (DecidedBy.ENHANCED_CODE, DecidedBy.BASIC_CODE, DecidedBy.NOTHING)
_UNNAMED_RULES = (*_CODE_DECISIONS, DecidedBy.KEYWORDS, DecidedBy.WORDS)  # rule = label
_NOTHING = Decision(DecidedBy.NOTHING, "none", "nothing smtp-tui recognizes")


@frozen_record
class Explanation:
    """A reply explained. ``code``/``enhanced`` are None when the input had none."""

    code: int | None
    enhanced: str | None
    category: Category
    side: Side
    meaning: str
    next_steps: tuple[str, ...] = ()
    details: tuple[str, ...] = field(default=(), compare=False)
    decision: Decision = field(default=_NOTHING, compare=False)

    @property
    def rule(self) -> str:
        return self.decision.rule

    @property
    def provider(self) -> str | None:
        return self.decision.provider

    @property
    def decided_by(self) -> str:
        """One line for a screen: "Decided by: Microsoft 365 text 5.7.606 [rule ...]"."""
        return self.decision.as_text()

    def as_text(self) -> str:
        """The explanation for a person (`smtp-tui explain` and the F2 screen)."""
        head = " ".join(str(part) for part in (self.code, self.enhanced) if part)
        lines = [
            f"{head or 'Text'}: {self.meaning}",
            f"Category: {self.category}    Whose side: {self.side}",
            self.decided_by,
        ]
        lines += [f"→ {step}" for step in self.next_steps]
        if self.details:
            lines += ["", *(f"Code {detail}" for detail in self.details)]
        return "\n".join(lines)

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "enhanced": self.enhanced,
            "category": str(self.category),
            "side": str(self.side),
            "meaning": self.meaning,
            "next_steps": list(self.next_steps),
            "rule": self.rule,
            "provider": self.provider,
        }


@frozen_record
class _Evidence:
    tier: Tier
    entry: Entry
    decision: Decision


def _enhanced_entry(enhanced: str) -> Entry | None:
    klass, subject, detail = enhanced.split(".")
    table = enhanced_codes()
    return (
        table.get(f"X.{subject}.{detail}")
        or table.get(f"X.{subject}.X")
        or table.get(f"{klass}.X.X")
    )


def _basic_entry(code: int) -> Entry | None:
    table = reply_codes()
    return table.get(str(code)) or table.get(f"{code // 100}yz")


def _enhanced_decision(enhanced: str) -> Decision:
    return Decision(DecidedBy.ENHANCED_CODE, "enhanced-code", f"enhanced code {enhanced}")


def _basic_decision(code: int) -> Decision:
    return Decision(DecidedBy.BASIC_CODE, "code", f"reply code {code}")


def match_known_text(text: str) -> KnownText | None:
    """The known text that decides for ``text``, or None."""
    line = one_line(text)
    matches = text_matches(without_local_parts(line), line)
    return matches[0].known if matches else None


def _text_evidence(
    line: str, shown: str, code: int | None, enhanced: str | None
) -> list[_Evidence]:
    evidence = []
    reply_class = _reply_class(code, enhanced)
    final, temporary = reply_class == 5, reply_class == 4
    for match in text_matches(line, shown):
        if (final and match.known.transient_only) or (temporary and match.known.final_only):
            continue
        known, words = match.known, match.words.strip()[:80]
        by = DECIDED_BY_TIER[known.tier]
        if known.is_keyword:
            decision = Decision(by, "keywords", f"keywords: {known.label or known.id}", None, words)
        else:
            label = known.label or enhanced or (str(code) if code else "")
            name = f"{known.provider} text {label}".strip()
            decision = Decision(by, known.id, name, known.provider, words)
        evidence.append(_Evidence(known.tier, known.entry, decision))
    return evidence


def _code_evidence(code: int | None, enhanced: str | None) -> list[_Evidence]:
    """What the codes of a refusal say. A detail RFC 3463 writes for successes ("5.1.5": the
    destination address is valid) says nothing of a refusal: it is shown, never decides."""
    evidence = []
    detail = _enhanced_entry(enhanced) if enhanced else None
    if detail is not None and enhanced and detail.category is not Category.ACCEPTED:
        tier = Tier.GENERIC_ENHANCED_CODE if detail.generic else Tier.ENHANCED_CODE
        evidence.append(_Evidence(tier, detail, _enhanced_decision(enhanced)))
    basic = _basic_entry(code) if code is not None else None
    if basic is not None and code is not None:
        tier = Tier.GENERIC_BASIC_CODE if basic.generic else Tier.BASIC_CODE
        evidence.append(_Evidence(tier, basic, _basic_decision(code)))
    return evidence


def _details(code: int | None, enhanced: str | None) -> tuple[str, ...]:
    """What each code means on its own, whatever decided."""
    details: list[str] = []
    basic = _basic_entry(code) if code is not None else None
    if basic is not None:
        details.append(f"{code}: {basic.meaning}")
    detail = _enhanced_entry(enhanced) if enhanced else None
    if detail is not None:
        details.append(f"{enhanced}: {detail.meaning}")
    return tuple(details)


def _decider(ranked: list[_Evidence], says_more: bool) -> _Evidence:
    """The evidence that decides: the highest tier that names a category. A code that names
    none ("other", "not further specified") never decides over one that does, and generic
    codes decide nothing when the text says more than they do."""
    for item in ranked:
        is_code = item.decision.by in _CODE_DECISIONS
        if is_code and item.tier <= Tier.GENERIC_ENHANCED_CODE and says_more:
            continue
        # A text filed under "other" (a mail loop, a size limit) still decides; a code whose
        # meaning is "not further specified" does not.
        if item.entry.category is not Category.OTHER or not is_code:
            return item
    # Only generic codes, and the text says more than they do: their meaning is shown, but
    # the category stays "other" (the words are not ones smtp-tui knows).
    best = ranked[0]
    entry = Entry(Category.OTHER, Side.UNCLEAR, best.entry.meaning, best.entry.next_steps)
    return _Evidence(best.tier, entry, best.decision)


def _reply_class(code: int | None, enhanced: str | None) -> int | None:
    """The reply's class (2 to 5): its basic code's first digit, else its enhanced code's (a
    DSN's "Status: 4.2.0 ..." line, or a text pasted without its basic code)."""
    if code is not None:
        return code // 100
    return int(enhanced[0]) if enhanced else None


def _is_positive(code: int | None, enhanced: str | None) -> bool:
    reply_class = _reply_class(code, enhanced)
    return reply_class is not None and reply_class < 4


def _accepted(code: int | None, enhanced: str | None) -> Explanation:
    # A success speaks through its basic code; a detail such as X.0.0 ("other or undefined
    # status") is written for failures and would only confuse here.
    basic = _basic_entry(code) if code is not None else None
    detail = _enhanced_entry(enhanced) if enhanced else None
    if enhanced and detail and detail.category is Category.ACCEPTED and not detail.generic:
        entry, decision = detail, _enhanced_decision(enhanced)
    elif basic is not None and code is not None:
        entry, decision = basic, _basic_decision(code)
    else:
        entry = Entry(Category.ACCEPTED, Side.UNCLEAR, "Success.", ())
        decision = _enhanced_decision(enhanced or "2.0.0")
    return Explanation(
        code,
        enhanced,
        Category.ACCEPTED,
        Side.UNCLEAR,
        entry.meaning,
        entry.next_steps,
        _details(code, enhanced),
        decision,
    )


def _staged(
    decider: _Evidence, stage: Stage | None, code: int | None, line: str
) -> _Evidence | None:
    """``decider`` read by the command the reply answered (see explain_stage), if it says
    anything here."""
    reading = stage_reading(stage, code, line)
    if reading is None:
        return None
    entry, command = reading
    label = f"{decider.decision.label} in reply to {command}"
    return _Evidence(
        decider.tier, entry, Decision(decider.decision.by, decider.decision.rule, label)
    )


def _worded(decider: _Evidence, line: str, enhanced: str | None) -> _Evidence | None:
    """The words' reading (explain_words) when only a code decided and the words may
    decide (``explain_words.POLICY``); its side is the category's, an ``other``'s its nouns'.
    An enhanced code of the security and policy class keeps words of the receiving side's state
    out (see ``deciding_reading``)."""
    if decider.decision.by not in _CODE_DECISIONS:
        return None
    named = decider.entry.category is not Category.OTHER
    reading = deciding_reading(line, enhanced, code_names_category=named)
    if reading is None or reading.category is decider.entry.category:
        return None
    category, defaults = reading.category, category_defaults()[reading.category]
    side = reading_side(category, line)
    decision = Decision(DecidedBy.WORDS, "keywords", "words in the text", None, reading.evidence)
    entry = Entry(category, side, reading.meaning, defaults.next_steps)
    return _Evidence(decider.tier, entry, decision)


def explain(
    code: int | None, enhanced: str | None, text: str = "", *, stage: Stage | None = None
) -> Explanation:
    """Explain a reply from its basic code, enhanced code and text (any of them may be
    missing). The most specific evidence decides (see the module doc); ``details`` keep what
    each code means on its own. A success (2xx, 3xx) is ``accepted`` and ``unclear``.

    ``stage`` is the command the reply answered when it is known (``connect``, ``helo``,
    ``starttls``, ``mail``, ``rcpt``, ``data``): it speaks only where the codes name nothing."""
    # The line as written (for the words shown) and as read: no address's local part, which
    # is somebody's chosen name, not the server's words (explain_line.without_local_parts).
    shown = led_by_code(one_line(text), code) if text else ""
    line = without_local_parts(shown)
    if enhanced is None and line and not _is_positive(code, None):
        enhanced = find_enhanced(line, code)
    if _is_positive(code, enhanced):  # (also a 2.X.Y found in a text without a basic code)
        return _accepted(code, enhanced)
    ranked = sorted(
        [*_text_evidence(line, shown, code, enhanced), *_code_evidence(code, enhanced)],
        key=lambda item: -item.tier,
    )
    if not ranked:
        return Explanation(
            code,
            enhanced,
            Category.OTHER,
            Side.UNCLEAR,
            "Not a reply smtp-tui recognizes: paste a whole reply line, a code "
            "such as 550, or an enhanced code such as 5.7.1.",
        )
    text_says_more = says_more(line)
    decider = _decider(ranked, text_says_more)
    if decider.entry.category is Category.OTHER and decider.decision.by in _CODE_DECISIONS:
        decider = _staged(decider, stage, code, line) or decider
    if text_says_more:
        # Words a rule does not know, read last: only where a code decided.
        decider = _worded(decider, line, enhanced) or decider
    category, side = decider.entry.category, decider.entry.side
    if category is Category.OTHER and decider.decision.by in _CODE_DECISIONS:
        # Nothing specific spoke: a generic code's side is only a guess, but the nouns of the
        # text ("Recipient unavailable", "your IP") still say whose thing it is about.
        side = subject_side(line) or Side.UNCLEAR
    steps = decider.entry.next_steps or category_defaults()[category].next_steps
    return Explanation(
        code=code,
        enhanced=enhanced,
        category=category,
        side=side,
        meaning=decider.entry.meaning,
        next_steps=steps,
        details=_details(code, enhanced),
        decision=decider.decision,
    )


def explain_reply(reply: Reply, stage: Stage | None = None) -> Explanation:
    """Explain a reply from the wire (``stage``: the command it answered, see ``explain``);
    only its first ``MAX_EXPLAINED_CHARS`` characters count."""
    text = "\n".join(bounded_lines(reply.lines))
    return explain(reply.code, reply.enhanced, text, stage=stage)


def explain_text(text: str) -> Explanation:
    """A pasted reply line (multi-line allowed, the code anywhere in it), a basic code
    ("550"), or an enhanced code ("5.7.1"); anything else is read for known texts alone."""
    pasted = parse_pasted(text)
    return explain(pasted.code, pasted.enhanced, pasted.text, stage=pasted.stage)


def explain_keywords(keywords: dict[str, str]) -> list[str]:
    """One line per EHLO keyword, in plain words (SIZE shown in MB)."""
    known = ehlo_keywords()
    lines = []
    for keyword, params in keywords.items():
        meaning = known.get(keyword)
        if keyword == "SIZE" and params.isascii() and params.isdigit() and int(params) > 0:
            meaning = f"The largest message accepted is {int(params) / 1_000_000:.1f} MB."
        elif keyword == "AUTH" and params:
            meaning = f"{known['AUTH']} Mechanisms: {params}."
        elif meaning is None:
            meaning = (
                "A private extension (X...)."
                if keyword.startswith("X")
                else "An extension smtp-tui does not know."
            )
        lines.append(f"{keyword}: {meaning}")
    return lines

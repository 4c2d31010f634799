"""Explain a reply in plain words: what it means, whose side must act, and what to do next.

Knowledge lives in data files (``data/reply_codes.tsv``, ``data/enhanced_codes.tsv``,
``data/known_texts.toml``, ``data/ehlo_keywords.tsv``). Providers reuse codes with meanings of
their own, so a known text wins over the code registry when both speak.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from smtp_tui.core.replies import Reply, parse_enhanced

CATEGORIES = (
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
)
SIDES = ("yours", "theirs", "unclear")


@dataclass(frozen=True)
class Explanation:
    """A reply explained. ``code``/``enhanced`` are None when the input had none."""

    code: int | None
    enhanced: str | None
    category: str
    side: str
    meaning: str
    next_steps: tuple[str, ...] = ()
    details: tuple[str, ...] = field(default=(), compare=False)
    source: str = field(default="", compare=False)

    def as_text(self) -> str:
        """The explanation for a person (`smtp-tui explain` and the F2 screen)."""
        head = " ".join(str(part) for part in (self.code, self.enhanced) if part)
        lines = [
            f"{head or 'Text'}: {self.meaning}",
            f"Category: {self.category}    Whose side: {self.side}",
        ]
        lines += [f"→ {step}" for step in self.next_steps]
        if self.details:
            lines += ["", *(f"Code {detail}" for detail in self.details)]
        if self.source:
            lines.append(f"(from the {self.source})")
        return "\n".join(lines)

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "enhanced": self.enhanced,
            "category": self.category,
            "side": self.side,
            "meaning": self.meaning,
            "next_steps": list(self.next_steps),
        }


@dataclass(frozen=True)
class Entry:
    category: str
    side: str
    meaning: str
    next_steps: tuple[str, ...]


@dataclass(frozen=True)
class KnownText:
    pattern: re.Pattern[str]
    provider: str
    entry: Entry


def _data(name: str) -> str:
    return resources.files("smtp_tui.core").joinpath(f"data/{name}").read_text("utf-8")


def _read_tsv(name: str) -> dict[str, Entry]:
    rows = csv.DictReader(io.StringIO(_data(name)), delimiter="\t", quoting=csv.QUOTE_NONE)
    table: dict[str, Entry] = {}
    for row in rows:
        steps = tuple(step.strip() for step in (row["next_steps"] or "").split("|") if step.strip())
        table[row["code"]] = Entry(row["category"], row["side"], row["meaning"], steps)
    return table


@cache
def reply_codes() -> dict[str, Entry]:
    """Basic reply codes ("550") and classes ("5yz")."""
    return _read_tsv("reply_codes.tsv")


@cache
def enhanced_codes() -> dict[str, Entry]:
    """Enhanced status codes keyed as in the registry: "X.1.1", "5.X.X", "X.7.X"."""
    return _read_tsv("enhanced_codes.tsv")


@cache
def known_texts() -> tuple[KnownText, ...]:
    data = tomllib.loads(_data("known_texts.toml"))
    return tuple(
        KnownText(
            re.compile(item["pattern"], re.IGNORECASE),
            item["provider"],
            Entry(item["category"], item["side"], item["meaning"], tuple(item["next_steps"])),
        )
        for item in data["text"]
    )


@cache
def ehlo_keywords() -> dict[str, str]:
    rows = csv.DictReader(
        io.StringIO(_data("ehlo_keywords.tsv")), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    return {row["keyword"]: row["meaning"] for row in rows}


def _enhanced_entry(enhanced: str) -> Entry | None:
    _class, subject, detail = enhanced.split(".")
    table = enhanced_codes()
    return table.get(f"X.{subject}.{detail}") or table.get(f"X.{subject}.X")


def _basic_entry(code: int) -> Entry | None:
    table = reply_codes()
    return table.get(str(code)) or table.get(f"{code // 100}yz")


def match_known_text(text: str) -> KnownText | None:
    for known in known_texts():
        if known.pattern.search(text):
            return known
    return None


def explain(code: int | None, enhanced: str | None, text: str = "") -> Explanation:
    """Explain from the most specific source that speaks: a known text, then the enhanced
    code, then the basic code. ``details`` keep what each code means on its own."""
    basic = _basic_entry(code) if code is not None else None
    detail = _enhanced_entry(enhanced) if enhanced else None
    positive = code is not None and code < 400
    known = match_known_text(text) if text and not positive else None

    details: list[str] = []
    if basic is not None and code is not None:
        details.append(f"{code}: {basic.meaning}")
    if detail is not None and enhanced:
        details.append(f"{enhanced}: {detail.meaning}")

    ranked = [entry for entry in (detail, basic) if entry is not None]
    if positive:
        # A success speaks through its basic code; a detail such as X.0.0 ("other or undefined
        # status") is written for failures and would only confuse here.
        ranked = [e for e in (detail, basic) if e is not None and e.category == "accepted"]
    if known is not None:
        ranked.insert(0, known.entry)
    if not ranked:
        return Explanation(
            code,
            enhanced,
            "other",
            "unclear",
            "Not a reply smtp-tui recognizes: paste a whole reply line, a code "
            "such as 550, or an enhanced code such as 5.7.1.",
        )
    primary = ranked[0]
    category = next((e.category for e in ranked if e.category != "other"), "other")
    side = next((e.side for e in ranked if e.side != "unclear"), "unclear")
    if known is not None:
        category, side = known.entry.category, known.entry.side
    if positive:
        category, side = "accepted", "unclear"
    steps = next((e.next_steps for e in ranked if e.next_steps), ())
    source = (
        f"known text ({known.provider})" if known else ("enhanced code" if detail else "reply code")
    )
    return Explanation(
        code=code,
        enhanced=enhanced,
        category=category,
        side=side,
        meaning=primary.meaning,
        next_steps=tuple(steps),
        details=tuple(details),
        source=source,
    )


def explain_reply(reply: Reply) -> Explanation:
    return explain(reply.code, reply.enhanced, reply.text)


_LINE = re.compile(r"^\s*([2-5]\d\d)(?:[ -]|$)(.*)$", re.DOTALL)
_ENHANCED_ONLY = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})\s*$")


def explain_text(text: str) -> Explanation:
    """A whole reply line (multi-line allowed), a basic code ("550"), or an enhanced code
    ("5.7.1"); anything else is matched against known texts alone."""
    stripped = text.strip()
    only = _ENHANCED_ONLY.match(stripped)
    if only:
        return explain(None, ".".join(only.groups()))
    match = _LINE.match(stripped)
    if not match:
        return explain(None, None, stripped)
    code = int(match.group(1))
    # Multi-line pastes: drop the code prefix of each line, keep the words.
    rest = re.sub(r"(?m)^\s*[2-5]\d\d[ -]", "", match.group(2))
    enhanced = parse_enhanced(rest.strip(), code)
    return explain(code, enhanced, rest)


def explain_keywords(keywords: dict[str, str]) -> list[str]:
    """One line per EHLO keyword, in plain words (SIZE shown in MB)."""
    known = ehlo_keywords()
    lines = []
    for keyword, params in keywords.items():
        meaning = known.get(keyword)
        if keyword == "SIZE" and params.isdigit() and int(params) > 0:
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

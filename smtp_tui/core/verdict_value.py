"""A verdict as a value: whose side, which category, the evidence and the next steps, and the
words it is shown in (text, Markdown, JSON)."""

from __future__ import annotations

from smtp_tui.core.record import field, frozen_record

# Evidence quoted from a server is cut here: a reply may be 1,000 lines of 4 KiB.
EVIDENCE_LIMIT = 300

_SIDE_WORDS = {"yours": "your side", "theirs": "their side", "unclear": "unclear whose side"}


def side_words(side: str) -> str:
    """``yours`` -> "your side", for text people read (JSON keeps the short value)."""
    return _SIDE_WORDS.get(str(side), str(side))


def excerpt(text: str, limit: int = EVIDENCE_LIMIT) -> str:
    """At most ``limit`` characters of ``text``, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters left out)"


@frozen_record
class Verdict:
    verdict: str
    side: str
    category: str
    evidence: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "side": self.side,
            "category": self.category,
            "evidence": list(self.evidence),
            "next_steps": list(self.next_steps),
        }

    def as_text(self) -> str:
        lines = [f"Verdict ({side_words(self.side)}): {self.verdict}"]
        lines += [f"  evidence: {item}" for item in self.evidence]
        lines += [f"  next: {item}" for item in self.next_steps]
        return "\n".join(lines)

    def as_markdown(self) -> str:
        lines = [
            "## Verdict",
            "",
            f"**{self.verdict}** ({side_words(self.side)}; category: {self.category})",
            "",
        ]
        if self.evidence:
            lines += ["Evidence:", *[f"- {item}" for item in self.evidence], ""]
        if self.next_steps:
            lines += ["Next steps:", *[f"- {item}" for item in self.next_steps]]
        return "\n".join(lines)

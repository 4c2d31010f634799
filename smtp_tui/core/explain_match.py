"""Find the known texts that speak in a reply line, loudest first.

Only the highest tier that matches speaks (a provider's own text silences the generic texts
and the keywords). Inside that tier, known texts are ranked by their ``priority`` and then by
the length of what they matched: a whole sentence of a provider beats a URL or a list's name.
Keyword families keep their file order instead, which the data file arranges from narrow
("an IP that is blocked") to wide ("blocked").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from smtp_tui.core.explain_data import known_texts
from smtp_tui.core.explain_kinds import KnownText, Tier


@dataclass(frozen=True)
class TextMatch:
    known: KnownText
    words: str  # the words of the reply that matched, as written


def _top_tier_matches(line: str) -> list[TextMatch]:
    """The known texts found in ``line`` in the highest tier that has any, in file order.

    Patterns are stored in lowercase (see ``explain_data.lowercase_pattern``), so the line is
    lowered once instead of matching each pattern case-insensitively.
    """
    lowered = line.lower()
    same_length = len(lowered) == len(line)
    matches: list[TextMatch] = []
    for known in known_texts():
        if matches and known.tier < matches[0].known.tier:
            break  # a lower tier never speaks once a higher one has
        found = known.pattern.search(lowered)
        if found:
            start, end = _longest(known, lowered, found.start(), found.end())
            words = line[start:end] if same_length else lowered[start:end]
            matches.append(TextMatch(known, words))
    return matches


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _longest(known: KnownText, lowered: str, start: int, end: int) -> tuple[int, int]:
    """The span of the longest alternative of ``known`` found in ``lowered``: a provider's whole
    sentence, not the short code or URL that happens to come first in the line."""
    for alternative in known.alternatives:
        found = _compiled(alternative).search(lowered)
        if found and found.end() - found.start() > end - start:
            start, end = found.start(), found.end()
    return start, end


def text_matches(line: str) -> list[TextMatch]:
    """The known texts of the highest tier that matches ``line``, the one that decides first."""
    matches = _top_tier_matches(line)
    if matches and matches[0].known.tier >= Tier.GENERIC_TEXT:
        matches.sort(key=lambda match: (-match.known.priority, -len(match.words)))
    return matches

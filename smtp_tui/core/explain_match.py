"""Find the known texts that speak in a reply line, loudest first.

Only the highest tier that matches speaks (a provider's own text silences the generic texts
and the keywords). Inside that tier, known texts are ranked by their ``priority`` and then by
the length of what they matched: a whole sentence of a provider beats a URL or a list's name.
Keyword families keep their file order instead, which the data file arranges from narrow
("an IP that is blocked") to wide ("blocked"), with one exception: when the reply states a cause
("... rate limited because it is unauthenticated", "... rejected due to ..."), a family found in
the cause speaks before the ones found in the effect.

Vendor tags written as one identifier ("FORBIDDEN_FILE_EXTENSION", "SPAM_CLIENT") are read as the
words they are made of.
"""

from __future__ import annotations

import re
from functools import cache

from smtp_tui.core.explain_data import known_texts
from smtp_tui.core.explain_kinds import KnownText, Tier
from smtp_tui.core.record import frozen_record


@frozen_record
class TextMatch:
    known: KnownText
    words: str  # the words of the reply that matched, as written
    start: int = 0  # where they start in the line


# An identifier-style tag of upper-case words joined by underscores, as filters print their rule
# names ("Matched map: FORBIDDEN_FILE_EXTENSION"): its underscores are read as spaces.
_VENDOR_TAG = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
# Words that introduce the cause of what the reply did, in the languages the keywords cover.
_CAUSE = re.compile(
    r"\b(?:because(?: of)?|due to|as a result of|caused by|owing to|parce que|aufgrund|wegen"
    r"|debido a|devido a|a causa d(?:i|el|ella)?|en raison d(?:e|u|es)?)\b"
)


def readable_tags(line: str) -> str:
    """``line`` with the underscores of upper-case vendor tags made spaces (same length)."""
    return _VENDOR_TAG.sub(lambda found: found.group().replace("_", " "), line)


def _top_tier_matches(line: str, shown: str) -> list[TextMatch]:
    """The known texts found in ``line`` in the highest tier that has any, in file order.

    Patterns are stored in lowercase (see ``explain_data.lowercase_pattern``), so the line is
    lowered once instead of matching each pattern case-insensitively.
    """
    lowered = line.lower()
    # A second view with vendor tags read as words, only when the line has any: a pattern that
    # names the tag itself ("spam_suspect:ip_control") still finds it in the first view.
    tagged = readable_tags(line).lower()
    has_tags = tagged != lowered
    same_length = len(lowered) == len(shown)
    matches: list[TextMatch] = []
    for known in known_texts():
        if matches and known.tier < matches[0].known.tier:
            break  # a lower tier never speaks once a higher one has
        found = known.pattern.search(lowered) or (
            known.pattern.search(tagged) if has_tags else None
        )
        if found:
            start, end = _longest(known, lowered, found.start(), found.end())
            words = shown[start:end] if same_length else lowered[start:end]
            matches.append(TextMatch(known, words, start))
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


def text_matches(line: str, shown: str | None = None) -> list[TextMatch]:
    """The known texts of the highest tier that matches ``line``, the one that decides first.

    ``line`` is the reply as the explainer reads it (no address's local part:
    ``explain_line.without_local_parts``); ``shown``, the same line as written, gives the words
    a match reports (same length)."""
    matches = _top_tier_matches(line, line if shown is None else shown)
    if matches and matches[0].known.tier >= Tier.GENERIC_TEXT:
        matches.sort(key=lambda match: (-match.known.priority, -len(match.words)))
    elif len(matches) > 1:
        matches = _cause_first(line, matches)
    return matches


def _cause_first(line: str, matches: list[TextMatch]) -> list[TextMatch]:
    """Keyword matches with those inside the reply's stated cause first (file order kept within
    each group): in "rate limited because it is unauthenticated" the cause is what must change."""
    cause = _CAUSE.search(line.lower())
    if cause is None:
        return matches
    return sorted(matches, key=lambda match: match.start < cause.end())

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


# The local part of an e-mail address in the reply ("<spammer@example.org>"): the sender's or
# recipient's chosen name, not the server's words, so no family may read it ("... Access
# denied" is not spam for naming spammer@). Masked with as many x's, which keeps every span where
# it was (the words shown are the line's own). RFC 2142's role mailboxes stay when the server
# names them ("contact abuse@..." points at your behaviour), not when it echoes one as an
# envelope address ("<abuse@...>... Access denied"). A URL is left whole: its query may carry an
# address, but its host and path are the server's words ("spamhaus.org/query/...").
_URL_OR_LOCAL_PART = re.compile(
    r"(?P<url>https?://\S+)"
    r"|(?<![\w.+%!#$&'*^`{|}~-])"
    r"(?:(?<=<)|(?!(?:abuse|postmaster|hostmaster|security|noc|webmaster|mailer-daemon)@))"
    r"(?P<local>[\w.+%!#$&'*^`{|}~-]+)(?=@(?:[\w-]+(?:\.[\w-]+)*|\[[^\]]*\]))"
)


def without_local_parts(text: str) -> str:
    """``text`` with the local part of every e-mail address made x's (same length)."""
    if "@" not in text:
        return text
    return _URL_OR_LOCAL_PART.sub(
        lambda found: found.group() if found.group("url") else "x" * len(found.group()), text
    )


def readable_tags(line: str) -> str:
    """``line`` with the underscores of upper-case vendor tags made spaces (same length)."""
    return _VENDOR_TAG.sub(lambda found: found.group().replace("_", " "), line)


def _top_tier_matches(line: str) -> list[TextMatch]:
    """The known texts found in ``line`` in the highest tier that has any, in file order.

    Patterns are stored in lowercase (see ``explain_data.lowercase_pattern``), so the line is
    lowered once instead of matching each pattern case-insensitively.
    """
    lowered = line.lower()
    # A second view with vendor tags read as words, only when the line has any: a pattern that
    # names the tag itself ("spam_suspect:ip_control") still finds it in the first view.
    tagged = readable_tags(line).lower()
    has_tags = tagged != lowered
    lowered = without_local_parts(lowered)
    tagged = without_local_parts(tagged) if has_tags else lowered
    same_length = len(lowered) == len(line)
    matches: list[TextMatch] = []
    for known in known_texts():
        if matches and known.tier < matches[0].known.tier:
            break  # a lower tier never speaks once a higher one has
        found = known.pattern.search(lowered) or (
            known.pattern.search(tagged) if has_tags else None
        )
        if found:
            start, end = _longest(known, lowered, found.start(), found.end())
            words = line[start:end] if same_length else lowered[start:end]
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


def text_matches(line: str) -> list[TextMatch]:
    """The known texts of the highest tier that matches ``line``, the one that decides first."""
    matches = _top_tier_matches(line)
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

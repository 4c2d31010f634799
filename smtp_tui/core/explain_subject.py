"""Whose side a reply is about, from the nouns it uses, when only a code spoke.

When no known text or keyword names a category and only a generic code decided ("550 5.2.0 ...
Recipient unavailable", "550 Recipient verification problem"), the category stays ``other``, but
the words still say whose thing the reply is about: the recipient, the mailbox (their side), or
the sender, "your IP" (your side). ``data/reply_subjects.tsv`` holds those nouns (and the phrases
that use a noun without being about it). A text that names both sides, or neither, settles
nothing.

Postfix writes "Recipient address rejected:" in front of every recipient refusal, whatever the
cause, so that phrase is not read as a noun of its own.
"""

from __future__ import annotations

import csv
import io
import re
from functools import cache

from smtp_tui.core.explain_data import data_text
from smtp_tui.core.explain_kinds import Side
from smtp_tui.core.record import frozen_record

_POSTFIX_PREFIX = re.compile(r"\b(?:recipient|sender) address rejected\s*:", re.IGNORECASE)


@frozen_record
class SubjectNouns:
    side: Side
    pattern: re.Pattern[str]


@cache
def subject_nouns() -> tuple[SubjectNouns, ...]:
    """The nouns of ``data/reply_subjects.tsv``, one pattern per side."""
    rows = csv.DictReader(
        io.StringIO(data_text("reply_subjects.tsv")), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    return tuple(
        SubjectNouns(Side(row["side"]), re.compile(row["pattern"], re.IGNORECASE)) for row in rows
    )


def subject_side(line: str) -> Side | None:
    """The side whose nouns ``line`` uses, or None when it names both sides or neither.

    Rows whose side is ``unclear`` are phrases that use a noun without being about it ("no valid
    recipients"): they are taken out of the text before the nouns are looked for."""
    text = _POSTFIX_PREFIX.sub(" ", line)
    nouns = subject_nouns()
    for neutral in (row for row in nouns if row.side is Side.UNCLEAR):
        text = neutral.pattern.sub(" ", text)
    sides = {row.side for row in nouns if row.side is not Side.UNCLEAR and row.pattern.search(text)}
    return sides.pop() if len(sides) == 1 else None

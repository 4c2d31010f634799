"""Print only the ``dev`` rows of replies-own.tsv: the one way to look at the corpus's texts.

Run:  python benchmarks/corpus/dev_rows.py [--grep REGEX] [--category NAME] [--source TEXT]
                                            [--misses] [--sources] [--count]

A row is shown only when its ``split`` column says ``dev`` *and* the split rule, recomputed from
its text, agrees (sha256 of the text mod 3 != 0): a holdout row is never printed, even if its
split column were wrong. ``--grep`` searches the text (case-insensitive); ``--source`` the source
column (a plain substring). ``--misses`` shows only rows the explainer gets wrong, with its
answer. ``--sources`` lists the distinct sources of dev rows (to check a new source is new).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

OWN = Path(__file__).resolve().parent / "replies-own.tsv"


def is_holdout(text: str) -> bool:
    """The corpus's split rule, fixed before any labelling (see README.md)."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % 3 == 0


def dev_rows(path: Path = OWN) -> list[dict[str, str]]:
    """Rows that are ``dev`` by their column and by the rule; holdout rows are dropped unread."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            row
            for row in reader
            if (row.get("split") or "").strip() == "dev" and not is_holdout(row["text"])
        ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grep", help="regular expression searched in the text (any case)")
    parser.add_argument("--category", help="only rows with this category label")
    parser.add_argument("--source", help="only rows whose source contains this text")
    parser.add_argument("--misses", action="store_true", help="only rows the explainer gets wrong")
    parser.add_argument("--sources", action="store_true", help="list distinct sources and counts")
    parser.add_argument("--count", action="store_true", help="print only the number of rows")
    args = parser.parse_args(argv)
    rows = dev_rows()
    if args.grep:
        pattern = re.compile(args.grep, re.IGNORECASE)
        rows = [row for row in rows if pattern.search(row["text"])]
    if args.category:
        rows = [row for row in rows if row["category"] == args.category]
    if args.source:
        rows = [row for row in rows if args.source in row["source"]]
    if args.sources:
        for source, count in Counter(row["source"] for row in rows).most_common():
            print(f"{count:4d}  {source}")
        return 0
    answers: dict[int, str] = {}
    if args.misses:
        from smtp_tui.core.explain import explain_text

        kept = []
        for row in rows:
            got = explain_text(row["text"])
            if (str(got.category), str(got.side)) != (row["category"], row["side"]):
                answers[id(row)] = f"{got.category}/{got.side} [{got.rule}]"
                kept.append(row)
        rows = kept
    if args.count:
        print(len(rows))
        return 0
    for row in rows:
        got = f"  GOT {answers[id(row)]}" if id(row) in answers else ""
        print(f"{row['category']}/{row['side']}{got}  <{row['source']}>\n    {row['text']}")
    print(f"({len(rows)} dev rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

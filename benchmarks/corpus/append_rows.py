"""Append a batch of new real reply lines to replies-own.tsv, dev rows only, scored blind first.

Run:  python benchmarks/corpus/append_rows.py BATCH.tsv            (dry run: counts and blind score)
      python benchmarks/corpus/append_rows.py BATCH.tsv --write    (append the kept rows)

BATCH.tsv has the columns ``text category side source`` (tab-separated, a header line, no
quoting). Each text is normalised (whitespace collapsed) and then:

- skipped when it equals, compared case-insensitively, a row already in replies-own.tsv or in
  ../shared/corpus/replies-sisimai.tsv, or an earlier line of the batch;
- left out (not added, not shown) when the split rule puts it in the holdout: the holdout stays
  the fixed set it was when it was first measured;
- otherwise appended with ``split = dev``.

The dry run prints the explainer's blind score on the rows that would be added (before any
tuning for them) and the rows it gets wrong; holdout lines are only counted.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

from dev_rows import OWN, is_holdout

from smtp_tui.core.explain import CATEGORIES, SIDES, explain_text

SISIMAI = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "replies-sisimai.tsv"
_SPACES = re.compile(r"\s+")


def normalised(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _texts(path: Path) -> set[str]:
    if not path.exists():
        return set()
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {normalised(row["text"]).lower() for row in reader}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("batch", type=Path)
    parser.add_argument("--write", action="store_true", help="append the kept rows")
    args = parser.parse_args(argv)
    seen = _texts(OWN) | _texts(SISIMAI)
    kept: list[tuple[str, str, str, str]] = []
    duplicates = holdout = 0
    with open(args.batch, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for number, row in enumerate(reader, start=2):
            text = normalised(row["text"])
            category, side, source = row["category"], row["side"], row["source"].strip()
            if category not in CATEGORIES or side not in SIDES or not source:
                raise SystemExit(f"{args.batch}:{number}: bad label or no source: {row}")
            if not re.match(r"^[2-5]\d\d\b", text):
                raise SystemExit(f"{args.batch}:{number}: no reply code at the start")
            if text.lower() in seen:
                duplicates += 1
                continue
            seen.add(text.lower())
            if is_holdout(text):
                holdout += 1
                continue
            kept.append((text, category, side, source))
    right_category = right_side = 0
    for text, category, side, _source in kept:
        got = explain_text(text)
        right_category += str(got.category) == category
        right_side += str(got.side) == side
        if (str(got.category), str(got.side)) != (category, side):
            print(f"MISS want {category}/{side} got {got.category}/{got.side} [{got.rule}]")
            print(f"     {text[:300]}")
    total = len(kept) or 1
    print(
        f"kept {len(kept)} dev rows from {len({source for *_rest, source in kept})} sources; "
        f"skipped {duplicates} duplicates, left out {holdout} holdout lines"
    )
    print(
        f"blind: category {right_category / total:.1%} ({right_category}/{len(kept)}), "
        f"side {right_side / total:.1%} ({right_side}/{len(kept)})"
    )
    if args.write and kept:
        with open(OWN, "a", encoding="utf-8", newline="") as handle:
            for text, category, side, source in kept:
                handle.write("\t".join((text, category, side, source, "dev")) + "\n")
        print(f"appended {len(kept)} rows to {OWN.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

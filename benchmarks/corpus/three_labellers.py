"""The corpus's rows labelled three times, and the label most labellers gave.

The first labels are the ones in ``replies-own.tsv``. Two more labellers labelled a sample of
dev rows and every holdout row again, blind (each saw only the text, its source and the README's
rules; never another labelling nor the explainer's answers): ``second-labeller*.tsv`` before the
README's settled rules, ``third-labeller*.tsv`` after them. Where the three differ, the majority
decides category and side each on its own; where all three differ, the first label stands.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECOND = HERE / "second-labeller.tsv"
THIRD = HERE / "third-labeller.tsv"
SECOND_HOLDOUT = HERE / "second-labeller-holdout.tsv"
THIRD_HOLDOUT = HERE / "third-labeller-holdout.tsv"

Label = tuple[str, str]  # (category, side)


def read_labelling(path: Path) -> dict[str, Label]:
    """A labelling file's labels by text."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {row["text"]: (row["category"], row["side"]) for row in rows}


def _most_given(first: str, *others: str) -> str:
    value, count = Counter((first, *others)).most_common(1)[0]
    return value if count >= 2 else first


def majority(first: Label, second: Label, third: Label) -> Label:
    """The category and the side at least two labellers gave, else the first labeller's."""
    return (
        _most_given(first[0], second[0], third[0]),
        _most_given(first[1], second[1], third[1]),
    )


def holdout_labels() -> dict[str, Label]:
    """The first labels of the holdout rows, by text: for figures only, never to be shown."""
    with (HERE / "replies-own.tsv").open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {r["text"]: (r["category"], r["side"]) for r in rows if r["split"] == "holdout"}

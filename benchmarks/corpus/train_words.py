"""Build smtp_tui/core/data/word_weights.tsv, the explainer's word model, from the DEV rows only.

Run:  python benchmarks/corpus/train_words.py [--check]

The rows are read through ``dev_rows.py`` (its split column *and* its hash rule), so a holdout
row can never be read; nothing else is read (not ../shared/corpus: that set stays a development
set the model never learns from). ``accepted`` rows are left out: the words are asked only about
refusals. Each row's text is read as the explainer reads it (``parse_pasted`` then
``one_line``), and each of its features (``word_features``) counts once per row. Features seen in
fewer than ``MIN_ROWS`` rows are dropped. The file is written the same way every time (sorted,
no dates), so ``--check`` can say whether the committed file is the one these rows make.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_rows import dev_rows

from smtp_tui.core.explain_kinds import Category
from smtp_tui.core.explain_line import one_line, parse_pasted
from smtp_tui.core.explain_words import WEIGHTS_FILE, word_features

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "smtp_tui" / "core" / "data" / WEIGHTS_FILE
ALPHA = 0.5
MIN_ROWS = 2

Counts = dict[str, dict[Category, int]]


def row_features(text: str) -> frozenset[str]:
    """The features of a corpus row, read as the explainer reads a pasted line."""
    return word_features(one_line(parse_pasted(text).text))


def count_rows(rows: Iterable[tuple[frozenset[str], Category]]) -> tuple[Counter[Category], Counts]:
    """Rows per category, and for each feature the rows per category that hold it."""
    per_category: Counter[Category] = Counter()
    counts: defaultdict[str, Counter[Category]] = defaultdict(Counter)
    for features, category in rows:
        per_category[category] += 1
        for feature in features:
            counts[feature][category] += 1
    return per_category, {feature: dict(count) for feature, count in counts.items()}


def pruned(counts: Counts, min_rows: int = MIN_ROWS) -> Counts:
    """Only the features seen in at least ``min_rows`` rows."""
    return {
        feature: per_category
        for feature, per_category in counts.items()
        if sum(per_category.values()) >= min_rows
    }


def labelled_dev_rows() -> list[tuple[frozenset[str], Category, str]]:
    """(features, category, source) of every dev row that is a refusal."""
    return [
        (row_features(row["text"]), Category(row["category"]), row["source"])
        for row in dev_rows()
        if row["category"] != Category.ACCEPTED
    ]


def _pairs(per_category: dict[Category, int]) -> str:
    order = list(Category)
    return " ".join(
        f"{category}:{count}"
        for category, count in sorted(per_category.items(), key=lambda item: order.index(item[0]))
    )


def weights_text(rows: Counter[Category], counts: Counts, alpha: float = ALPHA) -> str:
    """The weights file for these counts: the same bytes for the same counts."""
    lines = [
        "# The explainer's word model (smtp_tui/core/explain_words.py): naive-Bayes counts.",
        "# Made by benchmarks/corpus/train_words.py from the dev rows of",
        f"# benchmarks/corpus/replies-own.tsv only ({sum(rows.values())} refusals; no holdout",
        "# row, no sisimai row). Each line: a feature (a word or two adjacent words) and, per",
        f"# category, the number of rows that hold it; features in fewer than {MIN_ROWS} rows",
        "# are left out. Do not edit: run the script again.",
        f"@alpha\t{alpha}",
        f"@rows\t{_pairs(rows)}",
    ]
    lines += [f"{feature}\t{_pairs(counts[feature])}" for feature in sorted(counts)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only say whether the data file is up to date"
    )
    args = parser.parse_args(argv)
    rows, counts = count_rows((features, category) for features, category, _ in labelled_dev_rows())
    text = weights_text(rows, pruned(counts))
    if args.check:
        current = WEIGHTS.read_text("utf-8") if WEIGHTS.exists() else ""
        print(f"{WEIGHTS_FILE} is {'up to date' if current == text else 'OUT OF DATE'}")
        return 0 if current == text else 1
    WEIGHTS.write_text(text, "utf-8")
    kept = len(text.splitlines()) - 8
    size = len(text.encode())
    print(f"wrote {WEIGHTS} ({size} bytes, {kept} features, {sum(rows.values())} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

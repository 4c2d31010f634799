"""How often two labellers agree: the ceiling a category goal can be judged against.

Run:  python benchmarks/corpus/labeller_agreement.py [--rows]

``second-labeller.tsv`` holds 200 dev rows of ``replies-own.tsv`` (drawn at random, seed
20261130) labelled a second time by a labeller who saw only the text, its source and the
labelling rules of README.md: never the first labels, the explainer's answers, nor the holdout.
This prints how often the two labellings agree on category and side, and how often the explainer
agrees with each. The first labels were tuned on (they are dev rows), the second were not: the
explainer's agreement with the second labeller, beside the labellers' agreement with each other,
says how much of what remains is the explainer and how much is the labels themselves.

Holdout rows are never read (``dev_rows.py``'s rule): a row of the file that is not a dev row
stops the script.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_rows import dev_rows

from smtp_tui.core.explain import explain_text

SECOND = Path(__file__).resolve().parent / "second-labeller.tsv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", action="store_true", help="list the rows the labellers differ on")
    args = parser.parse_args(argv)
    first = {row["text"]: row for row in dev_rows()}
    with SECOND.open(encoding="utf-8", newline="") as handle:
        second = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    missing = [row["text"] for row in second if row["text"] not in first]
    if missing:
        print(f"not dev rows of replies-own.tsv: {missing[:3]}", file=sys.stderr)
        return 2
    n = len(second)
    agree = Counter[str]()
    pairs = Counter[tuple[str, str]]()
    for row in second:
        label = first[row["text"]]
        got = explain_text(row["text"])
        answer = (str(got.category), str(got.side))
        agree["labellers category"] += label["category"] == row["category"]
        agree["labellers side"] += label["side"] == row["side"]
        agree["explainer/first category"] += answer[0] == label["category"]
        agree["explainer/first side"] += answer[1] == label["side"]
        agree["explainer/second category"] += answer[0] == row["category"]
        agree["explainer/second side"] += answer[1] == row["side"]
        if label["category"] != row["category"]:
            pairs[(label["category"], row["category"])] += 1
            if args.rows:
                print(
                    f"first {label['category']}/{label['side']}  second "
                    f"{row['category']}/{row['side']}  explainer {answer[0]}/{answer[1]}\n"
                    f"    {row['text'][:160]}"
                )
    print(f"{n} dev rows labelled twice (category % / side %)")
    for who in ("labellers", "explainer/first", "explainer/second"):
        cat, side = agree[f"{who} category"], agree[f"{who} side"]
        print(f"  {who:<18} {cat / n:6.1%} ({cat}/{n})  {side / n:6.1%} ({side}/{n})")
    print("categories the labellers differ on (first -> second):")
    for (a, b), count in pairs.most_common():
        print(f"  {count}  {a} -> {b}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

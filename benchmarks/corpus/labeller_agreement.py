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

``--holdout`` does the same for the 240 holdout rows, labelled a second time by another labeller
under the same conditions (``second-labeller-holdout.tsv``): it prints the summary figures only,
never a row nor a confusion pair, as ``explain_accuracy.py --holdout`` does, so nobody tuning the
explainer sees a holdout row through it. It adds the explainer's score on the rows whose two
labels agree (both labellers, category and side).
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

HERE = Path(__file__).resolve().parent
SECOND = HERE / "second-labeller.tsv"
SECOND_HOLDOUT = HERE / "second-labeller-holdout.tsv"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


Labels = dict[str, str]  # a row's "category" and "side"


def _count(agree: Counter[str], first: Labels, second: Labels, answer: tuple[str, str]) -> None:
    """Add one twice-labelled row to ``agree``: labellers with each other, the explainer's
    ``answer`` with each labelling, and with both where both agree."""
    both = first["category"] == second["category"] and first["side"] == second["side"]
    agree["labellers category"] += first["category"] == second["category"]
    agree["labellers side"] += first["side"] == second["side"]
    for who, label in (("first", first), ("second", second)):
        agree[f"explainer/{who} category"] += answer[0] == label["category"]
        agree[f"explainer/{who} side"] += answer[1] == label["side"]
    agree["explainer/either category"] += answer[0] in (first["category"], second["category"])
    agree["agreed rows"] += both
    agree["explainer/agreed category"] += both and answer[0] == first["category"]
    agree["explainer/agreed side"] += both and answer[1] == first["side"]


def _summary(agree: Counter[str], n: int, what: str) -> None:
    print(f"{n} {what} labelled twice (category % / side %)")
    for who in ("labellers", "explainer/first", "explainer/second"):
        cat, side = agree[f"{who} category"], agree[f"{who} side"]
        print(f"  {who:<18} {cat / n:6.1%} ({cat}/{n})  {side / n:6.1%} ({side}/{n})")
    either = agree["explainer/either category"]
    print(f"  explainer category equal to one of the two labels: {either / n:.1%} ({either}/{n})")
    m = agree["agreed rows"]
    cat, side = agree["explainer/agreed category"], agree["explainer/agreed side"]
    print(
        f"  rows both labellers label alike ({m}): explainer {cat / max(m, 1):.1%} ({cat}/{m})"
        f"  {side / max(m, 1):.1%} ({side}/{m})"
    )


def _answer(text: str) -> tuple[str, str]:
    got = explain_text(text)
    return str(got.category), str(got.side)


def holdout() -> int:
    """Summary figures of two labellings of the holdout and of the explainer against each."""
    first = {
        row["text"]: row for row in _read(HERE / "replies-own.tsv") if row["split"] == "holdout"
    }
    second = _read(SECOND_HOLDOUT)
    if {row["text"] for row in second} != set(first):
        print("second-labeller-holdout.tsv does not hold exactly the holdout rows", file=sys.stderr)
        return 2
    agree = Counter[str]()
    for row in second:
        _count(agree, first[row["text"]], row, _answer(row["text"]))
    print("Summary figures only: no holdout row is shown.")
    _summary(agree, len(second), "holdout rows")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", action="store_true", help="list the rows the labellers differ on")
    parser.add_argument(
        "--holdout", action="store_true", help="the holdout's two labellings, summary figures only"
    )
    args = parser.parse_args(argv)
    if args.holdout:
        if args.rows:
            parser.error("--rows shows dev rows only")
        return holdout()
    first = {row["text"]: row for row in dev_rows()}
    second = _read(SECOND)
    missing = [row["text"] for row in second if row["text"] not in first]
    if missing:
        print(f"{len(missing)} rows are not dev rows of replies-own.tsv", file=sys.stderr)
        return 2
    agree = Counter[str]()
    pairs = Counter[tuple[str, str]]()
    for row in second:
        label, answer = first[row["text"]], _answer(row["text"])
        _count(agree, label, row, answer)
        if label["category"] != row["category"]:
            pairs[(label["category"], row["category"])] += 1
            if args.rows:
                print(
                    f"first {label['category']}/{label['side']}  second "
                    f"{row['category']}/{row['side']}  explainer {answer[0]}/{answer[1]}\n"
                    f"    {row['text'][:160]}"
                )
    _summary(agree, len(second), "dev rows")
    print("categories the labellers differ on (first -> second):")
    for (a, b), count in pairs.most_common():
        print(f"  {count}  {a} -> {b}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

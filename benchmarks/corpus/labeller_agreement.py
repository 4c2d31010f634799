"""How often three labellers agree: the ceiling a category goal can be judged against.

Run:  python benchmarks/corpus/labeller_agreement.py [--rows]
      python benchmarks/corpus/labeller_agreement.py --holdout   (summary figures only)

200 dev rows of ``replies-own.tsv`` (drawn at random, seed 20261130) and all 240 holdout rows were
labelled twice more, blind (see ``three_labellers.py``): the second time before the README's
settled rules, the third time after them. This prints how often each pair of labellings agrees on
category and side, how often all three do, and how often the explainer agrees with the first
labels, with the majority's, and with the rows all three label alike. The first dev labels were
tuned on; the others were not.

Holdout rows are never shown (``dev_rows.py``'s rule): a row of a dev file that is not a dev row
stops the script, and ``--holdout`` prints summary figures only, never a row nor a confusion
pair, as ``explain_accuracy.py --holdout`` does. ``--rows`` lists the dev rows whose majority
label differs from the first label.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_rows import dev_rows
from three_labellers import (
    SECOND,
    SECOND_HOLDOUT,
    THIRD,
    THIRD_HOLDOUT,
    Label,
    holdout_labels,
    majority,
    read_labelling,
)

from smtp_tui.core.explain import explain_text

HERE = Path(__file__).resolve().parent
PAIRS = (("first", "second"), ("first", "third"), ("second", "third"))


def _answer(text: str) -> Label:
    got = explain_text(text)
    return str(got.category), str(got.side)


def _count(agree: Counter[str], labels: dict[str, Label], answer: Label) -> None:
    """Add one thrice-labelled row to ``agree``."""
    for a, b in PAIRS:
        agree[f"{a}/{b} category"] += labels[a][0] == labels[b][0]
        agree[f"{a}/{b} side"] += labels[a][1] == labels[b][1]
    all_alike = labels["first"] == labels["second"] == labels["third"]
    agree["all alike"] += all_alike
    agree["majority differs from first"] += labels["majority"] != labels["first"]
    for who in ("first", "second", "third", "majority"):
        agree[f"explainer/{who} category"] += answer[0] == labels[who][0]
        agree[f"explainer/{who} side"] += answer[1] == labels[who][1]
    agree["explainer/alike category"] += all_alike and answer[0] == labels["first"][0]
    agree["explainer/alike side"] += all_alike and answer[1] == labels["first"][1]


def _line(what: str, cat: int, side: int, n: int) -> str:
    n = max(n, 1)
    return f"  {what:<26} {cat / n:6.1%} ({cat}/{n})  {side / n:6.1%} ({side}/{n})"


def _summary(agree: Counter[str], n: int, what: str) -> None:
    print(f"{n} {what} labelled three times (category % / side %)")
    for a, b in PAIRS:
        print(_line(f"labellers {a}/{b}", agree[f"{a}/{b} category"], agree[f"{a}/{b} side"], n))
    for who in ("first", "second", "third", "majority"):
        cat, side = agree[f"explainer/{who} category"], agree[f"explainer/{who} side"]
        print(_line(f"explainer/{who} labels", cat, side, n))
    m = agree["all alike"]
    print(
        _line(
            f"explainer, {m} rows alike",
            agree["explainer/alike category"],
            agree["explainer/alike side"],
            m,
        )
    )
    print(f"  majority label differs from the first on {agree['majority differs from first']} rows")


def _labels(first: Label, second: Label, third: Label) -> dict[str, Label]:
    return {
        "first": first,
        "second": second,
        "third": third,
        "majority": majority(first, second, third),
    }


def holdout() -> int:
    """Summary figures of three labellings of the holdout and of the explainer against each."""
    first = holdout_labels()
    second, third = read_labelling(SECOND_HOLDOUT), read_labelling(THIRD_HOLDOUT)
    if not set(first) == set(second) == set(third):
        print("the labelling files do not hold exactly the holdout rows", file=sys.stderr)
        return 2
    agree = Counter[str]()
    for text, label in first.items():
        _count(agree, _labels(label, second[text], third[text]), _answer(text))
    print("Summary figures only: no holdout row is shown.")
    _summary(agree, len(first), "holdout rows")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows",
        action="store_true",
        help="list the dev rows whose majority label is not the first",
    )
    parser.add_argument(
        "--holdout", action="store_true", help="the holdout's labellings, summary figures only"
    )
    args = parser.parse_args(argv)
    if args.holdout:
        if args.rows:
            parser.error("--rows shows dev rows only")
        return holdout()
    first = {row["text"]: (row["category"], row["side"]) for row in dev_rows()}
    second, third = read_labelling(SECOND), read_labelling(THIRD)
    missing = [text for text in (*second, *third) if text not in first]
    if missing:
        print(f"{len(missing)} rows are not dev rows of replies-own.tsv", file=sys.stderr)
        return 2
    if set(second) != set(third):
        print("the second and third labellings do not hold the same rows", file=sys.stderr)
        return 2
    agree = Counter[str]()
    for text in second:
        labels = _labels(first[text], second[text], third[text])
        answer = _answer(text)
        _count(agree, labels, answer)
        if args.rows and labels["majority"] != labels["first"]:
            shown = "  ".join(f"{who} {'/'.join(label)}" for who, label in labels.items())
            print(f"{shown}  explainer {'/'.join(answer)}\n    {text[:160]}")
    _summary(agree, len(second), "dev rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

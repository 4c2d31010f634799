"""Score the reply explainer on real rejection lines: category and side accuracy, confusions.

Run:  python benchmarks/explain_accuracy.py [--misses] [--set sisimai|own-dev] [--timing]
      python benchmarks/explain_accuracy.py --holdout   (figures of the never-tuned split too)

Two corpora, both tab-separated with a header line and no quoting:
- ../shared/corpus/replies-sisimai.tsv (from the project's root): 237 lines labelled from sisimai's
  reasons, used for development. Skipped, with a note, when the folder is absent.
- benchmarks/corpus/replies-own.tsv: lines gathered from public documentation and trackers, with a
  ``split`` column. ``dev`` rows may be used for tuning; ``holdout`` rows must never be looked at,
  so this script prints only their figures, never their texts or their confusion pairs.

To look at dev rows (never holdout rows), use benchmarks/corpus/dev_rows.py; to add a batch of new
replies (dev only, scored blind first), benchmarks/corpus/append_rows.py.

Side accuracy counts only rows that carry a side label (``relay-denied`` rows, for example, have
none). Nothing here touches the network.
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from smtp_tui.core.explain import MAX_EXPLAINED_CHARS, explain_text

ROOT = Path(__file__).resolve().parents[1]
SISIMAI = ROOT.parent / "shared" / "corpus" / "replies-sisimai.tsv"
OWN = ROOT / "benchmarks" / "corpus" / "replies-own.tsv"


@dataclass(frozen=True)
class Row:
    text: str
    category: str
    side: str
    source: str


@dataclass(frozen=True)
class Score:
    name: str
    rows: int
    category_right: int
    sided_rows: int
    side_right: int
    category_pairs: Counter[tuple[str, str]]
    side_pairs: Counter[tuple[str, str]]
    misses: tuple[tuple[Row, str, str], ...]

    @property
    def category_accuracy(self) -> float:
        return self.category_right / self.rows if self.rows else 0.0

    @property
    def side_accuracy(self) -> float:
        return self.side_right / self.sided_rows if self.sided_rows else 0.0


def read_rows(path: Path) -> list[tuple[Row, str]]:
    """(row, split) pairs; the sisimai set has no split column and counts as ``dev``."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        rows = []
        for record in reader:
            text = (record.get("text") or "").strip()
            category = (record.get("category") or "").strip()
            if not text or not category:
                continue
            row = Row(
                text, category, (record.get("side") or "").strip(), record.get("source") or ""
            )
            rows.append((row, (record.get("split") or "dev").strip() or "dev"))
        return rows


def score(name: str, rows: list[Row]) -> Score:
    category_pairs: Counter[tuple[str, str]] = Counter()
    side_pairs: Counter[tuple[str, str]] = Counter()
    misses = []
    category_right = side_right = sided = 0
    for row in rows:
        explanation = explain_text(row.text)
        got_category, got_side = str(explanation.category), str(explanation.side)
        category_ok = got_category == row.category
        category_right += category_ok
        if not category_ok:
            category_pairs[(row.category, got_category)] += 1
        side_ok = True
        if row.side:
            sided += 1
            side_ok = got_side == row.side
            side_right += side_ok
            if not side_ok:
                side_pairs[(row.side, got_side)] += 1
        if not (category_ok and side_ok):
            misses.append((row, got_category, got_side))
    return Score(
        name,
        len(rows),
        category_right,
        sided,
        side_right,
        category_pairs,
        side_pairs,
        tuple(misses),
    )


def print_score(result: Score, *, pairs: bool, misses: bool) -> None:
    print(
        f"{result.name:<22} rows {result.rows:>4}   "
        f"category {result.category_accuracy:6.1%} ({result.category_right}/{result.rows})   "
        f"side {result.side_accuracy:6.1%} ({result.side_right}/{result.sided_rows})"
    )
    if pairs:
        for (want, got), count in result.category_pairs.most_common():
            print(f"    category {want} -> {got}: {count}")
        for (want, got), count in result.side_pairs.most_common():
            print(f"    side {want} -> {got}: {count}")
    if misses:
        for row, got_category, got_side in result.misses:
            print(f"    MISS want {row.category}/{row.side or '-'} got {got_category}/{got_side}")
            print(f"         {row.text[:300]}")


def print_timing(texts: list[str]) -> None:
    """Load time of the knowledge, time per explanation, and the worst case: a 16 MB reply."""
    start = time.perf_counter()
    explain_text("550 5.1.1 warm-up")
    print(f"first explanation (loads and compiles the knowledge): {_ms(start)}")
    each = []
    for text in texts:
        start = time.perf_counter()
        explain_text(text)
        each.append(time.perf_counter() - start)
    if each:
        print(
            f"per reply line ({len(each)} lines): median {statistics.median(each) * 1000:.2f} ms,"
            f" max {max(each) * 1000:.2f} ms"
        )
    huge = "550-5.7.1 " + ("x" * 4000 + "\n550-5.7.1 ") * 4000 + "spam"
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        explain_text(huge)
        runs.append(time.perf_counter() - start)
    print(
        f"a {len(huge) / 1e6:.0f} MB reply (read up to {MAX_EXPLAINED_CHARS} characters):"
        f" min {min(runs) * 1000:.1f} ms, median {statistics.median(runs) * 1000:.1f} ms"
    )


def _ms(start: float) -> str:
    return f"{(time.perf_counter() - start) * 1000:.0f} ms"


# A document named in the knowledge files: a URL (host and path) or a GitHub owner/repo.
_DOCUMENT = re.compile(r"https?://([^\s'\"<>)]+)|github\.com/([\w.-]+/[\w.-]+)")


def _document_key(source: str) -> str:
    """``https://host/path?query`` -> ``host/path``; ``owner/repo:path`` -> ``owner/repo``."""
    source = source.strip()
    if "://" in source:
        rest = source.split("://", 1)[1].split("?", 1)[0].split("#", 1)[0]
        return rest.rstrip(".,;:").rstrip("/").lower()
    return source.split(":", 1)[0].lower()


def learned_documents() -> set[str]:
    """Every document the known-text files name (entries and comments), as ``_document_key``."""
    data = ROOT / "smtp_tui" / "core" / "data"
    keys: set[str] = set()
    for path in [data / "known_texts.toml", *sorted((data / "known_texts").glob("*.toml"))]:
        for url, repo in _DOCUMENT.findall(path.read_text("utf-8")):
            if repo:
                keys.add(repo.lower())
            if url and "\\" not in url:  # a URL inside a regular expression is not a source
                keys.add(_document_key("https://" + url))
                parts = url.split("/")
                if parts[0] == "github.com" and len(parts) >= 3:
                    keys.add("/".join(parts[1:3]).lower())
    return keys


def score_own(args: argparse.Namespace) -> None:
    if not OWN.exists():
        print(f"own: {OWN.relative_to(ROOT)} not found, skipped")
        return
    own = read_rows(OWN)
    if not own:
        print(f"own: {OWN.relative_to(ROOT)} has no labelled rows yet, skipped")
        return
    dev = [row for row, split in own if split != "holdout"]
    holdout = [row for row, split in own if split == "holdout"]
    if dev:
        print_score(score("own (dev)", dev), pairs=True, misses=args.misses)
    if not (holdout and args.holdout and args.set is None):
        return
    # Figures only: the holdout's texts and confusions stay unseen, so it still predicts how
    # the explainer does on replies nobody tuned it for.
    print_score(score("own (holdout)", holdout), pairs=False, misses=False)
    # The same, without rows taken from a document the knowledge files were also learned from
    # (provider documentation is both a corpus source and a known-text source).
    learned = learned_documents()
    unseen = [row for row in holdout if _document_key(row.source) not in learned]
    print_score(score("own (holdout, unseen)", unseen), pairs=False, misses=False)
    # And without rows from a document that also gave dev rows: the learned words
    # (explain_words) have read those documents' other lines.
    dev_documents = {_document_key(row.source) for row in dev}
    fresh = [row for row in unseen if _document_key(row.source) not in dev_documents]
    print_score(score("own (holdout, fresh)", fresh), pairs=False, misses=False)
    print_score(score("own (all)", dev + holdout), pairs=False, misses=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--holdout", action="store_true", help="also print the holdout split's figures"
    )
    parser.add_argument("--misses", action="store_true", help="list each wrong row (dev sets only)")
    parser.add_argument(
        "--set", choices=("sisimai", "own-dev"), help="only this set (for --misses)", default=None
    )
    parser.add_argument("--timing", action="store_true", help="also time the explainer")
    args = parser.parse_args(argv)
    if args.timing:
        texts = [row.text for row, _split in read_rows(SISIMAI)] if SISIMAI.exists() else []
        print_timing(texts)
    if args.set in (None, "sisimai"):
        if SISIMAI.exists():
            rows = [row for row, _split in read_rows(SISIMAI)]
            print_score(score("sisimai", rows), pairs=True, misses=args.misses)
        else:
            print(f"sisimai: {SISIMAI} not found, skipped")
    if args.set in (None, "own-dev"):
        score_own(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

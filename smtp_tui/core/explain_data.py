"""Load the explainer's knowledge once, lazily: code tables (TSV) and known texts (TOML).

``data/reply_codes.tsv`` and ``data/enhanced_codes.tsv`` hold one row per code, with a
``strength`` column: ``generic`` rows (550, 5.7.1, 5.2.0 ...) never decide alone when the text
says more. ``data/known_texts.toml`` holds each category's default side and next steps, and the
texts that many systems share; ``data/known_texts/*.toml`` hold one file per provider family.
Every known text names the document it was learned from (``source``).
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterator
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from smtp_tui.core.explain_kinds import TEXT_TIERS, Category, Entry, KnownText, Side
from smtp_tui.core.record import frozen_record


@frozen_record
class CategoryDefaults:
    side: Side
    next_steps: tuple[str, ...]


def _data_dir() -> Traversable:
    return resources.files("smtp_tui.core").joinpath("data")


def data_text(name: str) -> str:
    """One data file of the explainer's, as text."""
    return _data_dir().joinpath(name).read_text("utf-8")


def _read_tsv(name: str) -> dict[str, Entry]:
    rows = csv.DictReader(io.StringIO(data_text(name)), delimiter="\t", quoting=csv.QUOTE_NONE)
    table: dict[str, Entry] = {}
    for row in rows:
        steps = tuple(step.strip() for step in (row["next_steps"] or "").split("|") if step.strip())
        table[row["code"]] = Entry(
            Category(row["category"]),
            Side(row["side"]),
            row["meaning"],
            steps,
            generic=(row.get("strength") or "").strip() == "generic",
        )
    return table


@cache
def reply_codes() -> dict[str, Entry]:
    """Basic reply codes ("550") and classes ("5yz")."""
    return _read_tsv("reply_codes.tsv")


@cache
def enhanced_codes() -> dict[str, Entry]:
    """Enhanced status codes keyed as in the registry: "X.1.1", "5.X.X", "X.7.X"."""
    return _read_tsv("enhanced_codes.tsv")


@cache
def reply_stages() -> dict[tuple[str, str], Entry]:
    """What a refusal means by the command it answered, keyed ``(stage, class)`` with class "4",
    "5" or "*" (``data/reply_stages.tsv``): read only when the codes and words name nothing."""
    rows = csv.DictReader(
        io.StringIO(data_text("reply_stages.tsv")), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    table: dict[tuple[str, str], Entry] = {}
    for row in rows:
        steps = tuple(step.strip() for step in (row["next_steps"] or "").split("|") if step.strip())
        entry = Entry(Category(row["category"]), Side(row["side"]), row["meaning"], steps)
        table[(row["stage"], row["class"])] = entry
    return table


@cache
def _index() -> dict[str, Any]:
    return tomllib.loads(data_text("known_texts.toml"))


@cache
def category_defaults() -> dict[Category, CategoryDefaults]:
    """Each category's usual side and next steps, used when an entry names none."""
    table = _index()["category"]
    return {
        Category(name): CategoryDefaults(Side(item["side"]), tuple(item.get("next_steps", ())))
        for name, item in table.items()
    }


def _family_files() -> Iterator[tuple[str, str]]:
    folder = _data_dir().joinpath("known_texts")
    if not folder.is_dir():
        return
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if item.name.endswith(".toml"):
            yield item.name, item.read_text("utf-8")


def _patterns(item: dict[str, Any]) -> list[str]:
    single = item.get("pattern")
    many = item.get("patterns", [])
    return ([single] if single else []) + list(many)


def lowercase_pattern(pattern: str) -> str:
    """``pattern`` with its literal letters lowercased and its escapes (\\S, \\W, \\B ...) kept.

    Texts are matched in lowercase against lowercase patterns: four times faster than
    re.IGNORECASE over a few hundred patterns, which matters on a 4 KiB reply.
    """
    out: list[str] = []
    escaped = False
    for char in pattern:
        out.append(char if escaped else char.lower())
        escaped = not escaped and char == "\\"
    return "".join(out)


def _known_text(item: dict[str, Any], family: dict[str, Any], where: str) -> KnownText:
    ident = item.get("id", "")
    try:
        category = Category(item["category"])
        defaults = category_defaults()[category]
        side = Side(item["side"]) if "side" in item else defaults.side
        steps = tuple(item.get("next_steps", ())) or defaults.next_steps
        tier = TEXT_TIERS[item.get("tier", family.get("tier", "generic"))]
        patterns = _patterns(item)
        # One regex per entry: its patterns are alternatives that mean the same thing.
        joined = "|".join(f"(?:{text})" for text in patterns)
        pattern = re.compile(lowercase_pattern(joined))
        source = item.get("source", family.get("source", ""))
        provider = item.get("provider", family.get("provider", ""))
        if not (ident and patterns and source and provider and item["meaning"].strip()):
            raise ValueError("id, pattern(s), source, provider and meaning are required")
        if item.get("final_only") and item.get("transient_only"):
            raise ValueError("final_only and transient_only together: it would never speak")
    except (KeyError, ValueError, re.error) as error:
        raise ValueError(f"{where}: known text {ident or '?'}: {error}") from error
    return KnownText(
        id=ident,
        pattern=pattern,
        provider=provider,
        tier=tier,
        entry=Entry(category, side, item["meaning"].strip(), steps),
        source=source,
        label=item.get("label", ""),
        priority=int(item.get("priority", 0)),
        transient_only=bool(item.get("transient_only", False)),
        final_only=bool(item.get("final_only", False)),
        alternatives=(
            tuple(lowercase_pattern(text) for text in patterns) if len(patterns) > 1 else ()
        ),
    )


@cache
def known_text_sources() -> tuple[tuple[KnownText, int], ...]:
    """Every known text with the number of patterns it holds (for counting and tests)."""
    loaded: list[tuple[KnownText, int]] = []
    files = [("known_texts.toml", _index()), *_parsed_family_files()]
    seen: set[str] = set()
    for name, data in files:
        family = {key: value for key, value in data.items() if not isinstance(value, list | dict)}
        for item in data.get("text", []):
            known = _known_text(item, family, name)
            if known.id in seen:
                raise ValueError(f"{name}: known text id {known.id} is used twice")
            seen.add(known.id)
            loaded.append((known, len(_patterns(item))))
    return tuple(loaded)


def _parsed_family_files() -> list[tuple[str, dict[str, Any]]]:
    return [(name, tomllib.loads(text)) for name, text in _family_files()]


@cache
def known_texts() -> tuple[KnownText, ...]:
    """Known texts, highest tier first; within a tier, in file order."""
    texts = [known for known, _count in known_text_sources()]
    return tuple(sorted(texts, key=lambda known: -known.tier))


@cache
def ehlo_keywords() -> dict[str, str]:
    rows = csv.DictReader(
        io.StringIO(data_text("ehlo_keywords.tsv")), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    return {row["keyword"]: row["meaning"] for row in rows}

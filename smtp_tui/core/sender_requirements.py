"""The large receivers' published sender requirements, as a checklist for this sending side.

The requirements and their sources are data (``data/sender_requirements.toml``); this module
decides each item from the findings: pass, fail, or not-checkable. Only what is known fails:
an item that needs a message, the receiver's statistics or a look-up that did not answer is
"not-checkable", never "pass".
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources

from smtp_tui.core.dmarc import DmarcCheck
from smtp_tui.core.record import frozen_record
from smtp_tui.core.reverse_dns import ReverseDns
from smtp_tui.core.shown_status import ShownStatus
from smtp_tui.core.spf import SpfCheck, SpfResult

# SPF results a receiver counts against the sender (what makes the SPF item fail).
SPF_REFUSED = (SpfResult.FAIL, SpfResult.SOFTFAIL, SpfResult.PERMERROR)


class ItemStatus(ShownStatus):
    PASS = ("pass", "✔")
    FAIL = ("fail", "✘")
    NOT_CHECKABLE = ("not-checkable", "-")


@frozen_record
class Requirement:
    requirement_id: str
    item: str
    check: str  # ptr, fcrdns, spf, dmarc, alignment, none
    sources: tuple[str, ...]  # full source texts (publisher, title, date, URL)
    why: str = ""  # for "none": why it cannot be checked from here

    @property
    def source(self) -> str:
        return " | ".join(self.sources)


@frozen_record
class ChecklistItem:
    requirement: Requirement
    status: ItemStatus
    note: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "item": self.requirement.item,
            "status": self.status.word,
            "source": self.requirement.source,
        }

    def line(self) -> str:
        text = f"{self.status.symbol} {self.status.word:<13} {self.requirement.item}"
        return text + (f" ({self.note})" if self.note else "")


@cache
def requirements() -> tuple[Requirement, ...]:
    """Every requirement in the data file, in its order."""
    text = (
        resources.files("smtp_tui.core")
        .joinpath("data/sender_requirements.toml")
        .read_text("utf-8")
    )
    data = tomllib.loads(text)
    sources: dict[str, str] = {str(k): str(v) for k, v in data["sources"].items()}
    return tuple(
        Requirement(
            str(item["id"]),
            str(item["item"]),
            str(item["check"]),
            tuple(sources[str(key)] for key in item["sources"]),
            str(item.get("why", "")),
        )
        for item in data["requirement"]
    )


def evaluate_checklist(
    reverse: Sequence[ReverseDns], spf: Sequence[SpfCheck], dmarc: DmarcCheck | None
) -> list[ChecklistItem]:
    """Each requirement decided from the reverse DNS of every sending IP, the MAIL FROM
    domain's SPF result for each of them (empty: no MAIL FROM) and the From domain's DMARC
    check (None: not looked at)."""
    return [_decide(requirement, reverse, spf, dmarc) for requirement in requirements()]


def _decide(
    requirement: Requirement,
    reverse: Sequence[ReverseDns],
    spf: Sequence[SpfCheck],
    dmarc: DmarcCheck | None,
) -> ChecklistItem:
    def item(status: ItemStatus, note: str = "") -> ChecklistItem:
        return ChecklistItem(requirement, status, note)

    unknown = ItemStatus.NOT_CHECKABLE
    check = requirement.check
    if check == "ptr":
        if not reverse:
            return item(unknown, "no sending IP given")
        missing = [r.ip for r in reverse if r.has_ptr is False]
        if missing:
            return item(ItemStatus.FAIL, "no PTR for " + ", ".join(missing))
        if any(r.has_ptr is None for r in reverse):
            return item(unknown, "a PTR look-up failed")
        return item(ItemStatus.PASS)
    if check == "fcrdns":
        if not reverse:
            return item(unknown, "no sending IP given")
        failing = [r.ip for r in reverse if r.has_ptr is False or r.forward_confirmed is False]
        if failing:
            return item(ItemStatus.FAIL, "not forward-confirmed: " + ", ".join(failing))
        if any(r.forward_confirmed is None for r in reverse):
            return item(unknown, "a look-up failed")
        return item(ItemStatus.PASS)
    if check == "spf":
        if not spf:
            return item(unknown, "no MAIL FROM domain given (--from)")
        bad = [c for c in spf if c.result in SPF_REFUSED]
        if bad:
            return item(ItemStatus.FAIL, "; ".join(f"SPF {c.result.value} for {c.ip}" for c in bad))
        if any(c.result is SpfResult.TEMPERROR for c in spf):
            return item(unknown, "SPF could not be evaluated: temperror")
        weak = [c for c in spf if c.result is not SpfResult.PASS]
        if weak:
            # neutral or none: SPF vouches for nothing, yet DKIM alone satisfies the rule for
            # senders under 5,000 a day, and DKIM cannot be seen from here.
            return item(
                unknown,
                "; ".join(f"SPF {c.result.value} for {c.ip}" for c in weak)
                + ": passes only if DKIM does (bulk senders need SPF too)",
            )
        return item(ItemStatus.PASS)
    if check == "dmarc":
        if dmarc is None:
            return item(unknown, "no From domain given (--from)")
        if dmarc.error:
            return item(unknown, "the DMARC look-up failed")
        if dmarc.record is None:
            return item(ItemStatus.FAIL, f"no DMARC record for {dmarc.domain}")
        if dmarc.record.policy is None:
            return item(ItemStatus.FAIL, "the DMARC record has no valid p= tag")
        return item(ItemStatus.PASS, f"p={dmarc.applied_policy}")
    if check == "alignment":
        if dmarc is None or not spf or dmarc.spf_aligned is None:
            return item(unknown, "needs the SPF result and the DMARC record")
        if dmarc.spf_aligned:
            return item(ItemStatus.PASS, "through SPF")
        return item(unknown, "SPF does not align; DKIM alignment needs a signed message")
    return item(unknown, requirement.why)

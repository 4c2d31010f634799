"""One block-list result as lines of plain text, for every front end (plain mode's
`blacklist` and `sender` commands, the screen's sending-side report)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only the type: the formatter reads the result's fields, so it needs no dnspython.
    from smtp_tui.core.dnsbl import ZoneResult


def result_lines(result: ZoneResult) -> list[str]:
    """A result as text: status word, zone, what it means; details indented below."""
    status = f"{result.status.symbol} {result.status.word:<10}"
    if result.status.word == "listed":
        found = "; ".join(
            f"{code} {meaning}"
            for code, meaning in zip(result.codes, result.meanings, strict=False)
        )
        if len(result.meanings) > len(result.codes):
            found = "; ".join(result.meanings)
        lines = [f"{status} {result.zone.zone:<28} {found}"]
        if result.policy:
            lines.append(
                "               a policy listing (e.g. a dynamic range), not evidence "
                "of spam: fix reverse DNS or send through a relay"
            )
        if result.reason:
            lines.append(f"               reason: {result.reason}")
        if result.url:
            lines.append(f"               look up / removal: {result.url}")
        if result.detail:
            lines.append(f"               note: {result.detail}")
        return lines
    if result.status.word == "not-listed":
        return [f"{status} {result.zone.zone}"]
    return [f"{status} {result.zone.zone:<28} could not check", f"               {result.detail}"]

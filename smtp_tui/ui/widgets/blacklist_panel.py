"""The blacklist part of the side panel: a row per list with a symbol and a word for its
state, the listing's reason and removal URL, a summary line, and progress while running."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

if TYPE_CHECKING:
    # The list checks (and dnspython under them) load when the first sweep reports, after
    # the screen's first frame.
    from smtp_tui.core.dnsbl import SweepSummary, ZoneResult
    from smtp_tui.core.sender import SenderReport


def result_text(result: ZoneResult, address: str = "") -> str:
    from smtp_tui.core.dnsbl import BlStatus

    target = "" if result.target == address else f"  ({result.target})"
    head = f"{result.status.symbol} {result.status.word:<10} {result.zone.zone}{target}"
    if result.status is BlStatus.LISTED:
        lines = [
            head,
            "    "
            + ", ".join(f"{c} {m}" for c, m in zip(result.codes, result.meanings, strict=False)),
        ]
        if result.policy:
            lines.append("    policy listing (e.g. dynamic range): fix rDNS or use a relay")
        if result.reason:
            lines.append(f"    reason: {result.reason}")
        if result.url:
            lines.append(f"    removal: {result.url}")
        return "\n".join(lines)
    if result.status is BlStatus.NOT_LISTED:
        return head
    return f"{head}\n    could not check: {result.detail}"


class BlacklistPanel(VerticalScroll):
    """Shows the sweep the screen's worker runs: no network work here."""

    DEFAULT_CSS = """
    BlacklistPanel { height: 1fr; padding: 0 1; }
    BlacklistPanel > Static { height: auto; }
    BlacklistPanel > #bl-summary { text-style: bold; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._summary: SweepSummary | None = None
        self.total = 0
        self.address = ""
        self.domain: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("Not checked yet.", id="bl-summary", markup=False)
        yield Static("", id="bl-identity", markup=False)
        yield Static("", id="bl-evaluated", markup=False)
        yield Static("", id="bl-claims", markup=False)
        yield Static("", id="bl-mx", markup=False)
        yield Static("", id="bl-results", markup=False)

    @property
    def summary(self) -> SweepSummary:
        """The sweep shown (empty until one begins)."""
        if self._summary is None:
            from smtp_tui.core.dnsbl import SweepSummary

            self._summary = SweepSummary()
        return self._summary

    def _set(self, widget_id: str, text: str) -> None:
        self.query_one(f"#{widget_id}", Static).update(text)

    def begin(self, address: str, total: int, domain: str | None = None) -> None:
        from smtp_tui.core.dnsbl import SweepSummary

        self._summary = SweepSummary()
        self.total = total
        self.address = address
        self.domain = domain
        self._set("bl-identity", "")
        self._set("bl-results", "")
        self._show_summary()

    def add(self, result: ZoneResult) -> None:
        from smtp_tui.core.dnsbl import BlStatus

        self.summary.results.append(result)
        # Listings first, then what could not be checked, then the clean lists.
        rank = {BlStatus.LISTED: 0, BlStatus.NOT_LISTED: 2}
        ordered = sorted(self.summary.results, key=lambda r: (rank.get(r.status, 1), r.zone.zone))
        ip = self.address.split(" ")[0]
        self._set("bl-results", "\n".join(result_text(r, ip) for r in ordered))
        self._show_summary()

    def _show_summary(self) -> None:
        done = len(self.summary.results)
        progress = f" · checking {done}/{self.total} …" if done < self.total else ""
        domain = f"\nMAIL FROM domain {self.domain}" if self.domain else ""
        self._set(
            "bl-summary", f"Sending IP {self.address}{domain}\n{self.summary.line()}{progress}"
        )

    def show_findings(self, report: SenderReport) -> None:
        lines = report.lines() + [f"! {problem}" for problem in report.problems()]
        self._set("bl-identity", "\n".join(lines))

    def show_claims(self, lines: tuple[str, ...]) -> None:
        """What the list a rejection named says about the address it named."""
        self._set("bl-claims", "\n".join(lines))

    def show_identity(self, lines: list[str]) -> None:
        """SPF evaluated for the sending IP, DMARC, reverse DNS, the receivers' checklist."""
        self._set("bl-evaluated", "\n".join(lines))

    def show_mx(self, address: str, results: list[ZoneResult]) -> None:
        """For information: the MX the session connected to, on the IP lists."""
        from smtp_tui.core.dnsbl import SweepSummary

        summary = SweepSummary(list(results))
        listed = ", ".join(r.zone.zone for r in summary.listed)
        self._set(
            "bl-mx",
            f"For information, the MX {address}: {summary.line()}"
            + (f" ({listed})" if listed else ""),
        )

    def show_problem(self, text: str) -> None:
        self._set("bl-summary", text)

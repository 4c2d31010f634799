"""The blacklist part of the side panel: a row per list with a symbol and a word for its
state, the listing's reason and removal URL, a summary line, and progress while running."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from smtp_tui.core.dnsbl import BlStatus, SweepSummary, ZoneResult, parse_target, zones_for
from smtp_tui.core.options import sender_domain
from smtp_tui.core.sender import DiscoveryFailed, SenderReport
from smtp_tui.ui.controller import SessionController


def result_text(result: ZoneResult, address: str = "") -> str:
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
    """Fills itself: ``check()`` runs the sweep in a worker and posts ``Checked`` at the end."""

    class Checked(Message):
        def __init__(self, listed: int) -> None:
            self.listed = listed
            super().__init__()

    DEFAULT_CSS = """
    BlacklistPanel { height: 1fr; padding: 0 1; }
    BlacklistPanel > Static { height: auto; }
    BlacklistPanel > #bl-summary { text-style: bold; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.summary = SweepSummary()
        self.total = 0
        self.address = ""
        self.domain: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("Not checked yet.", id="bl-summary", markup=False)
        yield Static("", id="bl-identity", markup=False)
        yield Static("", id="bl-mx", markup=False)
        yield Static("", id="bl-results", markup=False)

    def _set(self, widget_id: str, text: str) -> None:
        self.query_one(f"#{widget_id}", Static).update(text)

    def begin(self, address: str, total: int, domain: str | None = None) -> None:
        self.summary = SweepSummary()
        self.total = total
        self.address = address
        self.domain = domain
        self._set("bl-identity", "")
        self._set("bl-results", "")
        self._show_summary()

    def add(self, result: ZoneResult) -> None:
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

    def show_mx(self, address: str, results: list[ZoneResult]) -> None:
        """For information: the MX the session connected to, on the IP lists."""
        summary = SweepSummary(list(results))
        listed = ", ".join(r.zone.zone for r in summary.listed)
        self._set(
            "bl-mx",
            f"For information, the MX {address}: {summary.line()}"
            + (f" ({listed})" if listed else ""),
        )

    @work(exclusive=True, group="blacklists", exit_on_error=False)
    async def check(self, controller: SessionController) -> None:
        """The sending IP and the MAIL FROM domain against the lists, then reverse DNS."""
        self.show_problem("Finding the sending IP ...")
        try:
            address = await controller.sending_address()
        except DiscoveryFailed as error:
            self.show_problem(str(error))
            return
        domain = sender_domain(controller.options)
        targets = [parse_target(address.address)] + ([parse_target(domain)] if domain else [])
        total = sum(len(zones_for(controller.zones, target)) for target in targets)
        self.begin(address.describe(), total, domain)
        for problem in controller.zone_problems:
            self.notify(
                f"Blacklist config: {problem}", severity="warning", markup=False, timeout=10
            )
        await controller.check_sender(address, self.add)
        if controller.sender_report is not None:
            self.show_findings(controller.sender_report)
        self.post_message(self.Checked(len(self.summary.listed)))

    @work(group="mx-lists", exit_on_error=False)
    async def check_mx(self, controller: SessionController, address: str) -> None:
        """For information: is the MX the session connected to on the IP lists?"""
        if controller.checker is None:
            return
        target = parse_target(address)
        found = controller.checker.sweep(zones_for(controller.zones, target), target)
        self.show_mx(address, [result async for result in found])

    def show_problem(self, text: str) -> None:
        self._set("bl-summary", text)

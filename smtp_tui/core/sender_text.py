"""The sending-side report (`smtp-tui sender`, the screen's Blacklists tab) as lines of plain
text: blacklists, SPF, DMARC, reverse DNS, the receivers' checklist and the verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING

from smtp_tui.core.blacklist_text import result_lines

if TYPE_CHECKING:
    from smtp_tui.core.sender_report import SendingSideReport


def report_text(report: SendingSideReport, resolver: str) -> list[str]:
    """The whole report as lines of plain text."""
    given = report.given
    lines = [
        f"Sending side: {', '.join(given.ips) or 'no IP'}; MAIL FROM {given.mail_from or '-'}; "
        f"EHLO {given.helo or '-'} (DNS through {resolver})",
        "",
        "== Blacklists",
    ]
    target = None
    for result in report.blacklists:
        if result.target != target:
            target = result.target
            lines.append(f"  {target}:")
        lines += ["    " + line for line in result_lines(result)]
    summary = report.summary
    lines.append(f"  Summary: {summary.line()}")
    cause = summary.common_cause(resolver)
    if cause:
        lines.append(f"  !!! {cause}")
    lines += ["", "== SPF"]
    if not report.spf:
        lines.append("  no sending IP: SPF needs one (--ip)")
    for per_ip in report.spf:
        for check in (per_ip.mail_from, per_ip.helo):
            if check is None:
                continue
            lines.append("  " + check.line())
            if check.record:
                lines.append(f"      record: {check.record}")
    if given.mail_from is None:
        lines.append("  MAIL FROM: not given (--from ADDRESS)")
    if given.helo is None:
        lines.append("  HELO: not given (--helo NAME)")
    lines += ["", "== DMARC (the From domain taken to be the MAIL FROM domain)"]
    lines += ["  " + line for line in report.dmarc.lines()] if report.dmarc else ["  needs --from"]
    lines += ["", "== Reverse DNS"]
    for found in report.reverse_dns:
        family = "IPv4" if found.family == "ipv4" else "IPv6"
        lines += [f"  {family}: " + found.lines()[0]] + ["    " + x for x in found.lines()[1:]]
    lines += ["", "== What Gmail, Yahoo (2024) and Microsoft (2025) require"]
    lines += ["  " + item.line() for item in report.checklist]
    lines += ["", "== Verdict"]
    problems, warnings = report.problems(), report.warnings()
    if problems:
        lines.append("  It is (at least partly) you:")
        lines += [f"  ✘ {problem}" for problem in problems]
    else:
        lines.append("  Nothing checked here is held against this sender.")
    lines += [f"  ! {warning}" for warning in warnings]
    unknown = len(summary.unchecked) + sum(
        1 for item in report.checklist if item.status.word == "not-checkable"
    )
    if unknown:
        lines.append(
            f"  {unknown} finding(s) could not be checked from here; they count neither way."
        )
    return lines

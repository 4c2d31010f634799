"""How an MX host's certificate stands against what its domain publishes (MTA-STS, DANE),
in lines for the STARTTLS step of both front ends."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smtp_tui.core.policy_report import PolicyReport


def standing_lines(report: PolicyReport | None, host: str | None) -> list[str]:
    """What the policy check found for ``host``; empty until the check has run."""
    if report is None or host is None:
        return []
    name = host.lower().rstrip(".")
    check = next((mx for mx in report.mx if mx.host.lower().rstrip(".") == name), None)
    if check is None:
        return [f"Published policy: {name} is not among the MX hosts the policy check saw."]
    sts = check.mta_sts.value if check.mta_sts else "could not tell"
    dane = check.dane.value if check.dane else "could not tell"
    lines = [f"Against the published policy: MTA-STS {sts}; DANE {dane}."]
    lines += [f"! {problem}" for problem in check.problems]
    return lines

"""A domain's transport-policy report (`smtp-tui policy`, the screen's Policy tab) as lines
of plain text: MTA-STS, TLS-RPT, DNSSEC, a row per MX and address, the summary."""

from __future__ import annotations

from smtp_tui.core.policy_report import DnssecView, MxCheck, PolicyReport


def _yes(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "?"}[value]


def _mx_lines(check: MxCheck) -> list[str]:
    dane = check.dane.value if check.dane else "?"
    sts = check.mta_sts.value if check.mta_sts else "?"
    lines = [
        f"{check.preference:<5} {check.host:<32} {_yes(check.starttls):<9} "
        f"{_yes(check.certificate_valid):<11} {sts:<9} {dane}"
    ]
    for address in check.addresses:
        probe = address.probe
        lines.append(
            f"{'':<7}{probe.address:<32}{_yes(probe.starttls):<10}"
            f"{_yes(address.certificate_valid):<11} {'':<9} "
            f"{address.dane.value if address.dane else '?'}"
        )
        if probe.names and address.certificate_valid is False:
            lines.append(f"{'':<9}certificate for: {', '.join(probe.names)}; chain: {probe.trust}")
        if probe.problem:
            lines.append(f"{'':<9}{probe.problem}")
    lines += [f"{'':<7}TLSA {record.text()}" for record in check.tlsa.records]
    lines += [f"{'':<7}!!! {problem}" for problem in check.problems]
    return lines


def report_lines(report: PolicyReport, resolver: str) -> list[str]:
    """The report as text lines (untrusted values were sanitized in the core)."""
    lines = [f"Transport policy of {report.domain} (resolver {resolver})", ""]
    record = report.sts_record
    lines.append(f"MTA-STS record:  {record.text or 'none published'}")
    if report.policy:
        policy = report.policy
        lines.append(
            f"MTA-STS policy:  mode {policy.mode.value}, max_age {policy.max_age}, "
            f"mx {', '.join(policy.mx_patterns) or '(none)'}"
        )
    elif report.policy_error:
        lines.append(f"MTA-STS policy:  not usable: {report.policy_error}")
    rpt = report.tls_rpt
    lines.append(f"TLS-RPT record:  {rpt.text or 'none published'}")
    if rpt.rua:
        lines.append(f"                 failure reports go to {', '.join(rpt.rua)}")
    if rpt.problem:
        lines.append(f"                 !!! {rpt.problem}")
    dnssec = {
        DnssecView.RESOLVER_AD: "the resolver validates (AD bit on signed answers)",
        DnssecView.NOT_VALIDATING: "the resolver does NOT validate: DANE cannot be checked",
        None: "no signed answer seen; whether the resolver validates is unknown",
    }[report.dnssec]
    lines += [f"DNSSEC:          {dnssec}", ""]
    lines.append(
        f"{'pref':<5} {'MX host / address':<32} {'STARTTLS':<9} {'cert valid':<11} "
        f"{'MTA-STS':<9} DANE"
    )
    for check in report.mx:
        lines += _mx_lines(check)
    lines.append("")
    lines += [f"!!! {warning}" for warning in report.warnings]
    lines.append(f"Summary: {report.summary}")
    return lines

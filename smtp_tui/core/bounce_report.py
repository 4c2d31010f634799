"""A bounce as readable text: one block per failed or delayed recipient, then the verdict.

Plain mode prints :func:`report_text`; the bounce screen shows :func:`recipient_lines` for the
recipient it lists. Both are plain strings (no markup): the values come from the bounce and
were sanitized when it was read.
"""

from __future__ import annotations

from smtp_tui.core.bounce import BouncedRecipient, BounceReport
from smtp_tui.core.bounce_verdict import COMMAND_WORDS, bounce_verdict


def recipient_lines(number: int, recipient: BouncedRecipient) -> list[str]:
    """The report for one failed or delayed recipient: a numbered head line, then its facts,
    the server's words and the explanation, each indented by three spaces."""
    lines = [f"{number}. {recipient.recipient}: {recipient.action or 'failed'}"]
    facts = []
    if recipient.status:
        facts.append(f"status {recipient.status}")
    if recipient.reply_code is not None:
        facts.append(f"reply {recipient.reply_code}")
    if recipient.smtp_command:
        facts.append(f"at {COMMAND_WORDS.get(recipient.smtp_command, recipient.smtp_command)}")
    if recipient.remote_mta:
        facts.append(f"remote host {recipient.remote_mta}")
    if facts:
        lines.append("   " + ", ".join(facts))
    if recipient.diagnostic:
        lines.append(f"   Server said: {recipient.diagnostic}")
    explanation = recipient.explanation
    if explanation is not None:
        lines.append(f"   Meaning: {explanation.meaning}")
        lines.append(f"   Category: {explanation.category}    Whose side: {explanation.side}")
        lines += [f"   → {step}" for step in explanation.next_steps]
    return lines


def report_text(report: BounceReport) -> str:
    """The readable report: the bounce, each failed or delayed recipient, the verdict."""
    head = f"Bounce format: {report.format}"
    if report.reporting_mta:
        head += f" (written by {report.reporting_mta})"
    lines = [head]
    original = report.original
    if original is not None:
        lines.append("Original message:")
        for label, value in (
            ("From", original.sender),
            ("To", original.to),
            ("Subject", original.subject),
            ("Message-ID", original.message_id),
            ("Date", original.date),
        ):
            if value:
                lines.append(f"  {label}: {value}")
    failures = report.failures
    others = [r for r in report.recipients if not r.is_failure]
    lines.append("")
    if failures:
        lines.append(f"Failed or delayed recipients: {len(failures)}")
        for number, recipient in enumerate(failures, 1):
            lines += recipient_lines(number, recipient)
    else:
        lines.append("No failed or delayed recipient found.")
        lines += [f"  seen: {item}" for item in report.seen]
    for recipient in others:
        lines.append(
            f"   ({recipient.recipient}: {recipient.action or 'no action'}, not a failure)"
        )
    lines += ["", bounce_verdict(report).as_text()]
    return "\n".join(lines)

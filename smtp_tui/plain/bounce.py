"""`smtp-tui bounce FILE|-`: read a bounce, explain each failed recipient, give a verdict.

Exit codes: 0 a failed or delayed recipient was found; 1 the input was read but holds no
delivery failure smtp-tui recognises (the report says what it saw); 2 usage error (no such
file, unreadable input).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import BinaryIO

from smtp_tui.core.bounce import MAX_BOUNCE_BYTES, BouncedRecipient, BounceReport, read_bounce
from smtp_tui.core.bounce_verdict import bounce_json, bounce_verdict
from smtp_tui.exit_codes import ExitCode
from smtp_tui.plain.output import Output, PipeSafeOutput

NO_FAILURE = 1  # the input was read, but it reports no failed or delayed recipient

BOUNCE_EXIT_CODES_HELP = """\
exit codes:
  0  a failed or delayed recipient was found (the report explains each)
  1  the input was read but holds no delivery failure smtp-tui recognises
  2  usage error (no such file, unreadable input)"""

_COMMANDS = {
    "CONN": "the greeting (connection)",
    "HELO": "HELO",
    "EHLO": "EHLO",
    "MAIL": "MAIL FROM",
    "RCPT": "RCPT TO",
    "DATA": "DATA (the message)",
    "STARTTLS": "STARTTLS",
}


class BounceInputError(Exception):
    """The bounce could not be read (no such file, a directory, no permission)."""


def read_source(source: str, stdin: BinaryIO | None = None) -> bytes:
    """The bytes of ``source`` (a path, or ``-`` for standard input), cut to the reader's cap."""
    if source == "-":
        stream = stdin or sys.stdin.buffer
        return stream.read(MAX_BOUNCE_BYTES + 1)
    path = Path(source)
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_BOUNCE_BYTES + 1)
    except FileNotFoundError as error:
        raise BounceInputError(f"no such file: {source}") from error
    except IsADirectoryError as error:
        raise BounceInputError(f"{source} is a directory, not a bounce message") from error
    except OSError as error:
        raise BounceInputError(f"cannot read {source}: {error.strerror or error}") from error


def recipient_lines(number: int, recipient: BouncedRecipient) -> list[str]:
    """The report for one failed or delayed recipient."""
    lines = [f"{number}. {recipient.recipient}: {recipient.action or 'failed'}"]
    facts = []
    if recipient.status:
        facts.append(f"status {recipient.status}")
    if recipient.reply_code is not None:
        facts.append(f"reply {recipient.reply_code}")
    if recipient.smtp_command:
        facts.append(f"at {_COMMANDS.get(recipient.smtp_command, recipient.smtp_command)}")
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


def bounce_main(
    source: str,
    *,
    as_json: bool,
    out: Output | None = None,
    err: Output | None = None,
    stdin: BinaryIO | None = None,
) -> int:
    """Read the bounce in ``source`` (a path or ``-``), print the report; return the exit code."""
    writer = out or PipeSafeOutput()
    try:
        data = read_source(source, stdin)
    except BounceInputError as error:
        (err or sys.stderr).write(f"smtp-tui bounce: {error}\n")
        return ExitCode.USAGE
    report = read_bounce(data)
    if as_json:
        writer.write(json.dumps(bounce_json(report), ensure_ascii=False) + "\n")
    else:
        writer.write(report_text(report) + "\n")
    writer.flush()
    return ExitCode.OK if report.failures else NO_FAILURE

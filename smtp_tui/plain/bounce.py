"""`smtp-tui bounce FILE|-`: read a bounce, explain each failed recipient, give a verdict.

Exit codes: 0 a failed or delayed recipient was found; 1 the input was read but holds no
delivery failure smtp-tui recognises (the report says what it saw); 2 usage error (no such
file, unreadable input).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from smtp_tui.core.bounce import MAX_BOUNCE_BYTES, read_bounce

# The text formatting lives in the core; the screen and plain mode share it.
from smtp_tui.core.bounce_report import recipient_lines, report_text
from smtp_tui.core.bounce_verdict import bounce_json
from smtp_tui.exit_codes import ExitCode
from smtp_tui.plain.output import PipeSafeOutput

if TYPE_CHECKING:
    from smtp_tui.plain.output import Output

__all__ = [
    "BOUNCE_EXIT_CODES_HELP",
    "NO_FAILURE",
    "BounceInputError",
    "bounce_main",
    "read_source",
    "recipient_lines",
    "report_text",
]

NO_FAILURE = 1  # the input was read, but it reports no failed or delayed recipient

BOUNCE_EXIT_CODES_HELP = """\
exit codes:
  0  a failed or delayed recipient was found (the report explains each)
  1  the input was read but holds no delivery failure smtp-tui recognises
  2  usage error (no such file, unreadable input)"""


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

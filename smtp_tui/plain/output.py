"""Where plain mode writes: marked text lines or JSON lines, on a stdout that survives its
reader going away."""

from __future__ import annotations

import contextlib
import os
import sys

from smtp_tui.core.transcript import TranscriptEvent, to_json_records

# json (--json only), the explanations (a rejection only) and the verdict's module are
# imported where they are used, and typing not at all, so a plain check starts with less
# (issue 15).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol, TextIO

    from smtp_tui.core.replies import Reply
    from smtp_tui.core.steps import Step
    from smtp_tui.core.verdict import Verdict

    class Output(Protocol):
        """Where plain mode writes: stdout, a StringIO in tests. (A type for the checker:
        import it under TYPE_CHECKING.)"""

        def write(self, text: str, /) -> int: ...

        def flush(self) -> None: ...


def silence_stdout() -> None:
    """Point stdout at /dev/null after a broken pipe, so nothing more can fail on it."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


class PipeSafeOutput:
    """stdout that survives its reader going away (`| head`): further writes are dropped, so
    the dialogue still finishes (the journal keeps every line) and the exit code stays true."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.closed = False

    def write(self, text: str) -> int:
        if not self.closed:
            try:
                self.stream.write(text)
            except BrokenPipeError:
                self._close()
        return len(text)

    def flush(self) -> None:
        if not self.closed:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._close()

    def _close(self) -> None:
        self.closed = True
        silence_stdout()


class Reporter:
    """Writes what happens to stdout: marked text lines, or JSON lines."""

    def __init__(self, out: Output, *, as_json: bool = False) -> None:
        self.out = out
        self.as_json = as_json

    def _write(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def event(self, event: TranscriptEvent) -> None:
        if self.as_json:
            import json

            self._write(json.dumps(to_json_records([event])[0], ensure_ascii=False))
        else:
            self._write(event.plain_line())

    def note(self, text: str) -> None:
        if not self.as_json:
            self._write(text)

    def explain(self, reply: Reply, step: Step | None = None) -> None:
        """After a reply that is not a plain success: what it means, in words (read as the
        answer to ``step``'s command, as the screen and the verdict read it)."""
        if self.as_json or reply.code < 400:
            return
        from smtp_tui.core.explain_command import explain_answer

        explanation = explain_answer(reply, step)
        self._write(f"    meaning: {explanation.meaning}")
        self._write(f"    category: {explanation.category}; side: {explanation.side}")
        if explanation.decided_by:
            self._write(f"    {explanation.decided_by}")
        for next_step in explanation.next_steps:
            self._write(f"    next: {next_step}")

    def verdict(self, verdict: Verdict) -> None:
        if self.as_json:
            import json

            self._write(json.dumps(verdict.as_json(), ensure_ascii=False))
        else:
            self._write("")
            self._write(verdict.as_text())

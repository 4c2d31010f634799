"""Received lines into the transcript as they arrive, in step with the replies taken.

A reply of 100,000 lines takes seconds to arrive: its lines are written (and journaled) as
they come, not when the reply ends, so a killed process leaves on disk what had arrived and
a screen takes them in a chunk at a time. Lines the parser did not keep (beyond a reply's
:data:`~smtp_tui.core.replies.MAX_REPLY_LINES`) are archived: journaled, not kept in memory.

Lines of a later reply that came in the same chunk wait until that reply is awaited: bytes
after STARTTLS's 220 are thrown away unread (CVE-2011-0411 class), never shown as received.
"""

from __future__ import annotations

from smtp_tui.core.replies import MAX_JOURNALED_LINES, ArrivedLines, Reply
from smtp_tui.core.transcript import EventKind, Transcript


class ReceivedLineRecorder:
    """Queue of :class:`ArrivedLines` from a parser; writes those of the awaited reply."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self._queue: list[ArrivedLines] = []
        self._taken = 0  # replies (and errors) handed out since the parser's last reset

    def arrived(self, lines: list[ArrivedLines], *, tls: bool) -> None:
        """Take the parser's new lines; record at once those of the awaited reply."""
        self._queue += lines
        self.flush(tls=tls)

    def flush(self, *, tls: bool) -> None:
        """Record the queued lines of the awaited reply (call while awaiting it)."""
        ready = 0
        for batch in self._queue:
            if batch.reply > self._taken:
                break
            if batch.kept:
                for text in batch.texts:
                    self.transcript.add(EventKind.RECEIVED, text, tls=tls)
            else:
                self.transcript.archive(EventKind.RECEIVED, batch.texts, tls=tls)
            ready += 1
        del self._queue[:ready]

    def reply_notes(self, reply: Reply) -> None:
        """Warn of what the lines (recorded as they came) do not say: what was odd or cut."""
        if reply.bare_lf:
            self.transcript.warning(
                "The server ended lines with a bare LF instead of CR LF (RFC 5321 §2.3.8)."
            )
        if reply.long_lines_cut:
            self.transcript.warning("A reply line over 4 KiB was cut.")
        if reply.lines_cut:
            # Cut from the session's memory and the screen, not from the journal: the lines
            # were archived as they arrived.
            total = len(reply.lines) + reply.lines_cut
            journal = (
                "every line"
                if total <= MAX_JOURNALED_LINES
                else f"the first {MAX_JOURNALED_LINES:,} of its {total:,} lines"
            )
            self.transcript.warning(
                f"The reply was cut: {reply.lines_cut} more lines dropped. Only the first "
                f"{len(reply.lines)} are shown and kept in memory; the journal file holds "
                f"{journal}."
            )

    def reply_taken(self) -> None:
        """The awaited reply (or error) was handed out: the next one is awaited now."""
        self._taken += 1

    def discard(self) -> int:
        """Forget the queued lines (with the parser's reset); returns how many there were."""
        count = sum(len(batch.texts) for batch in self._queue)
        self._queue.clear()
        self._taken = 0
        return count

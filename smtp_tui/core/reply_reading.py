"""What a connection does with the bytes it reads, whatever the waiting (sans-I/O).

Both connections — asyncio streams, and the blocking socket of the loopless check — hand each
chunk they read to :class:`ReplyReading`: it feeds the parser, records every line in the
transcript as it arrives, hands out the replies in order, and words each failure (a hang-up,
a reset, a timeout, junk instead of a reply) the same way for both. Only the waiting differs
between them, so a check gives the same transcript and the same verdict on either.
"""

from __future__ import annotations

from smtp_tui.core.received_lines import ReceivedLineRecorder
from smtp_tui.core.replies import ProtocolError, Reply, ReplyParser
from smtp_tui.core.smtp_errors import ConnectionLost, ReplyTimedOut, ServerProtocolError
from smtp_tui.core.transcript import Transcript


class ReplyReading:
    """The parser, the replies complete but not yet taken, and the lines on their way."""

    def __init__(self, transcript: Transcript) -> None:
        self.parser = ReplyParser(record_lines=True)
        self.received = ReceivedLineRecorder(transcript)
        self.ready: list[Reply | ProtocolError] = []

    def begin(self, *, tls: bool) -> None:
        """A reply is awaited: record its lines that came with the previous one."""
        self.received.flush(tls=tls)

    def take(self, data: bytes, *, tls: bool) -> bool:
        """Take one chunk; True once a reply is complete."""
        self.ready += self.parser.feed(data)
        self.received.arrived(self.parser.take_lines(), tls=tls)
        return bool(self.ready)

    def end_of_stream(self, waiting_for: str, *, tls: bool) -> ConnectionLost | None:
        """The server closed the connection: None when that completed a reply, else why
        nothing more will come (in words for ``waiting_for``)."""
        self.ready += self.parser.feed_eof()
        self.received.arrived(self.parser.take_lines(), tls=tls)
        if self.ready:
            return None
        hint = (
            " It accepted the connection and hung up at once: it refuses you, or it is overloaded."
            if waiting_for.startswith("the greeting")
            else ""
        )
        return ConnectionLost(
            f"The server closed the connection while we waited for {waiting_for}.{hint}"
        )

    @staticmethod
    def reset(waiting_for: str, error: OSError) -> ConnectionLost:
        return ConnectionLost(
            f"The connection was reset while waiting for {waiting_for} ({error})."
        )

    def timed_out(self, timeout: float, waiting_for: str) -> ReplyTimedOut:
        """The error for a wait that ran out (ask before :meth:`discard`)."""
        partial = " (part of a reply had arrived)" if self.parser.has_partial else ""
        return ReplyTimedOut(
            f"No complete answer within {timeout:g} s while waiting for {waiting_for}"
            f"{partial}. The connection was closed, since the dialogue is out of step."
        )

    def next_reply(self) -> Reply | ServerProtocolError:
        """The oldest complete reply (its lines are in the transcript already, its oddities
        noted now), or the error for junk in its place."""
        event = self.ready.pop(0)
        self.received.reply_taken()
        if isinstance(event, ProtocolError):
            return ServerProtocolError(
                f"The server sent something that is not an SMTP reply: {event.reason}. "
                "The connection was closed."
            )
        self.received.reply_notes(event)
        return event

    @property
    def buffered_bytes(self) -> int:
        """Bytes read but not yet handed out as a reply."""
        return sum(len(event.raw) for event in self.ready) + self.parser.buffered_bytes

    def discard(self) -> None:
        """Forget everything read and not yet taken (a closed connection, STARTTLS)."""
        self.ready.clear()
        self.parser.reset()
        self.received.discard()

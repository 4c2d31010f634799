"""Sans-I/O parser for SMTP replies (RFC 5321 §4.2).

Feed it bytes as they arrive, split anywhere; it returns complete :class:`Reply` objects and
:class:`ProtocolError` events. It never raises on what a server sends: junk becomes an event
that carries the raw bytes, so the session can show it and go on (or stop) as it chooses.

Hostile servers cannot exhaust memory: a line longer than :data:`MAX_LINE_BYTES` is cut and
the rest of it discarded, and a reply longer than :data:`MAX_REPLY_LINES` keeps only its first
lines (both are reported on the reply).

A parser made with ``record_lines=True`` also hands out every line as it is taken (see
:class:`ArrivedLines` and :meth:`ReplyParser.take_lines`), including the lines beyond a
reply's kept ones, so that a journal can hold all of a 100,000-line flood while the
:class:`Reply` (and the memory behind it) stays bounded.
"""

from __future__ import annotations

import re

from smtp_tui.core.record import frozen_record
from smtp_tui.core.sanitize import is_printable_ascii_lines, sanitize_bytes, sanitize_text

MAX_LINE_BYTES = 4096
MAX_REPLY_LINES = 1000
# Lines of one reply handed out by a recording parser (for the journal): issue 15's flood of
# 100,000 lines is taken whole, with room to spare (about 36 MB of journal at this cap); an
# endless flood would otherwise fill the disk at ~10 MB/s until the timeout.
MAX_JOURNALED_LINES = 250_000

# RFC 5321: Reply-code = %x32-35 %x30-35 %x30-39
_CODE = re.compile(rb"^([2-5][0-5][0-9])")
_ENHANCED = re.compile(r"^([245])\.([0-9]{1,3})\.([0-9]{1,3})(?=\s|$)")


@frozen_record
class Reply:
    """One complete server reply.

    ``lines`` hold the sanitized text after each code and separator; ``raw`` the bytes as
    received. ``enhanced`` is the RFC 3463 status code (``"5.1.1"``) found at the start of
    the first line's text, when its class matches the reply's.
    """

    code: int
    lines: tuple[str, ...]
    raw: bytes
    multiline: bool = False
    enhanced: str | None = None
    bare_lf: bool = False
    lines_cut: int = 0
    long_lines_cut: int = 0

    @property
    def is_positive(self) -> bool:
        return self.code < 400

    @property
    def text(self) -> str:
        """All text lines joined with newlines (enhanced code left in place)."""
        return "\n".join(self.lines)

    def display_lines(self, limit: int | None = None) -> list[str]:
        """The reply as the server wrote it, one string per line, sanitized; the first
        ``limit`` lines only, if given (a panel that shows a dozen of a thousand)."""
        shown: list[str] = []
        for index, line in enumerate(self.lines[:limit]):
            last = index == len(self.lines) - 1
            sep = " " if last else "-"
            shown.append(f"{self.code}{sep}{line}" if line or not last else f"{self.code}")
        return shown


@frozen_record
class ProtocolError:
    """Something the server sent that is not a valid reply."""

    reason: str
    raw: bytes


ParserEvent = Reply | ProtocolError


@frozen_record
class ArrivedLines:
    """Received lines, sanitized, as the server wrote them (``"250-SIZE 1000"``).

    ``reply`` counts the events (replies and errors) the parser finished before these lines'
    own, so lines can be recorded in step with the replies they belong to. ``kept`` is False
    for the lines beyond a reply's :data:`MAX_REPLY_LINES`: they are in no :class:`Reply`, and
    a front end keeps them out of memory (the journal writes them).
    """

    reply: int
    kept: bool
    texts: tuple[str, ...]


def parse_enhanced(text: str, code: int) -> str | None:
    """Return the enhanced status code at the start of ``text`` if it fits ``code``'s class."""
    match = _ENHANCED.match(text)
    if not match or int(match.group(1)) != code // 100:
        return None
    return ".".join(match.group(i) for i in (1, 2, 3))


class _Pending:
    """The reply being read: its lines so far, and what was cut from them. (Parser state,
    not a value: a plain class, which costs nothing to define, unlike a dataclass.)"""

    __slots__ = ("bare_lf", "code", "lines", "lines_cut", "long_lines_cut", "raw")

    def __init__(self) -> None:
        self.code: int | None = None
        self.lines: list[str] = []
        self.raw = bytearray()
        self.bare_lf = False
        self.lines_cut = 0
        self.long_lines_cut = 0


class ReplyParser:
    """Turn a byte stream from an SMTP server into replies.

    >>> parser = ReplyParser()
    >>> parser.feed(b"250-mx.example\\r\\n250 SIZE 1000\\r\\n")[0].code
    250
    """

    def __init__(
        self,
        *,
        max_line_bytes: int = MAX_LINE_BYTES,
        max_reply_lines: int = MAX_REPLY_LINES,
        record_lines: bool = False,
        max_journaled_lines: int = MAX_JOURNALED_LINES,
    ) -> None:
        """``record_lines``: keep every line taken for :meth:`take_lines` (whoever asks for
        them must take them after each :meth:`feed`, or they pile up), up to
        ``max_journaled_lines`` lines of one reply."""
        self._max_line = max_line_bytes
        self._max_lines = max_reply_lines
        self._buffer = bytearray()
        self._discarding = False  # inside the tail of an over-long line
        self._pending = _Pending()
        self._beyond_cap: dict[int, re.Pattern[bytes]] = {}  # code -> its continuation lines
        self._record = record_lines
        self._max_journaled = max_journaled_lines
        self._arrived: list[ArrivedLines] = []
        self._finished = 0  # events finished since the last reset: the next line's ``reply``

    @property
    def buffered_bytes(self) -> int:
        """How many received bytes are held but not yet part of a finished reply."""
        return len(self._buffer) + len(self._pending.raw)

    @property
    def has_partial(self) -> bool:
        """True while bytes of an unfinished reply are held."""
        return bool(self._buffer) or self._pending.code is not None

    def reset(self) -> None:
        """Forget everything buffered (after STARTTLS, for instance); line numbering restarts
        (the next line's ``reply`` is 0)."""
        self._buffer.clear()
        self._discarding = False
        self._pending = _Pending()
        self._arrived.clear()
        self._finished = 0

    def take_lines(self) -> list[ArrivedLines]:
        """The lines taken since the last call, in order (empty unless ``record_lines``)."""
        arrived, self._arrived = self._arrived, []
        return arrived

    def _arrive(self, kept: bool, texts: tuple[str, ...]) -> None:
        if self._record:
            self._arrived.append(ArrivedLines(self._finished, kept, texts))

    def feed(self, data: bytes) -> list[ParserEvent]:
        """Take more bytes; return the replies and errors they complete, in order."""
        events: list[ParserEvent] = []
        buffer = self._buffer
        buffer += data
        # Lines are read by position and the buffer is trimmed once at the end: a flood of
        # short lines costs one pass, not one deletion per line (issue 15).
        start = 0
        while True:
            newline = buffer.find(b"\n", start)
            if self._discarding:
                # The tail of a line that was already cut: drop it up to its LF.
                if newline < 0:
                    start = len(buffer)
                    break
                start = newline + 1
                self._discarding = False
                continue
            if newline < 0:
                if len(buffer) - start > self._max_line:
                    head = bytes(buffer[start : start + self._max_line])
                    start = len(buffer)
                    self._discarding = True
                    self._pending.long_lines_cut += 1
                    event = self._take_line(head, cut=True)
                    if event is not None:
                        events.append(event)
                break
            skipped_to = self._skip_beyond_cap(buffer, start)
            if skipped_to > start:
                start = skipped_to
                continue
            raw_line = bytes(buffer[start : newline + 1])
            start = newline + 1
            event = self._take_line(raw_line)
            if event is not None:
                events.append(event)
        del buffer[:start]
        return events

    def feed_eof(self) -> list[ParserEvent]:
        """The server closed the connection: report any unfinished reply."""
        leftover = bytes(self._pending.raw) + bytes(self._buffer)
        if self._buffer:  # an unfinished last line: the lines before it were handed out
            self._arrive(True, (sanitize_bytes(bytes(self._buffer), max_chars=self._max_line),))
        self._buffer.clear()
        self._discarding = False
        self._pending = _Pending()
        if leftover:
            self._finished += 1
            return [ProtocolError("connection closed in the middle of a reply", leftover)]
        return []

    def _skip_beyond_cap(self, buffer: bytearray, start: int) -> int:
        """Count the continuation lines at ``start`` of a reply that already holds its kept
        lines and raw bytes, in one regex pass, without copying or sanitizing them: what
        :meth:`_take_line` would do with each, for a 100,000-line flood (issue 15). Returns
        where the lines it took end (``start`` when it took none)."""
        pending = self._pending
        if (
            pending.code is None
            or len(pending.lines) < self._max_lines
            or len(pending.raw) < self._max_line * 4
            or self._max_line < 4
        ):
            return start
        pattern = self._beyond_cap.get(pending.code)
        if pattern is None:
            # Whole lines "CODE-..." no longer than a line may be (longer ones go the slow way).
            pattern = re.compile(rb"(?:%d-[^\n]{0,%d}\n)+" % (pending.code, self._max_line - 4))
            self._beyond_cap[pending.code] = pattern
        match = pattern.match(buffer, start)
        if match is None:
            return start
        end = match.end()
        lines = buffer.count(b"\n", start, end)
        if buffer.count(b"\r\n", start, end) < lines:
            pending.bare_lf = True
        room = self._max_journaled - len(pending.lines) - pending.lines_cut
        pending.lines_cut += lines
        if self._record and room > 0:
            block = _block_lines(bytes(buffer[start:end]), self._max_line)
            self._arrive(False, block[:room])
        return end

    def _take_line(self, raw_line: bytes, *, cut: bool = False) -> ParserEvent | None:
        pending = self._pending
        if cut:
            body = raw_line
        elif raw_line.endswith(b"\r\n"):
            body = raw_line[:-2]
        else:
            body = raw_line[:-1]
            pending.bare_lf = True
        if len(body) > self._max_line:
            body = body[: self._max_line]
            pending.long_lines_cut += 1

        if (
            pending.code is not None
            and len(pending.lines) >= self._max_lines
            and body[:3] == b"%d" % pending.code
        ):
            # Beyond the kept lines of a flood: the code was checked on the first line.
            code = pending.code
        else:
            match = _CODE.match(body)
            if not match:
                return self._error("not an SMTP reply line (no valid 3-digit code)", raw_line)
            code = int(match.group(1))
        separator = body[3:4]
        if separator not in (b"", b" ", b"-"):
            return self._error("missing space or hyphen after the reply code", raw_line)
        if pending.code is not None and code != pending.code:
            return self._error(
                f"reply code changed from {pending.code} to {code} inside one multi-line reply",
                raw_line,
            )
        pending.code = code
        if len(pending.raw) < self._max_line * 4:
            pending.raw += raw_line[: self._max_line * 4 - len(pending.raw)]
        if len(pending.lines) < self._max_lines:
            text = sanitize_bytes(body[4:], max_chars=self._max_line)
            pending.lines.append(text)
            if self._record:
                # As Reply.display_lines() writes it, but with the separator as sent.
                if separator == b"-":
                    shown = f"{code}-{text}"
                else:
                    shown = f"{code} {text}" if text else f"{code}"
                self._arrive(True, (shown,))
        else:
            pending.lines_cut += 1
            if self._record and len(pending.lines) + pending.lines_cut <= self._max_journaled:
                self._arrive(False, (sanitize_bytes(body, max_chars=self._max_line),))
        if separator == b"-":
            return None
        return self._finish()

    def _finish(self) -> Reply:
        pending = self._pending
        self._pending = _Pending()
        self._finished += 1
        assert pending.code is not None
        first = pending.lines[0] if pending.lines else ""
        return Reply(
            code=pending.code,
            lines=tuple(pending.lines),
            raw=bytes(pending.raw),
            multiline=len(pending.lines) + pending.lines_cut > 1,
            enhanced=parse_enhanced(first, pending.code),
            bare_lf=pending.bare_lf,
            lines_cut=pending.lines_cut,
            long_lines_cut=pending.long_lines_cut,
        )

    def _error(self, reason: str, raw_line: bytes) -> ProtocolError:
        self._arrive(True, (sanitize_bytes(raw_line.rstrip(b"\r\n"), max_chars=self._max_line),))
        raw = bytes(self._pending.raw) + raw_line
        self._pending = _Pending()
        self._finished += 1
        return ProtocolError(reason, raw)


def _block_lines(block: bytes, max_chars: int) -> tuple[str, ...]:
    """Whole lines (each ending in LF, perhaps CR LF) -> their sanitized texts, in one decode.

    A flood is mostly printable ASCII ending in CR LF: then the block is checked and split in
    a few C-level passes, not line by line (its lines are no longer than ``max_chars``: the
    caller's pattern bounds them)."""
    if is_printable_ascii_lines(block):
        return tuple(block[:-2].decode("ascii").split("\r\n"))
    texts = block.decode("utf-8", errors="backslashreplace").split("\n")
    texts.pop()  # the empty string after the last LF
    return tuple(
        sanitize_text(text[:-1] if text.endswith("\r") else text, max_chars=max_chars)
        for text in texts
    )


def parse_ehlo_keywords(reply: Reply) -> dict[str, str]:
    """EHLO reply -> {KEYWORD: parameters}; the first line (the greeting) is skipped."""
    keywords: dict[str, str] = {}
    for line in reply.lines[1:]:
        keyword, _, params = line.strip().partition(" ")
        if keyword:
            keywords[keyword.upper()] = params.strip()
    return keywords

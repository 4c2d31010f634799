"""The session's transcript: ordered, timestamped events and their exporters.

Every event's text is already sanitized (see :mod:`smtp_tui.core.sanitize`): the transcript
never holds a raw control character, so any front end may show it as it is.

Lines a session must not keep in memory (a flood's lines beyond a reply's kept ones) go to
:meth:`Transcript.archive` instead: they reach the archive listeners (the journal) and are
only counted here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum

from smtp_tui.core.record import field, frozen_record, mutable_record
from smtp_tui.core.sanitize import is_printable_ascii, sanitize_text


class EventKind(Enum):
    SENT = "sent"
    RECEIVED = "received"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


# swaks-style markers, so the plain export reads like what admins already know.
_MARKERS = {
    EventKind.SENT: " -> ",
    EventKind.RECEIVED: "<-  ",
    EventKind.INFO: "=== ",
    EventKind.WARNING: "!!! ",
    EventKind.ERROR: "*** ",
}
_TLS_MARKERS = {EventKind.SENT: " ~> ", EventKind.RECEIVED: "<~  "}


def marker_for(kind: EventKind, *, tls: bool = False) -> str:
    """The swaks-style marker of a line: `` -> `` sent, ``<~  `` received inside TLS, ..."""
    if tls and kind in _TLS_MARKERS:
        return _TLS_MARKERS[kind]
    return _MARKERS[kind]


@frozen_record
class TranscriptEvent:
    """One line of the transcript."""

    kind: EventKind
    text: str
    wall: datetime
    monotonic: float
    tls: bool = False

    @property
    def marker(self) -> str:
        return marker_for(self.kind, tls=self.tls)

    def plain_line(self, *, timestamps: bool = False) -> str:
        stamp = self.wall.strftime("%H:%M:%S.%f")[:-3] + " " if timestamps else ""
        return f"{stamp}{self.marker}{self.text}"


@frozen_record
class ArchivedLines:
    """Lines that arrived together and are kept only by archive listeners (the journal)."""

    kind: EventKind
    texts: tuple[str, ...]
    wall: datetime
    tls: bool = False

    @property
    def marker(self) -> str:
        return marker_for(self.kind, tls=self.tls)


@mutable_record
class TranscriptMeta:
    """What a ticket reader needs to know about where and how the session ran."""

    version: str = ""
    ran_on: str = ""
    target: str = ""
    resolver: str = ""
    mx_host: str = ""
    mx_address: str = ""
    started: datetime = field(default_factory=lambda: datetime.now(UTC))


Listener = Callable[[TranscriptEvent], None]
ArchiveListener = Callable[[ArchivedLines], None]


class Transcript:
    """Ordered events plus listeners (the journal, a screen, stdout) told of each one."""

    def __init__(self, meta: TranscriptMeta | None = None) -> None:
        self.meta = meta or TranscriptMeta()
        self.events: list[TranscriptEvent] = []
        self.archived = 0  # lines passed to the archive listeners only, not in ``events``
        self._listeners: list[Listener] = []
        self._archivists: list[ArchiveListener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def add(self, kind: EventKind, text: str, *, tls: bool = False) -> TranscriptEvent:
        """Record one event; the text is sanitized again here, so nothing unsafe gets in."""
        event = TranscriptEvent(
            kind=kind,
            text=sanitize_text(text),
            wall=datetime.now(UTC),
            monotonic=time.monotonic(),
            tls=tls,
        )
        self.events.append(event)
        for listener in list(self._listeners):
            listener(event)
        return event

    def subscribe_archive(self, listener: ArchiveListener) -> None:
        """Be told of the lines that are archived and not kept (see :meth:`archive`)."""
        self._archivists.append(listener)

    def archive(self, kind: EventKind, texts: tuple[str, ...], *, tls: bool = False) -> None:
        """Pass lines to the archive listeners (the journal) without keeping them: for a
        flood's lines beyond what a session keeps in memory and shows. Sanitized again here,
        as :meth:`add` does."""
        if not texts:
            return
        if not is_printable_ascii("".join(texts)):  # else nothing to escape (one C-level pass)
            texts = tuple(sanitize_text(text) for text in texts)
        batch = ArchivedLines(
            kind=kind,
            texts=texts,
            wall=datetime.now(UTC),
            tls=tls,
        )
        self.archived += len(texts)
        for listener in list(self._archivists):
            listener(batch)

    def info(self, text: str) -> TranscriptEvent:
        return self.add(EventKind.INFO, text)

    def warning(self, text: str) -> TranscriptEvent:
        return self.add(EventKind.WARNING, text)

    def error(self, text: str) -> TranscriptEvent:
        return self.add(EventKind.ERROR, text)


def to_plain(events: list[TranscriptEvent], *, timestamps: bool = False) -> str:
    """The transcript as swaks-style text: `` -> `` sent, ``<-  `` received, ``=== `` info."""
    return "".join(event.plain_line(timestamps=timestamps) + "\n" for event in events)


def _fence_for(body: str) -> str:
    # A fence longer than any backtick run inside, so server text cannot close it early.
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)


def to_markdown(transcript: Transcript, *, extra_sections: list[str] | None = None) -> str:
    """A ticket-ready Markdown export: a header of facts, then the transcript in a fence."""
    meta = transcript.meta
    rows = [
        ("Date (UTC)", meta.started.strftime("%Y-%m-%d %H:%M:%S")),
        ("smtp-tui", meta.version),
        ("Ran on", meta.ran_on),
        ("Target domain", meta.target),
        ("Resolver", meta.resolver or "system"),
        ("MX used", meta.mx_host or "none"),
        ("MX address", meta.mx_address or "none"),
    ]
    lines = ["## SMTP test transcript", ""]
    lines += [f"- **{label}:** {sanitize_text(value) or '-'}" for label, value in rows]
    body = to_plain(transcript.events, timestamps=True)
    fence = _fence_for(body)
    lines += ["", f"{fence}text", body.rstrip("\n"), fence]
    for section in extra_sections or []:
        lines += ["", section.rstrip("\n")]
    return "\n".join(lines) + "\n"


def to_json_records(events: list[TranscriptEvent]) -> list[dict[str, object]]:
    """Events as JSON-ready dicts (the --json output and the JSON export)."""
    return [
        {
            "time": event.wall.isoformat(timespec="milliseconds"),
            "kind": event.kind.value,
            "tls": event.tls,
            "text": event.text,
        }
        for event in events
    ]

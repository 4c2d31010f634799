"""Write the transcript to disk line by line as it happens.

Each event is written and flushed at once, so a dropped SSH session or ``kill -9`` leaves
everything up to that moment in the file. (The operating system keeps flushed data when a
process dies; only a power cut could lose the last lines, which ``fsync`` per line would cost
too much to guard against.)
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from smtp_tui.core.transcript import Transcript, TranscriptEvent


def state_dir() -> Path:
    """``$XDG_STATE_HOME/smtp-tui`` (``~/.local/state/smtp-tui`` by default)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "smtp-tui"


def transcripts_dir() -> Path:
    return state_dir() / "transcripts"


def journal_path(domain: str, *, when: datetime | None = None) -> Path:
    """``<state>/transcripts/<UTC time>-<domain>.log``; the domain is made file-name safe."""
    moment = (when or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S.%fZ")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", domain)[:100] or "session"
    return transcripts_dir() / f"{moment}-{safe}.log"


class Journal:
    """An append-only transcript file, flushed after every line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: TextIO | None = open(path, "a", encoding="utf-8", newline="\n")  # noqa: SIM115

    def write_line(self, line: str) -> None:
        if self._file is None:
            return
        self._file.write(line + "\n")
        self._file.flush()

    def record(self, event: TranscriptEvent) -> None:
        stamp = event.wall.isoformat(timespec="milliseconds")
        self.write_line(f"{stamp} {event.marker}{event.text}")

    def attach(self, transcript: Transcript) -> None:
        """Write a header, the events so far, then every new event as it happens."""
        meta = transcript.meta
        self.write_line(
            f"# smtp-tui {meta.version} on {meta.ran_on or '?'} target {meta.target or '?'} "
            f"started {meta.started.isoformat(timespec='seconds')}"
        )
        for event in transcript.events:
            self.record(event)
        transcript.subscribe(self.record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def open_journal(transcript: Transcript, domain: str) -> Journal | None:
    """Start journaling ``transcript``; returns None (and says why) if the disk refuses."""
    try:
        journal = Journal(journal_path(domain))
    except OSError as error:
        transcript.warning(f"Could not open the transcript journal: {error}")
        return None
    journal.attach(transcript)
    return journal

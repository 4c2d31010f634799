"""Write the transcript's exports (Markdown for a ticket, plain text) next to the journals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from smtp_tui.core.journal import transcripts_dir
from smtp_tui.core.transcript import Transcript, to_markdown, to_plain


def export_stem(transcript: Transcript, label: str = "") -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    domain = "".join(ch if ch.isalnum() or ch in ".-" else "_" for ch in transcript.meta.target)
    name = f"{stamp}-{domain or 'session'}{'-' + label if label else ''}"
    return transcripts_dir() / name


def save_exports(
    transcript: Transcript, *, extra_sections: list[str] | None = None
) -> tuple[Path, Path]:
    """Save Markdown and plain-text exports; returns (markdown path, text path)."""
    stem = export_stem(transcript)
    stem.parent.mkdir(parents=True, exist_ok=True)
    markdown = stem.with_name(stem.name + ".md")
    plain = stem.with_name(stem.name + ".txt")
    markdown.write_text(to_markdown(transcript, extra_sections=extra_sections), encoding="utf-8")
    plain.write_text(to_plain(transcript.events, timestamps=True), encoding="utf-8")
    return markdown, plain


def save_ticket(transcript: Transcript, text: str) -> Path:
    """Save the ticket export that was copied, so it is on disk whatever the clipboard did."""
    stem = export_stem(transcript, "ticket")
    stem.parent.mkdir(parents=True, exist_ok=True)
    path = stem.with_name(stem.name + ".md")
    path.write_text(text, encoding="utf-8")
    return path

"""Write the transcript's exports (Markdown for a ticket, plain text) next to the journals.

Like the journals they are private (0600 in a 0700 folder), always new files, never written
through a symbolic link, and named to the microsecond (with a counter if that is not enough).
When the journals' disk is full or read-only, they go to a private folder under the system's
temporary folder instead, and the returned path says where.
"""

from __future__ import annotations

from pathlib import Path

from smtp_tui.core.journal import (
    file_name_part,
    file_stamp,
    spare_folder,
    transcripts_dir,
    write_private_file,
)
from smtp_tui.core.transcript import Transcript, to_markdown, to_plain


def export_stem(transcript: Transcript, label: str = "") -> Path:
    """``<transcripts>/<UTC time to the microsecond>-<target>[-label]``, without a suffix."""
    name = f"{file_stamp()}-{file_name_part(transcript.meta.target)}{'-' + label if label else ''}"
    return transcripts_dir() / name


class ExportError(OSError):
    """Neither the transcripts folder nor the spare folder took the file; says why for each."""


def _save(stem: str, suffix: str, text: str, first: Path | None = None) -> Path:
    """Write to ``first`` (by default the transcripts folder), else the spare folder."""
    places = [(transcripts_dir(), 2), (spare_folder(), 1)]
    if first is not None and first != transcripts_dir():
        places.insert(0, (first, 1))
    failures = []
    for folder, ours in places:
        try:
            return write_private_file(folder, stem, suffix, text, ours=ours)
        except OSError as error:  # a full disk, a read-only or unsafe folder: try the next
            failures.append(f"{folder}: {error.strerror or error}")
    raise ExportError(f"Could not save the {suffix[1:]} file: {'; '.join(failures)}.")


def save_exports(
    transcript: Transcript,
    *,
    extra_sections: list[str] | None = None,
    plain_trailer: list[str] | None = None,
) -> tuple[Path, Path]:
    """Save Markdown and plain-text exports; returns (markdown path, text path).

    They go to the transcripts folder, or (full disk, read-only) to :func:`spare_folder`;
    ExportError (an OSError) says why if neither can be written."""
    stem = export_stem(transcript).name
    markdown = _save(stem, ".md", to_markdown(transcript, extra_sections=extra_sections))
    text = to_plain(transcript.events, timestamps=True)
    if plain_trailer:
        text = text.rstrip("\n") + "\n\n" + "\n".join(plain_trailer) + "\n"
    # Beside the Markdown file, with its name (which may carry a counter), so the two pair up.
    plain = _save(markdown.stem, ".txt", text, first=markdown.parent)
    return markdown, plain


def save_ticket(transcript: Transcript, text: str) -> Path:
    """Save the ticket export that was copied, so it is on disk whatever the clipboard did
    (in the transcripts folder or, failing that, the spare folder)."""
    return _save(export_stem(transcript, "ticket").name, ".md", text)

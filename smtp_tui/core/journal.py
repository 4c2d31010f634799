"""Write the transcript to disk line by line as it happens.

Each event is written straight to the operating system, so a dropped SSH session or ``kill -9``
leaves everything up to that moment in the file. The lines of a flood that the session does
not keep in memory (:meth:`Transcript.archive`) are written the same way, one write per chunk
received. (The operating system keeps written data when
a process dies; only a power cut could lose the last lines, which ``fsync`` per line would cost
too much to guard against.)

Transcripts hold addresses and server names, so they are private: files 0600 in folders 0700,
created new (``O_EXCL``) and never through a symbolic link (``O_NOFOLLOW``). A disk that fills
up, or any other write error, never stops the session: the journal stops, remembers the first
error (what, where) and says so once.

The journal works on paths as text (``os.path``); :class:`pathlib.Path` is made only where a
caller asks for one (``Journal.path``, :func:`transcripts_dir`, ...): pathlib brings urllib and
ipaddress, which a plain check has no other use for (issue 15).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from collections.abc import Callable
from datetime import UTC, datetime

from smtp_tui.core.record import frozen_record
from smtp_tui.core.transcript import ArchivedLines, Transcript, TranscriptEvent

TYPE_CHECKING = False  # as typing's, without importing typing (issue 15)
if TYPE_CHECKING:
    from pathlib import Path

PRIVATE_FOLDER_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
# Names differ by microseconds; a counter settles the rare tie (two windows, one moment).
_MAX_NAME_TRIES = 100
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _state_folder() -> str:
    base = os.environ.get("XDG_STATE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if home == "~":  # no HOME and no passwd entry: not a folder named "~" here
            return _spare_folder()
        base = os.path.join(home, ".local", "state")
    return os.path.join(base, "smtp-tui")


def _transcripts_folder() -> str:
    return os.path.join(_state_folder(), "transcripts")


def state_dir() -> Path:
    """``$XDG_STATE_HOME/smtp-tui`` (``~/.local/state/smtp-tui`` by default)."""
    from pathlib import Path

    return Path(_state_folder())


def transcripts_dir() -> Path:
    from pathlib import Path

    return Path(_transcripts_folder())


def file_stamp(when: datetime | None = None) -> str:
    """The UTC time for a file name, to the microsecond: ``20260130T041502.123456Z``."""
    return (when or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S.%fZ")


def file_name_part(text: str) -> str:
    """``text`` made safe for a file name (letters, digits, ``.``, ``_``, ``-``), at most 100."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[:100] or "session"


def journal_path(domain: str, *, when: datetime | None = None) -> Path:
    """``<state>/transcripts/<UTC time>-<domain>.log``; the domain is made file-name safe."""
    return transcripts_dir() / f"{file_stamp(when)}-{file_name_part(domain)}.log"


def _parent(path: str) -> str:
    """The folder holding ``path``, as ``Path.parent`` has it (``.`` for a bare name)."""
    return os.path.dirname(path.rstrip(os.sep) or os.sep) or "."


class UnsafeFolder(OSError):
    """A folder for transcripts is a link, or not ours: nothing is written into it."""


def private_folder(folder: Path, *, ours: int = 2) -> Path:
    """Make ``folder`` private: its last ``ours`` components (by default ``smtp-tui`` and
    ``transcripts``) are created 0700, or tightened to 0700 if they exist with wider
    permissions; the folders above are only created if missing (e.g. ``~/.local/state``).

    Raises UnsafeFolder if one of ours is a symbolic link or belongs to another user.
    """
    _make_private_folder(os.fspath(folder), ours)
    return folder


def _make_private_folder(folder: str, ours: int) -> None:
    mine = [folder]
    while len(mine) < ours and _parent(mine[-1]) != mine[-1]:
        mine.append(_parent(mine[-1]))
    mine.reverse()
    os.makedirs(_parent(mine[0]), exist_ok=True)
    for part in mine:
        with contextlib.suppress(FileExistsError):
            os.mkdir(part, PRIVATE_FOLDER_MODE)
        info = os.lstat(part)
        if not stat.S_ISDIR(info.st_mode):
            raise UnsafeFolder(errno.ENOTDIR, "not a folder (a link?), so not used", part)
        if info.st_uid != os.getuid():
            raise UnsafeFolder(errno.EPERM, "owned by another user, so not used", part)
        if stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(part, PRIVATE_FOLDER_MODE)


def create_private_file(folder: Path, stem: str, suffix: str, *, ours: int = 2) -> tuple[Path, int]:
    """Create a new file ``<stem><suffix>`` (else ``<stem>-2<suffix>``, ...) in ``folder``,
    mode 0600, never through a link and never over an existing file; the folder is made
    private first (see :func:`private_folder` for ``ours``).

    Returns the path and an open, write-only file descriptor (the caller closes it).
    """
    from pathlib import Path

    path, fd = _create_private_file(os.fspath(folder), stem, suffix, ours)
    return Path(path), fd


def _create_private_file(folder: str, stem: str, suffix: str, ours: int) -> tuple[str, int]:
    _make_private_folder(folder, ours)
    for attempt in range(1, _MAX_NAME_TRIES + 1):
        name = f"{stem}{suffix}" if attempt == 1 else f"{stem}-{attempt}{suffix}"
        path = os.path.join(folder, name)
        try:
            return path, os.open(path, _CREATE_FLAGS, PRIVATE_FILE_MODE)
        except FileExistsError:
            continue  # a file, or a planted link (O_EXCL refuses both): take the next name
    raise FileExistsError(errno.EEXIST, "no free file name", os.path.join(folder, stem + suffix))


def write_private_file(folder: Path, stem: str, suffix: str, text: str, *, ours: int = 2) -> Path:
    """Write ``text`` (UTF-8) to a new private file (see :func:`create_private_file`).

    If the write fails (a full disk), the partial file is removed and the OSError raised."""
    path, fd = create_private_file(folder, stem, suffix, ours=ours)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except OSError:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return path


def spare_folder() -> Path:
    """Where files go when the state folder cannot be written: ``<tmp>/smtp-tui-<uid>``
    (private; a folder of that name planted by another user is refused)."""
    from pathlib import Path

    return Path(_spare_folder())


def _spare_folder() -> str:
    import tempfile  # random, shutil, bz2, lzma: only when the state folder fails

    return os.path.join(tempfile.gettempdir(), f"smtp-tui-{os.getuid()}")


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte (``os.write`` may write part of them)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


@frozen_record
class JournalFailure:
    """Why the journal stopped: what it was doing, the file, and the system's words."""

    doing: str  # "writing to", "closing"
    path: Path
    reason: str
    errno: int | None

    def message(self) -> str:
        return (
            f"The transcript journal cannot be written: {self.reason} ({self.doing} "
            f"{self.path}). The session goes on; the lines from here on are not in that file."
        )


def _reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


class Journal:
    """An append-only transcript file; each line reaches the operating system at once.

    A write error never leaves this class: the first one is kept in :attr:`failure`, passed
    to :attr:`on_failure` (and, by :func:`open_journal`, told to the transcript), and the
    journal writes nothing more.
    """

    def __init__(self, path: Path | str, *, fd: int | None = None) -> None:
        """Create the file at ``path`` (0600, must not exist), or take ``fd`` already open on it."""
        self.location = os.fspath(path)  # the file, as text: what the transcript names
        if fd is None:
            os.makedirs(_parent(self.location), exist_ok=True)
            fd = os.open(self.location, _CREATE_FLAGS, PRIVATE_FILE_MODE)
        self._fd: int | None = fd
        self.failure: JournalFailure | None = None
        self.on_failure: Callable[[JournalFailure], None] | None = None
        self._failure_taken = False

    @classmethod
    def create(
        cls, domain: str, *, when: datetime | None = None, folder: Path | str | None = None
    ) -> Journal:
        """A new journal in ``folder`` (by default :func:`transcripts_dir`, else a folder of
        its own), named by time and ``domain``."""
        stem = f"{file_stamp(when)}-{file_name_part(domain)}"
        if folder is None:
            path, fd = _create_private_file(_transcripts_folder(), stem, ".log", 2)
        else:
            path, fd = _create_private_file(os.fspath(folder), stem, ".log", 1)
        return cls(path, fd=fd)

    @property
    def path(self) -> Path:
        """The file (a Path is made on demand: see the module's note)."""
        from pathlib import Path

        return Path(self.location)

    @property
    def writing(self) -> bool:
        """True while lines still reach the file (not closed, no error)."""
        return self._fd is not None

    def take_failure(self) -> JournalFailure | None:
        """The failure, the first time it is asked for after one happened; else None.

        For a front end that says it once (e.g. before Ctrl+S names where else to save)."""
        if self.failure is None or self._failure_taken:
            return None
        self._failure_taken = True
        return self.failure

    def write_line(self, line: str) -> None:
        if self._fd is None:
            return
        try:
            _write_all(self._fd, (line + "\n").encode("utf-8", errors="surrogateescape"))
        except OSError as error:
            self._fail("writing to", error)

    def record(self, event: TranscriptEvent) -> None:
        stamp = event.wall.isoformat(timespec="milliseconds")
        self.write_line(f"{stamp} {event.marker}{event.text}")

    def record_archived(self, batch: ArchivedLines) -> None:
        """Lines kept nowhere else (a flood's): one write for the batch, each line stamped
        with the time the batch arrived, in the same format as :meth:`record`."""
        if self._fd is None:
            return
        head = f"{batch.wall.isoformat(timespec='milliseconds')} {batch.marker}"
        data = "".join(f"{head}{text}\n" for text in batch.texts)
        try:
            _write_all(self._fd, data.encode("utf-8", errors="surrogateescape"))
        except OSError as error:
            self._fail("writing to", error)

    def attach(self, transcript: Transcript) -> None:
        """Write a header, the events so far, then every new event (and every archived line,
        see :meth:`Transcript.archive`) as it happens."""
        meta = transcript.meta
        self.write_line(
            f"# smtp-tui {meta.version} on {meta.ran_on or '?'} target {meta.target or '?'} "
            f"started {meta.started.isoformat(timespec='seconds')}"
        )
        for event in transcript.events:
            self.record(event)
        transcript.subscribe(self.record)
        transcript.subscribe_archive(self.record_archived)

    def close(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.close(fd)
        except OSError as error:  # NFS and some file systems report a failed write only here
            self._record_failure("closing", error)

    def _fail(self, doing: str, error: OSError) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):  # the first error is the one worth telling
                os.close(fd)
        self._record_failure(doing, error)

    def _record_failure(self, doing: str, error: OSError) -> None:
        if self.failure is not None:
            return
        self.failure = JournalFailure(doing, self.path, _reason(error), error.errno)
        if self.on_failure is not None:
            self.on_failure(self.failure)


def open_journal(transcript: Transcript, domain: str) -> Journal | None:
    """Start journaling ``transcript`` in the transcripts folder, else the spare folder;
    returns None (and says why) if neither can be written.

    If a write fails later, the transcript gets one warning saying why and where (see
    :class:`JournalFailure`), and the session goes on.
    """
    try:
        journal = Journal.create(domain)
    except OSError as error:
        where = error.filename or _transcripts_folder()
        spare = _spare_folder()
        try:
            journal = Journal.create(domain, folder=spare)
        except OSError as spare_error:
            transcript.warning(
                f"Could not open the transcript journal: {_reason(error)} ({where}), nor in "
                f"{spare}: {_reason(spare_error)}. The session goes on without one."
            )
            return None
        transcript.warning(
            f"Could not open the transcript journal in its folder: {_reason(error)} ({where}). "
            f"It is written to {journal.location} instead."
        )

    def tell(failure: JournalFailure) -> None:
        transcript.warning(failure.message())

    journal.on_failure = tell
    journal.attach(transcript)
    return journal

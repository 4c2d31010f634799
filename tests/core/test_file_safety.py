"""Journals and exports are private, new files: 0600 in 0700 folders, never through a link."""

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from smtp_tui.core import exports
from smtp_tui.core.exports import save_exports, save_ticket
from smtp_tui.core.journal import (
    Journal,
    UnsafeFolder,
    create_private_file,
    open_journal,
    transcripts_dir,
)
from smtp_tui.core.transcript import Transcript, TranscriptMeta


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def transcript() -> Transcript:
    transcript = Transcript(TranscriptMeta(target="bob@example.com"))
    transcript.info("hello")
    return transcript


@pytest.fixture(autouse=True)
def open_umask():
    # A permissive umask, as on many desktops: the modes must not depend on it.
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_journal_is_0600_in_0700_folders(transcript):
    journal = open_journal(transcript, "example.com")
    assert journal is not None
    journal.close()
    assert _mode(journal.path) == 0o600
    assert _mode(transcripts_dir()) == 0o700
    assert _mode(transcripts_dir().parent) == 0o700


def test_exports_and_tickets_are_0600(transcript):
    markdown, plain = save_exports(transcript)
    ticket = save_ticket(transcript, "ticket text")
    for path in (markdown, plain, ticket):
        assert _mode(path) == 0o600, path
    assert markdown.stem == plain.stem
    assert "hello" in plain.read_text() and ticket.read_text() == "ticket text"


def test_a_world_readable_folder_from_before_is_tightened(transcript):
    transcripts_dir().mkdir(parents=True)
    os.chmod(transcripts_dir(), 0o755)
    os.chmod(transcripts_dir().parent, 0o755)
    save_ticket(transcript, "x")
    assert _mode(transcripts_dir()) == 0o700 and _mode(transcripts_dir().parent) == 0o700


def test_a_planted_link_is_not_followed(transcript, tmp_path, monkeypatch):
    # Freeze the clock so the attacker knows the exact name the export will take.
    moment = datetime(2026, 1, 30, 4, 15, 2, 123456, tzinfo=UTC)
    monkeypatch.setattr(
        exports, "file_stamp", lambda when=None: moment.strftime("%Y%m%dT%H%M%S.%fZ")
    )
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    stem = exports.export_stem(transcript, "ticket")
    stem.parent.mkdir(parents=True)
    planted = stem.with_name(stem.name + ".md")
    planted.symlink_to(victim)

    path = save_ticket(transcript, "ticket text")

    assert victim.read_text() == "precious"
    assert path != planted and path.read_text() == "ticket text"
    assert planted.is_symlink()


def test_names_do_not_collide_and_nothing_is_overwritten(transcript, monkeypatch):
    monkeypatch.setattr(exports, "file_stamp", lambda when=None: "20260130T041502.000000Z")
    first = save_ticket(transcript, "first")
    second = save_ticket(transcript, "second")
    markdown, plain = save_exports(transcript)
    markdown_again, plain_again = save_exports(transcript)
    paths = {first, second, markdown, plain, markdown_again, plain_again}
    assert len(paths) == 6
    assert first.read_text() == "first" and second.read_text() == "second"
    assert markdown_again.stem == plain_again.stem


def test_exports_made_in_the_same_second_get_different_names(transcript):
    names = {save_ticket(transcript, str(n)).name for n in range(20)}
    assert len(names) == 20


def test_journal_refuses_an_existing_file_or_link(tmp_path):
    target = tmp_path / "elsewhere"
    target.write_text("keep")
    link = tmp_path / "j.log"
    link.symlink_to(target)
    with pytest.raises(FileExistsError):
        Journal(link)
    assert target.read_text() == "keep"


def test_a_transcripts_folder_that_is_a_link_is_not_used(tmp_path, transcript, private_tmp):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    transcripts_dir().parent.mkdir(parents=True)
    transcripts_dir().symlink_to(elsewhere)
    with pytest.raises(UnsafeFolder):
        create_private_file(transcripts_dir(), "x", ".md")
    journal = open_journal(transcript, "example.com")
    assert journal is not None and journal.path.parent == private_tmp / f"smtp-tui-{os.getuid()}"
    warning = transcript.events[-1].text
    assert "not a folder" in warning and str(journal.path) in warning
    assert list(elsewhere.iterdir()) == []


def test_no_journal_at_all_is_said_once(tmp_path, transcript, private_tmp):
    transcripts_dir().parent.mkdir(parents=True)
    transcripts_dir().write_text("not a folder")
    (private_tmp / f"smtp-tui-{os.getuid()}").write_text("not a folder either")
    assert open_journal(transcript, "example.com") is None
    warning = transcript.events[-1].text
    assert "Could not open the transcript journal" in warning
    assert str(transcripts_dir()) in warning and "goes on without one" in warning


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The system's temporary folder, for this test only."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_exports_go_to_the_spare_folder_when_the_state_folder_fails(transcript, private_tmp):
    transcripts_dir().parent.mkdir(parents=True)
    transcripts_dir().write_text("a file where the folder should be")
    markdown, plain = save_exports(transcript)
    ticket = save_ticket(transcript, "ticket")
    spare = private_tmp / f"smtp-tui-{os.getuid()}"
    assert markdown.parent == plain.parent == ticket.parent == spare
    assert _mode(spare) == 0o700 and _mode(markdown) == 0o600


def test_a_spare_folder_planted_as_a_link_is_refused(transcript, private_tmp, tmp_path):
    transcripts_dir().parent.mkdir(parents=True)
    transcripts_dir().write_text("a file where the folder should be")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (private_tmp / f"smtp-tui-{os.getuid()}").symlink_to(elsewhere)
    with pytest.raises(OSError, match="Could not save the md file") as caught:
        save_ticket(transcript, "ticket")
    assert str(transcripts_dir()) in str(caught.value)
    assert list(elsewhere.iterdir()) == []

"""Plain mode against the lab's hostile servers: each session ends in words and a documented
exit code, never a traceback, and the journal holds what was shown (issue 10)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from smtp_tui.core.options import build_options, with_lab
from smtp_tui.core.replies import MAX_REPLY_LINES
from smtp_tui.lab import LabInfo
from smtp_tui.lab.misbehaving import HugeReply
from smtp_tui.lab.scenarios import BIG_FLOOD_LINES
from smtp_tui.plain.check import ExitCode, PlainFlags, run_check


async def check(
    lab: LabInfo, target: str, *, timeout: float = 2.0, starttls: bool = False
) -> tuple[int, str]:
    out = io.StringIO()
    options = with_lab(build_options(target=target, timeout=timeout), lab)
    code = await run_check(options, out=out, flags=PlainFlags(starttls=starttls))
    return code, out.getvalue()


def journal_text(state: Path) -> str:
    """The one journal the session wrote under the test's private state folder."""
    journals = list(state.glob("smtp-tui/transcripts/*.log"))
    assert len(journals) == 1, journals
    return journals[0].read_text(encoding="utf-8")


def assert_ended_in_words(output: str) -> None:
    assert "Traceback" not in output
    assert "Transcript saved to" in output
    assert "Verdict (" in output


async def test_a_huge_reply_is_taken_in_full_and_the_session_goes_on(lab, private_dirs):
    # 4 MB of bytes that must all be escaped; the generous timeout is for slow machines,
    # not part of the check (the benchmark measures the time).
    code, output = await check(lab, "alice@huge.test", timeout=60.0)
    assert code == ExitCode.OK
    assert_ended_in_words(output)
    assert "<-  250 8BITMIME" in output and " -> RCPT TO:<alice@huge.test>" in output
    journal = journal_text(private_dirs / "state")
    escaped_lines = [line for line in journal.splitlines() if "250-\\x1b\\xff" in line]
    assert len(escaped_lines) == HugeReply.LINES - 1  # the transcript keeps every line


async def test_non_ascii_digits_in_ehlo_do_not_break_the_session(lab):
    code, output = await check(lab, "alice@digits.test")
    assert code == ExitCode.OK
    assert_ended_in_words(output)
    assert "<-  250-SIZE ²" in output  # shown as sent, never read as a number
    assert " -> RCPT TO:<alice@digits.test>" in output


async def test_a_test_message_to_a_server_announcing_size_in_superscript(lab):
    out = io.StringIO()
    options = with_lab(build_options(target="alice@digits.test", timeout=2.0), lab)
    code = await run_check(options, out=out, flags=PlainFlags(data=True), quit_after="data")
    output = out.getvalue()
    assert code == ExitCode.OK
    assert_ended_in_words(output)
    assert "Test message accepted; queue id: LAB1234" in output


async def test_a_server_that_ignores_quit_is_left_after_the_quit_wait(lab, private_dirs):
    code, output = await check(lab, "alice@noquit.test")
    assert code == ExitCode.OK  # every step was accepted; only the goodbye was missing
    assert_ended_in_words(output)
    after_quit = output.split(" -> QUIT", 1)[1]
    # The quit wait is its own, short one (a second), whatever --timeout says.
    assert "No complete answer within 1 s while waiting for the reply to QUIT" in after_quit
    assert "Connection closed." in after_quit
    assert "Connection closed." in journal_text(private_dirs / "state")


async def test_a_quit_ignored_with_a_long_timeout_still_waits_only_a_second(lab):
    _, output = await check(lab, "alice@noquit.test", timeout=30.0)
    assert "No complete answer within 1 s while waiting for the reply to QUIT" in output


async def test_starttls_that_never_completes_is_a_tls_failure(lab):
    code, output = await check(lab, "alice@tlsstall.test", starttls=True)
    assert code == ExitCode.TLS_FAILED
    assert_ended_in_words(output)
    assert "<-  220 2.0.0 Ready to start TLS" in output
    assert "The TLS handshake did not finish in time." in output


async def test_the_verdict_on_a_stalled_handshake_does_not_call_220_a_refusal(lab):
    _, output = await check(lab, "alice@tlsstall.test", starttls=True)
    verdict = output.split("Verdict (", 1)[1]
    assert "refused STARTTLS (220)" not in verdict
    assert "handshake" in verdict


@pytest.mark.parametrize(
    ("target", "unreadable"),
    [
        ("alice@badsan.test", "Could not read the extensions (SAN)"),
        ("alice@badsubject.test", "Could not read the certificate"),
    ],
)
async def test_a_hostile_certificate_is_reported_and_the_session_goes_on(lab, target, unreadable):
    code, output = await check(lab, target, starttls=True)
    assert code == ExitCode.OK
    assert_ended_in_words(output)
    assert "TLS started" in output
    assert unreadable in output
    assert "Names (SAN): (unreadable)" in output
    assert f" ~> RCPT TO:<{target}>" in output  # the encrypted session went on


async def test_a_hostile_certificate_subject_is_shown_escaped(lab):
    _, output = await check(lab, "alice@badsubject.test", starttls=True)
    assert "Certificate subject: \\xff\\xfe" in output


async def test_a_flood_of_100000_lines_is_cut_said_and_journaled(lab, private_dirs):
    code, output = await check(lab, "alice@bigflood.test", timeout=60.0)
    assert code == ExitCode.OK
    assert_ended_in_words(output)
    # The parser keeps the first 1000 lines (the last, ending line among those dropped).
    cut = f"The reply was cut: {BIG_FLOOD_LINES + 1 - MAX_REPLY_LINES} more lines dropped."
    assert cut in output
    journal = journal_text(private_dirs / "state")
    assert cut in journal and "Connection closed." in journal


async def test_a_flood_that_never_ends_is_a_connect_failure_in_words(lab):
    code, output = await check(lab, "alice@flood.test", timeout=0.5)
    assert code == ExitCode.CONNECT
    assert_ended_in_words(output)
    assert "part of a reply had arrived" in output


async def test_a_huge_rejection_is_explained_and_judged_from_a_bounded_excerpt(lab):
    code, output = await check(lab, "alice@hugereject.test", timeout=60.0)
    assert code == ExitCode.RCPT_REJECTED
    assert_ended_in_words(output)
    assert "<-  550-5.7.1 Recipient address rejected: spam" in output
    verdict = output.split("\nVerdict (", 1)[1]
    assert len(verdict) < 10_000  # the evidence quotes an excerpt, not 16 MB
    assert "5.7.1" in verdict

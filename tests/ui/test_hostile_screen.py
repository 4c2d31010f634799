"""The screen against the lab's hostile servers: every step ends with the wait cleared, the
outcome said in words, and the keys still answered (issue 10). Waits are on conditions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Log, Static

from smtp_tui.core.steps import FIVE_STEPS, Step, StepStatus
from smtp_tui.lab.misbehaving import HugeReply
from smtp_tui.ui.app import SmtpTuiApp
from smtp_tui.ui.screens.main import MainScreen
from tests.ui.conftest import demo_app, settle

_MAX_PAUSES = 5000  # a bound on waiting for a condition, so a bug fails instead of hanging


def screen_of(app: SmtpTuiApp) -> MainScreen:
    assert isinstance(app.screen, MainScreen)
    return app.screen


def command(app: SmtpTuiApp) -> Input:
    return app.screen.query_one("#command", Input)


def text_of(app: SmtpTuiApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


def transcript(app: SmtpTuiApp) -> list[str]:
    return [str(line) for line in app.screen.query_one(Log).lines]


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool]) -> None:
    for _ in range(_MAX_PAUSES):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("the condition never came true")


async def settle_network(pilot: Pilot[Any]) -> None:
    """Wait until the session's own work is done (not the background checks: the transport
    policy check after step 1 waits out its own timeouts against a stalling server)."""
    app = pilot.app
    await wait_until(
        pilot,
        lambda: not any(w.group == "network" and not w.is_finished for w in app.workers),
    )
    await pilot.pause()


async def enter(pilot: Pilot[Any], times: int = 1) -> None:
    for _ in range(times):
        await pilot.press("enter")
        await settle_network(pilot)


async def assert_still_answers_keys(pilot: Pilot[Any]) -> None:
    """The wait is over and a typed key reaches the command line."""
    app = pilot.app
    assert isinstance(app, SmtpTuiApp)
    assert screen_of(app)._pending_since is None
    command(app).focus()
    before = command(app).value
    await pilot.press("z")
    await pilot.pause()
    assert command(app).value == before + "z"


async def to_ehlo(pilot: Pilot[Any]) -> None:
    """Steps 1 and 2 with the offered commands; EHLO is offered next."""
    await settle(pilot)
    await enter(pilot, times=2)
    assert isinstance(pilot.app, SmtpTuiApp)
    assert screen_of(pilot.app).shown_step is Step.EHLO


async def test_keys_are_answered_while_a_huge_reply_arrives():
    progress = HugeReply.progress
    app = demo_app("alice@huge.test", timeout=120.0)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await to_ehlo(pilot)
            # Held only once the transport-policy check (it says EHLO to the MX too) is done.
            await settle(pilot)
            progress.reset(hold_at=HugeReply.LINES // 2)
            await pilot.press("enter")  # EHLO: the reply starts to arrive
            await wait_until(pilot, lambda: progress.lines_sent == HugeReply.LINES // 2)
            assert screen_of(app)._pending_since is not None
            await pilot.press("ctrl+t")  # a key while half the reply is still to come
            await pilot.press("x")
            await wait_until(pilot, lambda: command(app).value.endswith("x"))
            assert not progress.finished
            assert progress.release is not None
            progress.release.set()
            await wait_until(pilot, lambda: progress.finished)
            await settle_network(pilot)
            assert app.guided.book.status(Step.EHLO) is StepStatus.PASSED
            assert "passed" in text_of(app, "status")
            assert "more lines in the transcript" in text_of(app, "reply")
            assert len(text_of(app, "reply")) < 5000  # a capped excerpt, not 16 MB
            await assert_still_answers_keys(pilot)
    finally:
        progress.reset()


async def test_non_ascii_digits_in_ehlo_are_shown_not_parsed():
    app = demo_app("alice@digits.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_ehlo(pilot)
        await enter(pilot)
        assert app.guided.book.status(Step.EHLO) is StepStatus.PASSED
        assert "Extensions offered" in text_of(app, "meaning")
        await enter(pilot, times=2)
        assert [app.guided.book.status(step) for step in FIVE_STEPS] == [StepStatus.PASSED] * 5
        await assert_still_answers_keys(pilot)


async def test_quit_to_a_server_that_ignores_it_ends_the_wait():
    app = demo_app("alice@noquit.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_ehlo(pilot)
        await enter(pilot, times=3)
        assert screen_of(app).shown_step is None  # the free command line
        command(app).value = "QUIT"
        await enter(pilot)
        lines = transcript(app)
        assert " -> QUIT" in lines and "=== Connection closed." in lines
        assert any("within 1 s while waiting for the reply to QUIT" in line for line in lines)
        assert not app.guided.session.connection.is_open
        await assert_still_answers_keys(pilot)


async def test_a_starttls_that_never_completes_is_said_in_words():
    app = demo_app("alice@tlsstall.test", timeout=1.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_ehlo(pilot)
        await enter(pilot)
        await pilot.press("f7")  # STARTTLS, offered in the EHLO reply
        await pilot.pause()
        assert screen_of(app).shown_step is Step.STARTTLS
        await enter(pilot)
        assert app.guided.book.status(Step.STARTTLS) is StepStatus.FAILED
        assert "The TLS handshake did not finish in time." in text_of(app, "status")
        await assert_still_answers_keys(pilot)


async def hostile_certificate_session(target: str) -> tuple[str, str]:
    """STARTTLS against ``target``; returns the status line and the meaning panel."""
    app = demo_app(target)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_ehlo(pilot)
        await enter(pilot)
        await pilot.press("f7")
        await pilot.pause()
        await enter(pilot)
        assert app.guided.book.status(Step.STARTTLS) is StepStatus.PASSED
        status, meaning = text_of(app, "status"), text_of(app, "meaning")
        await enter(pilot)  # EHLO again, over TLS: the session goes on
        assert app.guided.book.status(Step.EHLO) is StepStatus.PASSED
        await assert_still_answers_keys(pilot)
    return status, meaning


async def test_a_certificate_with_a_bad_san_is_reported_and_the_session_goes_on():
    status, meaning = await hostile_certificate_session("alice@badsan.test")
    assert "TLS started" in status
    assert "Names (SAN): (unreadable)" in meaning


async def test_a_certificate_whose_subject_is_not_utf8_is_reported():
    status, meaning = await hostile_certificate_session("alice@badsubject.test")
    assert "TLS started" in status
    assert "subject: \\xff\\xfe" in meaning


async def test_a_flood_of_100000_lines_ends_and_the_screen_answers():
    app = demo_app("alice@bigflood.test", timeout=120.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await enter(pilot, times=2)
        assert app.guided.book.status(Step.CONNECT) is StepStatus.PASSED
        assert "more lines in the transcript" in text_of(app, "reply")
        assert any("The reply was cut:" in line for line in transcript(app))
        await assert_still_answers_keys(pilot)


async def test_a_flood_without_end_times_out_in_words():
    app = demo_app("alice@flood.test", timeout=0.5)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await enter(pilot, times=2)
        assert app.guided.book.status(Step.CONNECT) is StepStatus.FAILED
        assert "part of a reply had arrived" in text_of(app, "status")
        await assert_still_answers_keys(pilot)


async def test_ctrl_q_leaves_a_server_that_ignores_quit_after_the_quit_wait():
    app = demo_app("alice@noquit.test", timeout=30.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_ehlo(pilot)
        await enter(pilot, times=3)
        assert app.guided.session.connection.is_open
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: app.guided.closed and not app.is_running)
    assert app.return_code == 0
    texts = [event.text for event in app.guided.transcript.events]
    assert "QUIT" in texts and "Connection closed." in texts
    # The quit wait is its own second, not the 30 s of --timeout.
    assert any("within 1 s while waiting for the reply to QUIT" in text for text in texts)


async def test_a_huge_rejection_shows_bounded_panels_and_a_verdict():
    app = demo_app("alice@hugereject.test", timeout=120.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_ehlo(pilot)
        await enter(pilot, times=3)
        assert app.guided.book.status(Step.RCPT) is StepStatus.FAILED
        assert "550" in text_of(app, "reply")
        for widget_id in ("reply", "meaning", "status", "verdict-bar", "summary"):
            assert len(text_of(app, widget_id)) < 10_000, widget_id
        assert "Verdict" in text_of(app, "verdict-bar")
        await assert_still_answers_keys(pilot)


async def test_esc_while_a_huge_reply_arrives_cancels_and_the_screen_goes_on():
    progress = HugeReply.progress
    app = demo_app("alice@huge.test", timeout=120.0)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await to_ehlo(pilot)
            # Held only once the transport-policy check (it says EHLO to the MX too) is done.
            await settle(pilot)
            progress.reset(hold_at=HugeReply.LINES // 2)
            await pilot.press("enter")
            await wait_until(pilot, lambda: progress.lines_sent == HugeReply.LINES // 2)
            await pilot.press("escape")
            await settle_network(pilot)
            assert screen_of(app)._pending_since is None
            assert app.guided.book.running is None
            assert "Cancelled" in text_of(app, "status")
            assert not app.guided.session.connection.is_open
            await assert_still_answers_keys(pilot)
            assert progress.release is not None
            progress.release.set()  # the server's handler still waits: let it end with the app
    finally:
        progress.reset()

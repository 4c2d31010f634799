"""An Enter pressed while the session is still starting (the practice lab, the resolver) is not
lost: it runs the step shown as soon as the session is open."""

from __future__ import annotations

import asyncio

import pytest
from textual.pilot import Pilot

from smtp_tui.core.steps import Step, StepStatus
from smtp_tui.ui.app import SmtpTuiApp
from tests.ui.conftest import demo_app, settle


@pytest.fixture
def held_lab(monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """The practice lab starts only once the test sets the event."""
    release = asyncio.Event()
    start = SmtpTuiApp.start_lab

    async def held(app: SmtpTuiApp) -> None:
        await release.wait()
        await start(app)

    monkeypatch.setattr(SmtpTuiApp, "start_lab", held)
    return release


async def _until_the_steps_show(app: SmtpTuiApp, pilot: Pilot[None]) -> None:
    """The guided screen is up (its command check line exists); the session is still starting."""
    for _ in range(200):
        if app.screen.query("#check"):
            return
        await pilot.pause()


async def test_an_enter_pressed_while_the_lab_starts_runs_step_one_once_it_is_up(held_lab):
    app = demo_app("alice@example.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await _until_the_steps_show(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.guided.session is None
        assert "runs once it is ready" in str(app.screen.query_one("#check").render())
        held_lab.set()
        await settle(pilot)
        await settle(pilot)
        assert app.guided.book.shown_status(Step.MX) is StepStatus.PASSED


async def test_without_an_enter_the_open_session_waits_for_one(held_lab):
    app = demo_app("alice@example.test")
    async with app.run_test(size=(80, 24)) as pilot:
        held_lab.set()
        await settle(pilot)
        assert app.guided.session is not None
        assert app.guided.book.shown_status(Step.MX) is StepStatus.CURRENT


async def test_an_escape_pressed_while_the_lab_starts_does_not_stop_the_start(held_lab):
    # Esc cancels network waits; the start waits on nothing but this machine. It used to cancel
    # the start, and the session then never opened.
    app = demo_app("alice@example.test")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _until_the_steps_show(app, pilot)
        assert app.guided.session is None
        await pilot.press("escape")
        await pilot.pause()
        assert any("Still starting" in str(n.message) for n in app._notifications)
        held_lab.set()
        await settle(pilot)
        assert app.guided.session is not None
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert app.guided.book.shown_status(Step.MX) is StepStatus.PASSED


async def test_f3_and_f4_wait_for_the_session_to_open(held_lab):
    # F4 runs the dialogue over both address families and F3 re-tests a bounce: before the
    # session is open (with --demo, before the lab's DNS is up) neither may start.
    app = demo_app("alice@example.test")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _until_the_steps_show(app, pilot)
        main = app.screen
        await pilot.press("f4")
        await pilot.press("f3")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert "The session is not open yet." in messages
        assert "Still starting: one moment." in messages
        assert app.screen is main  # no bounce screen pushed
        held_lab.set()
        await settle(pilot)
        assert app.guided.session is not None

"""The screen's first frame waits for nothing: it imports no DNS, bounce or lab code, shows the
steps before the practice lab (or any network work) starts, and the session fills in after."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Input, Static

from smtp_tui.core.steps import FIVE_STEPS, Step
from smtp_tui.ui.app import SmtpTuiApp
from smtp_tui.ui.widgets.blacklist_panel import BlacklistPanel
from smtp_tui.ui.widgets.step_list import StepList
from tests.ui.conftest import demo_app, loaded_by, settle

# Loaded by a key, a worker or the lab, never before the first frame.
NOT_AT_START = (
    "dns",
    "email",
    "cryptography",
    "pyperclip",
    "ctypes",
    "smtp_tui.core.dnsbl",
    "smtp_tui.core.sender",
    "smtp_tui.core.bounce",
    "smtp_tui.core.explain",
    "smtp_tui.core.exports",
    "smtp_tui.core.message",
    "smtp_tui.plain",
    "smtp_tui.lab",
    "smtp_tui.ui.screens.bounce",
    "smtp_tui.ui.screens.confirm_message",
    "smtp_tui.ui.screens.explain",
    "smtp_tui.ui.screens.help",
    "smtp_tui.ui.clipboard",
    "smtp_tui.ui.widgets.mx_panel",
    "textual.widgets._data_table",
    "textual.widgets._tabbed_content",
)


def test_the_screen_modules_import_nothing_the_first_frame_does_not_show():
    assert loaded_by("smtp_tui.cli, smtp_tui.ui.app", NOT_AT_START) == []


def gate_the_lab(monkeypatch: pytest.MonkeyPatch) -> tuple[asyncio.Event, list[str]]:
    """The demo's lab waits for the test; what the step list showed when it was asked to
    start is kept."""
    gate = asyncio.Event()
    seen: list[str] = []
    start_lab = SmtpTuiApp.start_lab

    async def gated(app: SmtpTuiApp) -> None:
        rows = app.screen.query_one(StepList).options
        seen.append("\n".join(str(row.prompt) for row in rows))
        await gate.wait()
        await start_lab(app)

    monkeypatch.setattr(SmtpTuiApp, "start_lab", gated)
    return gate, seen


def text_of(app: SmtpTuiApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


async def test_the_steps_show_before_the_lab_starts_and_the_session_fills_in_after(monkeypatch):
    gate, seen = gate_the_lab(monkeypatch)
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(500):  # the lab is asked to start once the first frame is drawn
            if seen:
                break
            await pilot.pause()
        assert "Look up MX" in seen[0] and "RCPT TO" in seen[0]
        assert "Step 1 of 5" in text_of(app, "step-title")
        assert "Starting the practice lab" in text_of(app, "status")
        assert app.guided.session is None  # nothing opened, nothing asked yet
        await pilot.press("enter")  # too early: nothing is sent yet, nothing breaks ...
        assert app.guided.session is None

        gate.set()
        await settle(pilot)
        await settle(pilot)
        assert app.guided.session is not None
        # ... and it ran step 1 once the session was open (test_enter_while_starting.py).
        assert app.screen.query_one("#command", Input).value.startswith("mx1.example.test ")
        assert app.screen.query_one("#side")  # the side panel joined after the first frame
        assert "listed" in text_of(app, "bl-summary")  # the sweep ran in its worker


async def test_the_blacklist_panel_has_an_empty_sweep_before_the_first():
    panel = BlacklistPanel()
    assert panel.summary.line() == "0 listed, 0 clean, 0 could not check"


async def test_the_step_list_goes_back_to_a_step_chosen_with_the_arrows():
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # step 1: the MX look-up
        await settle(pilot)
        assert app.guided.stage is Step.CONNECT
        steps = app.screen.query_one(StepList)
        steps.focus()
        await pilot.pause()
        assert steps.highlighted == 0
        await pilot.press("enter")  # back to step 1
        await pilot.pause()
        assert app.guided.stage is Step.MX
        assert "Step 1 of 5" in text_of(app, "step-title")
        await pilot.press("down", "enter")  # on to step 2 again
        await pilot.pause()
        assert app.guided.stage is Step.CONNECT
        assert [row.id for row in steps.options] == [step.value for step in FIVE_STEPS]

"""From the command line the steps are drawn by a light stand-in screen before the guided
screen, the core's flow and the session are even loaded; the guided screen then takes its
place, and Ctrl+Q works in between."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from smtp_tui.core.options import build_options
from smtp_tui.core.steps import Step, StepStatus
from smtp_tui.ui.app import SmtpTuiApp, make_app
from smtp_tui.ui.screens.first_frame import FirstFrameScreen
from smtp_tui.ui.screens.main import MainScreen
from smtp_tui.ui.widgets.step_list import StepList
from tests.ui.conftest import loaded_by, settle

BOUNCES = Path(__file__).parents[1] / "fixtures" / "bounces"

# What the guided screen needs and the stand-in does not: loaded after the first frame.
LOADED_AFTER_THE_FIRST_FRAME = (
    "smtp_tui.core.flow",
    "smtp_tui.ui.screens.main",
    "smtp_tui.ui.screens.wizard",
    "smtp_tui.ui.widgets.transcript_view",
    "textual.widgets._log",
)  # (Input and OptionList come with textual.app itself: its command palette uses them.)


def test_the_app_and_its_stand_in_load_nothing_of_the_guided_screen():
    imports = "smtp_tui.cli, smtp_tui.ui.app, smtp_tui.ui.screens.first_frame"
    assert loaded_by(imports, LOADED_AFTER_THE_FIRST_FRAME) == []


def stand_in_app() -> SmtpTuiApp:
    options = build_options(target="alice@example.test", timeout=5.0, demo=True)
    return make_app(options, first_frame=True)


def hold_the_guided_screen(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stand-in stays up: what it showed when it said it was drawn is kept."""
    seen: list[str] = []

    async def held(app: SmtpTuiApp) -> None:
        seen.append(str(app.screen.query_one("#first-steps").render()))

    monkeypatch.setattr(SmtpTuiApp, "on_first_frame_screen_drawn", held)
    return seen


async def wait_until_drawn(pilot: Pilot[object], seen: list[str]) -> None:
    """Until the stand-in says it is drawn (``hold_the_guided_screen``'s list fills)."""
    for _ in range(500):
        if seen:
            return
        await pilot.pause()


async def until_guided(app: SmtpTuiApp, pilot: Pilot[object]) -> None:
    """Until the guided screen has taken the stand-in's place, then until its workers rest."""
    for _ in range(500):
        if isinstance(app.screen, MainScreen):
            break
        await pilot.pause()
    await settle(pilot)


@pytest.fixture
def drawn_when_told(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stand-in says it is drawn only when the test posts ``Drawn``."""
    monkeypatch.setattr(SmtpTuiApp, "on_ready", lambda app: None)


async def press_on_the_stand_in(app: SmtpTuiApp, pilot: Pilot[object], key: str) -> None:
    """``key`` while only the stand-in is up; then the guided screen loads."""
    await pilot.pause()
    assert isinstance(app.screen, FirstFrameScreen)
    await pilot.press(key)
    app.post_message(FirstFrameScreen.Drawn())
    await until_guided(app, pilot)


async def test_the_steps_are_drawn_first_then_the_guided_screen_takes_their_place(monkeypatch):
    drawn: list[str] = []
    swap = SmtpTuiApp.on_first_frame_screen_drawn

    async def noted(app: SmtpTuiApp) -> None:
        assert isinstance(app.screen, FirstFrameScreen)
        drawn.append(str(app.screen.query_one("#first-steps").render()))
        assert app._guided is None  # no flow, no session yet
        await swap(app)

    monkeypatch.setattr(SmtpTuiApp, "on_first_frame_screen_drawn", noted)
    app = stand_in_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until_guided(app, pilot)
        assert drawn and "Look up MX" in drawn[0] and "RCPT TO" in drawn[0]
        rows = [str(row.prompt) for row in app.screen.query_one(StepList).options]
        assert rows[0].split()[-2:] == drawn[0].splitlines()[0].split()[-2:]
        assert app.guided.session is not None  # the session opened behind the swap


async def test_keys_on_the_stand_in_are_dropped_and_ctrl_q_quits_without_a_session(monkeypatch):
    # (An Enter is kept for the guided screen: see the test after next.)
    seen = hold_the_guided_screen(monkeypatch)
    app = stand_in_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until_drawn(pilot, seen)
        assert "Look up MX" in seen[0]
        await pilot.press("x", "enter", "f1", "ctrl+p")  # nothing to type into yet: dropped
        assert isinstance(app.screen, FirstFrameScreen)
        assert [type(screen).__name__ for screen in app.screen_stack][-1] == "FirstFrameScreen"
        await pilot.press("ctrl+q")
    assert app.return_code == 0
    assert app._guided is None


async def test_the_stand_in_is_the_first_screen_and_holds_what_a_bare_app_holds(monkeypatch):
    """Composed as Textual composes any app's first screen (no second screen pushed over an
    empty default), with a header, two panes and a footer: every further widget would be
    styled, laid out and registered before the first frame."""
    seen = hold_the_guided_screen(monkeypatch)
    app = stand_in_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until_drawn(pilot, seen)
        assert [type(screen) for screen in app.screen_stack] == [FirstFrameScreen]
        shown = [type(widget).__name__ for widget in app.screen.children]
        assert shown == ["Header", "Static", "Static", "Footer"]
        assert "Loading the guided screen" in seen[0]
        await pilot.press("ctrl+q")


# An Enter typed before the app took the terminal reaches it as a line feed (Ctrl+J): the
# terminal was still in line mode and turned its CR into LF.
@pytest.mark.parametrize("key", ["enter", "ctrl+j"])
async def test_an_enter_pressed_on_the_stand_in_runs_step_one_once_the_session_is_open(
    drawn_when_told, key
):
    """Start, Enter: the Enter is kept for the guided screen, as one pressed while the session
    starts is, instead of being lost because the guided screen was not loaded yet."""
    app = stand_in_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press_on_the_stand_in(app, pilot, key)
        await settle(pilot)
        assert app.guided.book.shown_status(Step.MX) is StepStatus.PASSED


async def test_without_an_enter_on_the_stand_in_step_one_waits(drawn_when_told):
    app = stand_in_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press_on_the_stand_in(app, pilot, "x")
        assert app.guided.session is not None
        assert app.guided.book.shown_status(Step.MX) is StepStatus.CURRENT


async def test_a_kept_enter_is_not_sent_behind_the_bounce_reader(drawn_when_told):
    """With --bounce the bounce reader opens over the guided screen as the session opens: an
    Enter pressed on the stand-in was meant for step 1, which is no longer on top."""
    options = build_options(target="alice@example.test", timeout=5.0, demo=True)
    bounce = (BOUNCES / "postfix-unknown-user.eml").read_bytes()
    app = make_app(options, first_frame=True, bounce=bounce)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_on_the_stand_in(app, pilot, "enter")
        for _ in range(500):
            if type(app.screen).__name__ == "BounceScreen":
                break
            await pilot.pause()
        await settle(pilot)
        assert type(app.screen).__name__ == "BounceScreen"
        assert app.guided.book.shown_status(Step.MX) is StepStatus.CURRENT

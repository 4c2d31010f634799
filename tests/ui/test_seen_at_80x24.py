"""What an admin on an 80x24 terminal over SSH sees and can reach with the keys that arrive."""

from textual.widgets import DataTable, Log

from smtp_tui.core.options import build_options
from smtp_tui.core.steps import FIVE_STEPS, StepStatus
from smtp_tui.ui.app import make_app
from tests.ui.conftest import demo_app, settle


async def test_the_refusal_is_in_view_at_the_end_of_the_transcript():
    # The 550 reply is wider than the pane: the horizontal scrollbar it brings must not
    # leave the last lines (the RCPT TO and its refusal) below the visible rows.
    app = demo_app("nobody@example.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(5):
            await pilot.press("enter")
            await settle(pilot)
        assert app.guided.book.status(FIVE_STEPS[4]) is StepStatus.FAILED
        log = app.screen.query_one("#transcript-log", Log)
        assert log.is_vertical_scroll_end
        last_visible = log.lines[
            int(log.scroll_y) : int(log.scroll_y) + log.scrollable_content_region.height
        ]
        assert any("RCPT TO:<nobody@example.test>" in line for line in last_visible)
        assert any(line.startswith("<-  550 5.1.1") for line in last_visible)


# Over SSH, xterm and tmux send Alt+digit as ESC followed by the digit; Textual reads those
# as the characters macOS types for Option+digit (ESC 2 arrives as "™"), so the pane keys
# must answer to those too.
async def test_alt_digit_as_a_terminal_sends_it_moves_between_panes():
    app = demo_app("alice@example.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("trade_mark_sign")  # ESC 2: the step list
        assert app.focused is not None and app.focused.id == "steps"
        await pilot.press("pound_sign")  # ESC 3: the transcript
        assert app.focused is not None and app.focused.id == "transcript-log"
        await pilot.press("inverted_exclamation_mark")  # ESC 1: back to the command line
        assert app.focused is not None and app.focused.id == "command"
        assert app.screen.query_one("#command").value  # nothing was typed into it


async def test_with_server_the_mx_table_says_the_look_up_was_skipped():
    options = build_options(target="alice@example.test", demo=True, server="127.0.25.1")
    app = make_app(options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#mx", DataTable)
        assert "Skipped: --server 127.0.25.1" in str(table.get_row_at(0))

"""Text from servers and DNS is shown literally on screen: never markup, never escapes."""

from textual.app import App, ComposeResult

from smtp_tui.core.addresses import DomainName
from smtp_tui.core.dns import MxHost, MxResult
from smtp_tui.core.transcript import EventKind, Transcript
from smtp_tui.ui.widgets.mx_panel import MxPanel
from smtp_tui.ui.widgets.transcript_view import TranscriptView


class Harness(App[None]):
    def compose(self) -> ComposeResult:
        yield MxPanel()
        yield TranscriptView()


async def test_mx_names_with_brackets_stay_literal():
    app = Harness()
    async with app.run_test(size=(100, 20)) as pilot:
        panel = app.query_one(MxPanel)
        panel.show(
            MxResult(
                DomainName("x.test", "x.test"),
                (MxHost(10, "[bold]evil[/bold].test", ("127.0.0.9",)),),
            )
        )
        await pilot.pause()
        cell = panel.get_row_at(0)[1]
        assert cell.plain == "[bold]evil[/bold].test"


async def test_transcript_lines_keep_brackets_and_show_escapes():
    app = Harness()
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(TranscriptView)
        transcript = Transcript()
        transcript.subscribe(view.add)
        transcript.add(EventKind.RECEIVED, "220 [red]hi[/red] \x1b]52;c;AAAA\x07")
        await pilot.pause()
        line = view.log_widget.lines[-1]
        assert "[red]hi[/red]" in line
        assert "\\x1b]52;c;AAAA\\x07" in line and "\x1b" not in line


async def test_new_lines_indicator_when_scrolled_back():
    app = Harness()
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(TranscriptView)
        transcript = Transcript()
        transcript.subscribe(view.add)
        for number in range(60):
            transcript.info(f"line {number}")
        await pilot.pause()
        view.log_widget.scroll_home(animate=False)
        await pilot.pause()
        transcript.info("arrived while reading")
        await pilot.pause()
        assert view.unseen == 1
        assert "1 new line" in str(view.query_one("#new-lines").render())
        view.log_widget.scroll_end(animate=False)
        await pilot.pause()
        assert view.unseen == 0

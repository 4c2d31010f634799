"""A reply of a thousand lines reaches the transcript pane in one write, not a thousand
(issue 15: each write was a size update and a scroll, and together they held the screen)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Log

from smtp_tui.core.transcript import EventKind, Transcript
from smtp_tui.ui.widgets.transcript_view import TranscriptView


class Harness(App[None]):
    def compose(self) -> ComposeResult:
        yield TranscriptView()


def count_writes(log: Log) -> list[int]:
    """Wrap the Log's write_lines: the list gets the number of lines of each call."""
    calls: list[int] = []
    write_lines = log.write_lines

    def counted(lines, scroll_end=None):  # type: ignore[no-untyped-def]
        lines = list(lines)
        calls.append(len(lines))
        return write_lines(lines, scroll_end)

    log.write_lines = counted  # type: ignore[method-assign]
    return calls


async def test_a_thousand_lines_in_one_turn_are_written_at_once():
    app = Harness()
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(TranscriptView)
        calls = count_writes(view.log_widget)
        transcript = Transcript()
        transcript.subscribe(view.add)
        for number in range(1000):
            transcript.add(EventKind.RECEIVED, f"220-line {number}")
        await pilot.pause()
        assert calls == [1000]
        assert view.log_widget.lines[-1] == "<-  220-line 999"
        assert len(view.events) == 1000


async def test_lines_arriving_in_several_turns_keep_their_order():
    app = Harness()
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(TranscriptView)
        transcript = Transcript()
        transcript.subscribe(view.add)
        for turn in range(3):
            for number in range(5):
                transcript.add(EventKind.RECEIVED, f"220-turn {turn} line {number}")
            await pilot.pause()
        lines = list(view.log_widget.lines)
        assert lines == [f"<-  220-turn {t} line {n}" for t in range(3) for n in range(5)]


async def test_a_batch_below_a_reader_who_scrolled_back_is_counted_whole():
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
        for number in range(250):
            transcript.add(EventKind.RECEIVED, f"220-flood {number}")
        await pilot.pause()
        assert view.unseen == 250
        assert "250 new lines" in str(view.query_one("#new-lines").render())


async def test_timestamps_redraw_does_not_write_queued_lines_twice():
    app = Harness()
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(TranscriptView)
        transcript = Transcript()
        transcript.subscribe(view.add)
        transcript.add(EventKind.RECEIVED, "220 hello")
        view.set_timestamps(True)  # before the queued line was written
        await pilot.pause()
        assert len(view.log_widget.lines) == 1
        assert view.log_widget.lines[0].endswith("<-  220 hello")

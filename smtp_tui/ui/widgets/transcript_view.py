"""The live transcript: plain lines in a Log (never parsed as markup), direction marked and
coloured, timestamps on a toggle; it follows the end unless the reader scrolled back.

Events are taken in batches: a 1000-line reply arrives as hundreds of events in one turn of
the event loop, and writing each to the Log on its own (a size update and a scroll each)
held the screen for seconds. They are queued and written once per turn (toolong does the
same), so a key press waits for one batch at most."""

from __future__ import annotations

import re

from rich.highlighter import Highlighter
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Log, Static

from smtp_tui.core.transcript import TranscriptEvent


class TranscriptHighlighter(Highlighter):
    """Colours follow the markers, which already say the direction in words and symbols."""

    STYLES = (
        (re.compile(r"^(?:\S+ )?( [-~]> )"), Style(color="cyan", bold=True)),
        (re.compile(r"^(?:\S+ )?(<[-~]  )"), Style(color="green", bold=True)),
        (re.compile(r"^(?:\S+ )?(!!! )"), Style(color="yellow", bold=True)),
        (re.compile(r"^(?:\S+ )?(\*\*\* )"), Style(color="red", bold=True)),
        (re.compile(r"^(?:\S+ )?(=== )"), Style(dim=True)),
    )

    def highlight(self, text: Text) -> None:
        plain = text.plain
        for pattern, style in self.STYLES:
            match = pattern.match(plain)
            if match:
                # The marker is bold and coloured; an error or warning line is coloured whole.
                text.stylize(style, match.start(1), match.end(1))
                if style.color and style.color.name in ("red", "yellow"):
                    text.stylize(Style(color=style.color), match.end(1), len(plain))
                return


class TranscriptView(Vertical):
    DEFAULT_CSS = """
    TranscriptView { height: 1fr; }
    TranscriptView > Log { height: 1fr; }
    TranscriptView > #new-lines { height: 1; display: none; background: $warning 30%; }
    TranscriptView > #new-lines.-shown { display: block; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.events: list[TranscriptEvent] = []
        self.timestamps = False
        self.wrap = False
        self.unseen = 0
        # Follow the end until the reader scrolls away. Kept as a flag, not read back from the
        # Log: a long line brings a horizontal scrollbar after the write, which moves the end
        # one row further than the Log scrolled, and the view would then stop following.
        self.following = True
        self._queued: list[TranscriptEvent] = []

    def compose(self) -> ComposeResult:
        log = Log(highlight=True, id="transcript-log")
        log.highlighter = TranscriptHighlighter()
        log.can_focus = True
        yield log
        yield Static("", id="new-lines", markup=False)

    @property
    def log_widget(self) -> Log:
        return self.query_one(Log)

    def _lines(self, event: TranscriptEvent) -> list[str]:
        line = event.plain_line(timestamps=self.timestamps)
        width = max(self.log_widget.size.width - 2, 20)
        if not self.wrap or len(line) <= width:
            return [line]
        # Continuation lines are indented, so the markers still start every real line.
        return [line[:width]] + [
            "      " + line[start : start + width - 6]
            for start in range(width, len(line), width - 6)
        ]

    def add(self, event: TranscriptEvent) -> None:
        """Take one event; it is written with the others of this turn (see :meth:`flush`)."""
        self.events.append(event)
        if not self._queued:
            self.call_later(self.flush)
        self._queued.append(event)

    def flush(self) -> None:
        """Write the queued events to the Log in one go."""
        queued, self._queued = self._queued, []
        if not queued or not self.is_attached:
            return
        log = self.log_widget
        log.write_lines([line for event in queued for line in self._lines(event)], scroll_end=False)
        if self.following:
            # After the layout has taken in the new lines (and any scrollbar they bring).
            self.call_after_refresh(self._to_end)
        else:
            self.unseen += len(queued)
            self._show_unseen()

    def _to_end(self) -> None:
        if self.following and self.is_attached:
            self.log_widget.scroll_end(animate=False, immediate=True, x_axis=False)

    def _show_unseen(self) -> None:
        indicator = self.query_one("#new-lines", Static)
        indicator.update(
            f"↓ {self.unseen} new line{'s' if self.unseen != 1 else ''} below (End to follow)"
        )
        indicator.set_class(self.unseen > 0, "-shown")

    def on_mount(self) -> None:
        self.watch(self.log_widget, "scroll_y", self._scrolled, init=False)

    def _scrolled(self) -> None:
        self.following = self.log_widget.is_vertical_scroll_end
        if self.unseen and self.following:
            self.unseen = 0
            self._show_unseen()

    def set_timestamps(self, on: bool) -> None:
        self.timestamps = on
        self._redraw()

    def set_wrap(self, on: bool) -> None:
        self.wrap = on
        self._redraw()

    def _redraw(self) -> None:
        self._queued.clear()  # all of self.events is written below
        log = self.log_widget
        log.clear()
        log.write_lines(
            [line for event in self.events for line in self._lines(event)], scroll_end=False
        )
        if self.following:
            self.call_after_refresh(self._to_end)

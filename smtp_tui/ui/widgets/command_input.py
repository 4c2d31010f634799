"""The command input: pre-filled, editable, with Up/Down history on the free command line."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Input

from smtp_tui.ui.key_names import ESC_DIGIT

# The blinking cursor is a 0.5 s timer that redraws the line: about 1 % of a core on a screen
# that only waits for a key (issue 15). It blinks while the user is at it, then stays lit.
BLINK_SECONDS = 10.0


_PANE_KEYS = frozenset(ESC_DIGIT.values())


class CommandInput(Input):
    BINDINGS = [
        Binding("up", "history(-1)", "Previous command", show=False),
        Binding("down", "history(1)", "Next command", show=False),
    ]

    def check_consume_key(self, key: str, character: str | None) -> bool:
        # Alt+1..4 as a terminal sends them: pane keys, not text (see ESC_DIGIT).
        if key in _PANE_KEYS:
            return False
        return super().check_consume_key(key, character)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.history: list[str] = []
        self._position = 0
        self._steady_timer: Timer | None = None
        self._blinks = True  # False when whoever made the input turned blinking off

    def on_mount(self) -> None:
        self._blinks = self.cursor_blink
        self._wake_cursor()

    def on_focus(self, _event: events.Focus) -> None:
        self._wake_cursor()

    def on_key(self, _event: events.Key) -> None:
        self._wake_cursor()

    def _wake_cursor(self) -> None:
        """Blink again, and hold the cursor steady after BLINK_SECONDS without a key."""
        if not self._blinks:
            return
        if self._steady_timer is not None:
            self._steady_timer.stop()
        self._steady_timer = self.set_timer(BLINK_SECONDS, self._hold_cursor)
        self.cursor_blink = True

    def _hold_cursor(self) -> None:
        self._steady_timer = None
        self.cursor_blink = False  # the watcher pauses the timer and leaves the cursor shown

    def remember(self, text: str) -> None:
        if text and (not self.history or self.history[-1] != text):
            self.history.append(text)
        self._position = len(self.history)

    def action_history(self, delta: int) -> None:
        if not self.history:
            return
        self._position = max(0, min(len(self.history), self._position + delta))
        self.value = self.history[self._position] if self._position < len(self.history) else ""
        self.cursor_position = len(self.value)

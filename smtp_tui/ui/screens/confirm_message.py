"""F8: "this sends a real message" — an explicit confirmation, with the text editable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from smtp_tui.core.message import DEFAULT_BODY


class ConfirmMessageScreen(ModalScreen[str | None]):
    """Returns the message text to send, or None when the user backs out."""

    BINDINGS = [
        Binding("f8", "send", "Send it", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
    ]
    DEFAULT_CSS = """
    ConfirmMessageScreen { align: center middle; }
    ConfirmMessageScreen > Vertical { width: 90%; max-width: 90; height: 80%;
        border: round $warning; background: $surface; padding: 0 1; }
    ConfirmMessageScreen #warning { color: $warning; text-style: bold; }
    ConfirmMessageScreen TextArea { height: 1fr; }
    """

    def __init__(self, recipient: str, sender: str) -> None:
        super().__init__()
        self.recipient = recipient
        self.sender = sender

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Send a test message?"
            yield Static(
                f"This sends a REAL message from {self.sender} to {self.recipient}.",
                id="warning",
                markup=False,
            )
            yield Static(
                "Date, From, To, Subject and Message-ID headers are added. Edit the "
                "text below, then press F8 to send it, or Esc to go back.",
                markup=False,
            )
            yield TextArea(DEFAULT_BODY, id="body", soft_wrap=True)

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_send(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""F2: paste a line from an NDR and read what it means (for help-desk staff)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from smtp_tui.core.explain import explain_text
from smtp_tui.core.sanitize import sanitize_text


class ExplainScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f2", "dismiss", "Close")]
    DEFAULT_CSS = """
    ExplainScreen { align: center middle; }
    ExplainScreen > VerticalScroll { width: 90%; max-width: 100; height: 80%;
        border: round $accent; background: $surface; padding: 0 1; }
    ExplainScreen #explanation { margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Explain a reply (Esc closes)"
            yield Static(
                "Paste a line from a bounce message (NDR), a code such as 550, or an "
                "enhanced code such as 5.7.1, then press Enter.",
                markup=False,
            )
            yield Input(placeholder="550 5.1.1 <bob@example.com>: User unknown", id="explain-input")
            yield Static("", id="explanation", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = sanitize_text(event.value.replace("\r", " ").replace("\n", " "))
        self.query_one("#explanation", Static).update(explain_text(text).as_text())

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

"""The steps as a list: a symbol and a word for each state, never colour alone. The optional
rows (STARTTLS, the test message) appear once they are offered."""

from __future__ import annotations

from textual.content import Content
from textual.message import Message
from textual.widgets import Label, ListItem, ListView

from smtp_tui.core.steps import Step, StepBook, StepStatus

_STYLES = {
    StepStatus.WAITING: "$text-muted",
    StepStatus.OFFERED: "$text-muted",
    StepStatus.SKIPPED: "$text-muted",
    StepStatus.CURRENT: "bold",
    StepStatus.RUNNING: "bold $warning",
    StepStatus.PASSED: "$success",
    StepStatus.WARNING: "$warning",
    StepStatus.FAILED: "bold $error",
}


def step_line(book: StepBook, step: Step) -> str:
    """One row: symbol, number (or +), title, word, and what really happened."""
    status = book.shown_status(step)
    number = str(step.number) if step.number else "+"
    marker = "▶" if step is book.current and status is not StepStatus.CURRENT else " "
    note = book.records[step].note
    shown_note = f" {note}" if note and note != "probes" else ""
    if step is book.marked:
        shown_note += " ← bounce"
    return f"{status.symbol}{marker}{number} {step.title:<12} {status.word}{shown_note}"


class StepList(ListView):
    """Arrow keys move, Enter goes back to (or on to) the highlighted step."""

    DEFAULT_CSS = """
    StepList { height: auto; max-height: 8; }
    StepList > ListItem { height: 1; }
    """

    class StepChosen(Message):
        def __init__(self, step: Step) -> None:
            self.step = step
            super().__init__()

    def __init__(self, **kwargs: object) -> None:
        items = [
            ListItem(Label("", id=f"step-label-{step.value}"), id=f"step-{step.value}")
            for step in Step
        ]
        super().__init__(*items, **kwargs)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        for step in Step:
            if step.optional:
                self.query_one(f"#step-{step.value}", ListItem).display = False

    def show(self, book: StepBook) -> None:
        visible = book.visible()
        for step in Step:
            item = self.query_one(f"#step-{step.value}", ListItem)
            item.display = step in visible
            label = self.query_one(f"#step-label-{step.value}", Label)
            style = _STYLES[book.shown_status(step)]
            label.update(Content.styled(step_line(book, step), style))

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        event.stop()
        if event.item.id:
            self.post_message(self.StepChosen(Step(event.item.id.removeprefix("step-"))))

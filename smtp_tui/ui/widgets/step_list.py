"""The five steps as a list: a symbol and a word for each state, never colour alone."""

from __future__ import annotations

from textual.content import Content
from textual.message import Message
from textual.widgets import Label, ListItem, ListView

from smtp_tui.core.session import Step, StepBook, StepStatus

_STYLES = {
    StepStatus.WAITING: "$text-muted",
    StepStatus.CURRENT: "bold",
    StepStatus.RUNNING: "bold $warning",
    StepStatus.PASSED: "$success",
    StepStatus.WARNING: "$warning",
    StepStatus.FAILED: "bold $error",
}


class StepList(ListView):
    """Arrow keys move, Enter goes back to (or on to) the highlighted step."""

    DEFAULT_CSS = """
    StepList { height: auto; max-height: 7; }
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

    def show(self, book: StepBook) -> None:
        for step in Step:
            status = book.status(step)
            text = f"{status.symbol} {step.value} {step.title:<10} {status.word}"
            label = self.query_one(f"#step-label-{step.value}", Label)
            label.update(Content.styled(text, _STYLES[status]))

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        event.stop()
        if event.item.id:
            self.post_message(self.StepChosen(Step(int(event.item.id.split("-")[1]))))

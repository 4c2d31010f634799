"""The steps as a list: a symbol and a word for each state, never colour alone. The optional
rows (STARTTLS, the test message) appear once they are offered.

One OptionList (a widget that draws its rows itself) rather than a ListView of ListItems and
Labels: fifteen widgets fewer to style before the first frame, with the same keys (arrows,
Enter) and the same look."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from smtp_tui.core.steps import Step, StepBook
from smtp_tui.ui.step_lines import styled_step_line


class StepList(OptionList):
    """Arrow keys move, Enter goes back to (or on to) the highlighted step."""

    # As the ListView of ListItems it replaces looked: no border, no padding, rows the full
    # width, the highlighted row in the block cursor's colours.
    DEFAULT_CSS = """
    StepList {
        height: auto;
        max-height: 8;
        border: none;
        padding: 0;
        & > .option-list--option { padding: 0; }
        & > .option-list--option-highlighted { color: $block-cursor-blurred-foreground; }
        &:focus {
            border: none;
            & > .option-list--option-highlighted { color: $block-cursor-foreground; }
        }
    }
    """

    class StepChosen(Message):
        def __init__(self, step: Step) -> None:
            self.step = step
            super().__init__()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(markup=False, **kwargs)  # type: ignore[arg-type]
        self._shown: list[str] = []  # the steps in view, by id

    def show(self, book: StepBook) -> None:
        visible = book.visible()
        rows = [Option(styled_step_line(book, step), step.value) for step in visible]
        ids = [step.value for step in visible]
        if ids == self._shown:
            for step, row in zip(visible, rows, strict=True):  # the highlight stays put
                self.replace_option_prompt(step.value, row.prompt)
            return
        kept = self.highlighted_option.id if self.highlighted_option is not None else None
        self.set_options(rows)
        self.highlighted = ids.index(kept) if kept in ids else 0
        self._shown = ids

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.StepChosen(Step(event.option.id)))

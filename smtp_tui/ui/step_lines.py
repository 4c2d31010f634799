"""How a step reads in a list: a symbol and a word for each state, never colour alone.

Apart from the step list widget so the first frame (see screens/first_frame.py) can draw the
same rows without loading the widget, the flow or the wizard."""

from __future__ import annotations

from textual.content import Content

from smtp_tui.core.steps import Step, StepBook, StepStatus

STEP_STYLES = {
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


def styled_step_line(book: StepBook, step: Step) -> Content:
    """The row with its state's style (text, never markup: a note may hold a server's words)."""
    return Content.styled(step_line(book, step), STEP_STYLES[book.shown_status(step)])


def styled_step_lines(book: StepBook) -> Content:
    """Every visible row, one per line."""
    return Content("\n").join(styled_step_line(book, step) for step in book.visible())

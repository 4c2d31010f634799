"""The current step: its lesson, the command to send (editable), and the server's answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from smtp_tui.core.commands import CommandCheck
from smtp_tui.core.lessons import Lesson
from smtp_tui.core.replies import Reply
from smtp_tui.core.steps import StepBook, StepStatus
from smtp_tui.core.verdict import excerpt, side_words
from smtp_tui.ui.step_lines import step_line
from smtp_tui.ui.widgets.command_input import CommandInput

if TYPE_CHECKING:  # the explanations load with the first reply, not before the first frame
    from smtp_tui.core.explain import Explanation


class StepPanel(VerticalScroll):
    DEFAULT_CSS = """
    StepPanel { height: 1fr; padding: 0 1; }
    StepPanel > Static { height: auto; }
    StepPanel > #step-title { text-style: bold; }
    StepPanel > #lesson, StepPanel > #lesson-more { color: $text-muted; margin-top: 1; }
    StepPanel > #lesson-more { margin-top: 0; }
    StepPanel > #hint { color: $accent; }
    StepPanel > #check { color: $warning; }
    StepPanel > #check.-error { color: $error; }
    StepPanel > #status { text-style: bold; }
    StepPanel > #summary { margin-top: 1; }
    StepPanel > CommandInput { margin: 0; }
    """

    def compose(self) -> ComposeResult:
        # The input and the server's answer come first, so both stay in view at 80x24;
        # the lesson follows them.
        yield Static("", id="step-title", markup=False)
        yield Static("", id="hint", markup=False)
        yield CommandInput(id="command")
        yield Static("", id="check", markup=False)
        yield Static("", id="status", markup=False)
        yield Static("", id="reply", markup=False)
        yield Static("", id="meaning", markup=False)
        yield Static("", id="lesson", markup=False)
        yield Static("", id="lesson-more", markup=False)
        yield Static("", id="summary", markup=False)

    @property
    def command(self) -> CommandInput:
        return self.query_one(CommandInput)

    def _set(self, widget_id: str, content: str | Content) -> None:
        widget = self.query_one(f"#{widget_id}", Static)
        widget.update(content)
        # An empty Static still takes a line; hide it, so the input and reply stay close.
        # When it has text again, the stylesheet decides (it hides some parts when narrow).
        if content.plain if isinstance(content, Content) else content:
            widget.styles.clear_rule("display")
        else:
            widget.display = False

    def show_step(self, heading: str, lesson: Lesson, prefill: str, hint: str = "") -> None:
        """Show a step ready to be sent; ``heading`` is "Step 3 of 5" or "Optional"."""
        self._set("step-title", f"{heading} · {lesson.title}")
        self._set("lesson", lesson.does)
        more = []
        if lesson.good:
            more.append(f"Good: {lesson.good}")
        if lesson.wrong:
            more.append(f"Watch for: {lesson.wrong}")
        self._set("lesson-more", "\n".join(more))
        self._set("hint", hint)
        self.command.placeholder = lesson.prompt
        self.command.value = prefill
        self.command.cursor_position = len(prefill)
        self.clear_result()
        self.show_check(None)

    def show_hint(self, text: str) -> None:
        self._set("hint", text)

    def clear_result(self) -> None:
        for widget_id in ("status", "reply", "meaning", "summary"):
            self._set(widget_id, "")

    def show_check(self, check: CommandCheck | None, *, note: str = "") -> None:
        widget = self.query_one("#check", Static)
        if check is None or (check.ok and not check.warnings):
            self._set("check", note)
            widget.set_class(False, "-error")
            return
        lines = [f"✘ {error}" for error in check.errors] + [f"! {w}" for w in check.warnings]
        if note:
            lines.append(note)
        self._set("check", "\n".join(lines))
        widget.set_class(not check.ok, "-error")

    def show_pending(self, text: str) -> None:
        self._set("status", Content.styled(text, "$warning"))

    def show_error(self, text: str) -> None:
        self._set("status", Content.styled(f"✘ {text}", "$error"))

    def show_result(self, status: StepStatus | None, summary: str) -> None:
        if status is None:
            self._set("status", summary)
            return
        style = {"passed": "$success", "warning": "$warning", "failed": "$error"}.get(
            status.word, ""
        )
        self._set("status", Content.styled(f"{status.symbol} {status.word}: {summary}", style))

    def show_reply(
        self, reply: Reply, explanation: Explanation, extra: list[str] | None = None
    ) -> None:
        # Only the lines the excerpt can show are built (a reply may have 1000 of 16 KB).
        shown = reply.display_lines(limit=_SHOWN_LINES)
        self._set(
            "reply",
            reply_excerpt(
                shown, total=len(reply.lines) + reply.lines_cut, journal_only=reply.lines_cut
            ),
        )
        lines = [f"Meaning: {explanation.meaning}"]
        if not reply.is_positive:
            lines.append(
                f"Category: {explanation.category} · whose side: {side_words(explanation.side)}"
            )
        decided = getattr(explanation, "decided_by", "")
        if decided:
            lines.append(decided if decided.startswith("Decided by") else f"Decided by: {decided}")
        lines += [f"→ {step}" for step in explanation.next_steps]
        lines += extra or []
        self._set("meaning", "\n".join(lines))

    def show_summary(self, book: StepBook, verdict: str = "") -> None:
        rows = []
        for step in book.visible():
            record = book.records[step]
            detail = f": {excerpt(record.summary, 120)}" if record.summary else ""
            rows.append(step_line(book, step) + detail)
        text = "Summary\n" + "\n".join(rows)
        if verdict:
            text += "\n\n" + verdict
        self._set("summary", text)


# A reply may be 1,000 lines of 4 KiB, or 100,000 short ones: the panel shows the start and
# says what was left out (the transcript keeps a reply's first 1,000 lines, the journal all).
_SHOWN_LINES = 12
_SHOWN_CHARS = 2000


def reply_excerpt(lines: list[str], total: int | None = None, journal_only: int = 0) -> str:
    """The first lines of a reply, each cut at 300 characters, 2000 in all, and how many
    lines were left out (of ``total``, when ``lines`` is already only the first ones), and
    how many of those are in the journal only."""
    shown = lines[:_SHOWN_LINES]
    text = "\n".join(line if len(line) <= 300 else line[:300] + "…" for line in shown)
    text = text[:_SHOWN_CHARS]
    left = (len(lines) if total is None else total) - len(shown)
    if journal_only:
        text += (
            f"\n… ({left:,} more lines in the transcript: {left - journal_only:,} on screen, "
            "all of them in the journal file)"
        )
    elif left > 0 or sum(len(line) for line in shown) > len(text):
        text += f"\n… ({left} more line{'s' if left != 1 else ''} in the transcript)"
    return text

"""The five steps of a hand-made SMTP test (Microsoft KB153119), as pure bookkeeping.

:class:`StepBook` knows which step is current, what each outcome was, and what a reply means
for the step it answers. No I/O: :class:`~smtp_tui.core.session.TestSession` drives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from smtp_tui.core.replies import Reply


class Step(Enum):
    MX = 1
    CONNECT = 2
    EHLO = 3
    MAIL = 4
    RCPT = 5

    @property
    def title(self) -> str:
        return _TITLES[self]


_TITLES = {
    Step.MX: "Look up MX",
    Step.CONNECT: "Connect",
    Step.EHLO: "EHLO",
    Step.MAIL: "MAIL FROM",
    Step.RCPT: "RCPT TO",
}


class Extra(Enum):
    """Optional steps beyond the five: encryption, and a real test message."""

    STARTTLS = "starttls"
    DATA = "data"


STEP_FOR_VERB = {"EHLO": Step.EHLO, "HELO": Step.EHLO, "MAIL": Step.MAIL, "RCPT": Step.RCPT}


class StepStatus(Enum):
    """Shown with a symbol and a word, never by colour alone."""

    WAITING = ("·", "waiting")
    CURRENT = ("▶", "current")
    RUNNING = ("…", "running")
    PASSED = ("✔", "passed")
    WARNING = ("!", "warning")
    FAILED = ("✘", "failed")

    @property
    def symbol(self) -> str:
        return self.value[0]

    @property
    def word(self) -> str:
        return self.value[1]


@dataclass
class StepRecord:
    status: StepStatus = StepStatus.WAITING
    summary: str = ""
    reply: Reply | None = None
    error: Exception | None = None


def status_for_reply(step: Step, reply: Reply) -> StepStatus:
    """What a reply means for the step it answers: 2xx passes; 4xx and 5xx fail."""
    if reply.code in (220, 250) or (step is Step.RCPT and reply.code == 251):
        return StepStatus.PASSED
    if reply.is_positive:
        return StepStatus.WARNING
    return StepStatus.FAILED


@dataclass
class StepBook:
    """Where the five steps stand. Pure bookkeeping: no I/O."""

    records: dict[Step, StepRecord] = field(
        default_factory=lambda: {step: StepRecord() for step in Step}
    )

    def __post_init__(self) -> None:
        self.records[Step.MX].status = StepStatus.CURRENT

    @property
    def current(self) -> Step | None:
        for step in Step:
            if self.records[step].status in (StepStatus.CURRENT, StepStatus.RUNNING):
                return step
        return None

    def status(self, step: Step) -> StepStatus:
        return self.records[step].status

    def start(self, step: Step) -> None:
        self.records[step].status = StepStatus.RUNNING

    def finish(
        self,
        step: Step,
        status: StepStatus,
        summary: str,
        reply: Reply | None = None,
        error: Exception | None = None,
    ) -> None:
        """Record ``step``'s outcome; later steps go back to waiting, the next becomes current."""
        self.records[step] = StepRecord(status, summary, reply, error)
        for later in Step:
            if later.value > step.value:
                self.records[later] = StepRecord()
        if status in (StepStatus.PASSED, StepStatus.WARNING) and step is not Step.RCPT:
            self.records[Step(step.value + 1)].status = StepStatus.CURRENT

    def select(self, step: Step) -> None:
        """Go back to ``step`` to run it again (its record is kept until it runs)."""
        for other in Step:
            if self.records[other].status in (StepStatus.CURRENT, StepStatus.RUNNING):
                self.records[other].status = StepStatus.WAITING
        self.records[step].status = StepStatus.CURRENT

    @property
    def all_passed(self) -> bool:
        return all(
            record.status in (StepStatus.PASSED, StepStatus.WARNING)
            for record in self.records.values()
        )


@dataclass(frozen=True)
class StepResult:
    """What one step did: its status, a one-line summary, and the reply when there was one."""

    step: Step
    status: StepStatus
    summary: str
    reply: Reply | None = None
    error: Exception | None = None

"""The steps of a hand-made SMTP test (Microsoft KB153119), as pure bookkeeping.

The five steps are the method; STARTTLS and the test message (DATA) are optional rows that
appear once they are offered. :class:`StepBook` knows where each step stands and what each
outcome was; :class:`StepOutcome` is the one result type every step returns. No I/O here.
"""

from __future__ import annotations

from enum import Enum

from smtp_tui.core.record import field, frozen_record, mutable_record, replace
from smtp_tui.core.replies import Reply
from smtp_tui.core.shown_status import ShownStatus

TYPE_CHECKING = False  # as typing's, without importing typing (issue 15)
if TYPE_CHECKING:
    from smtp_tui.core.tls import CertificateReport


class Step(Enum):
    """Every row of the step list, in the order a session runs them."""

    MX = "mx"
    CONNECT = "connect"
    EHLO = "ehlo"
    STARTTLS = "starttls"
    MAIL = "mail"
    RCPT = "rcpt"
    DATA = "data"

    @property
    def title(self) -> str:
        return _TITLES[self]

    @property
    def number(self) -> int | None:
        """1 to 5 for the method's steps; None for the optional ones."""
        return _NUMBERS.get(self)

    @property
    def optional(self) -> bool:
        return self.number is None


_TITLES = {
    Step.MX: "Look up MX",
    Step.CONNECT: "Connect",
    Step.EHLO: "EHLO",
    Step.STARTTLS: "STARTTLS",
    Step.MAIL: "MAIL FROM",
    Step.RCPT: "RCPT TO",
    Step.DATA: "Test message",
}
_NUMBERS = {Step.MX: 1, Step.CONNECT: 2, Step.EHLO: 3, Step.MAIL: 4, Step.RCPT: 5}
FIVE_STEPS = tuple(step for step in Step if not step.optional)

STEP_FOR_VERB = {
    "EHLO": Step.EHLO,
    "HELO": Step.EHLO,
    "STARTTLS": Step.STARTTLS,
    "MAIL": Step.MAIL,
    "RCPT": Step.RCPT,
}


class StepStatus(ShownStatus):
    """Shown with a symbol and a word, never by colour alone."""

    WAITING = ("waiting", "·")
    OFFERED = ("optional", "○")
    CURRENT = ("current", "▶")
    RUNNING = ("running", "…")
    PASSED = ("passed", "✔")
    WARNING = ("warning", "!")
    FAILED = ("failed", "✘")
    SKIPPED = ("skipped", "–")

    @property
    def done(self) -> bool:
        return self in (StepStatus.PASSED, StepStatus.WARNING, StepStatus.FAILED)

    @property
    def ok(self) -> bool:
        return self in (StepStatus.PASSED, StepStatus.WARNING)


@frozen_record
class StepOutcome:
    """What one step did: its status, a one-line summary, the reply when there was one, and
    what the optional steps add (a certificate report, a queue id)."""

    step: Step | None  # None: a free command (NOOP, VRFY, RSET ...)
    status: StepStatus = StepStatus.WAITING
    summary: str = ""
    reply: Reply | None = None
    error: Exception | None = None
    certificate: CertificateReport | None = None
    queue_id: str | None = None
    note: str = ""  # what really happened beyond the reply, e.g. "mx1 refused → mx2"
    problem: str = ""  # a refusal or failure in plain words (nothing may have been sent)

    @property
    def ok(self) -> bool:
        return self.status.ok

    @property
    def failed(self) -> bool:
        return self.status is StepStatus.FAILED


def status_for_reply(step: Step, reply: Reply) -> StepStatus:
    """What a reply means for the step it answers: 2xx passes; 4xx and 5xx fail."""
    expected = {Step.CONNECT: (220,), Step.STARTTLS: (220,), Step.DATA: (250,)}
    if reply.code in expected.get(step, (250,)) or (step is Step.RCPT and reply.code == 251):
        return StepStatus.PASSED
    if reply.is_positive:
        return StepStatus.WARNING
    return StepStatus.FAILED


def _fresh() -> dict[Step, StepOutcome]:
    return {step: StepOutcome(step) for step in Step}


@mutable_record
class StepBook:
    """Where the steps stand. Pure bookkeeping: no I/O.

    ``records`` keep each step's last outcome (never overwritten by moving around);
    ``current`` is the step the wizard offers, ``running`` the one waiting on the network."""

    records: dict[Step, StepOutcome] = field(default_factory=_fresh)
    offered: set[Step] = field(default_factory=set)  # optional rows in view
    current: Step | None = Step.MX
    running: Step | None = None
    marked: Step | None = None  # the step that failed in the bounce being re-tested

    def status(self, step: Step) -> StepStatus:
        return self.records[step].status

    def shown_status(self, step: Step) -> StepStatus:
        """The status with the wizard's position folded in, for the step list."""
        status = self.records[step].status
        if step is self.running:
            return StepStatus.RUNNING
        if step is self.current and status in (StepStatus.WAITING, StepStatus.OFFERED):
            return StepStatus.CURRENT
        if status is StepStatus.WAITING and step in self.offered:
            return StepStatus.OFFERED
        return status

    def visible(self) -> list[Step]:
        """The rows to show: the five steps and the optional ones that were offered."""
        return [step for step in Step if not step.optional or step in self.offered]

    def start(self, step: Step) -> None:
        self.current = self.running = step

    def record(self, outcome: StepOutcome) -> None:
        """Keep ``outcome``; the steps after it go back to waiting (their replies answered a
        dialogue that has now moved on)."""
        step = outcome.step
        if step is None:
            return
        self.records[step] = outcome
        if self.running is step:
            self.running = None
        order = list(Step)
        reset_from = order.index(step) + 1
        if step is Step.EHLO and self.records[Step.STARTTLS].status.done:
            reset_from = order.index(Step.MAIL)  # EHLO again after TLS keeps the TLS row
        for later in order[reset_from:]:
            self.records[later] = StepOutcome(later)
        if step is Step.CONNECT:
            self.offered.clear()

    def offer(self, step: Step) -> None:
        """Show an optional row (STARTTLS, DATA) as available."""
        self.offered.add(step)

    def skip(self, step: Step) -> None:
        self.records[step] = replace(self.records[step], status=StepStatus.SKIPPED)

    def select(self, step: Step | None) -> None:
        """Make ``step`` the one the wizard offers (None: the free command line)."""
        self.current = step
        self.running = None
        if step is not None and step.optional:
            self.offered.add(step)

    def stopped(self) -> None:
        """A wait was cancelled or broke: nothing is running any more."""
        self.running = None

    def forget_transaction(self) -> None:
        """After RSET: MAIL FROM and RCPT TO (and a message) go back to waiting."""
        for step in (Step.MAIL, Step.RCPT, Step.DATA):
            self.records[step] = StepOutcome(step)
        self.offered.discard(Step.DATA)

    @property
    def all_passed(self) -> bool:
        return all(self.records[step].ok for step in FIVE_STEPS)

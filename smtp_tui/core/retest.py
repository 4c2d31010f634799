"""A bounce re-tested: the failing step run again now, and how its answer compares.

Pure logic: which step a bounce's refusal answered, where to re-test (the remote host the
bounce names, else the MX), and the comparison verdict ("same", "accepted", "different")
from the bounced recipient and a frozen snapshot of the re-test's evidence.
"""

from __future__ import annotations

from enum import Enum

from smtp_tui.core.bounce import BouncedRecipient
from smtp_tui.core.evidence import Evidence
from smtp_tui.core.explain import explain_text
from smtp_tui.core.record import frozen_record
from smtp_tui.core.steps import Step, StepOutcome
from smtp_tui.core.verdict import Verdict, excerpt, judge

# The SMTP command a bounce names -> the step that sends it.
STEP_FOR_COMMAND = {
    "CONN": Step.CONNECT,
    "HELO": Step.EHLO,
    "EHLO": Step.EHLO,
    "STARTTLS": Step.STARTTLS,
    "MAIL": Step.MAIL,
    "RCPT": Step.RCPT,
    "DATA": Step.DATA,
}
# --quit-after for each step: the re-test stops once the step that failed has run.
QUIT_AFTER_FOR_STEP = {
    Step.CONNECT: "connect",
    Step.EHLO: "ehlo",
    Step.STARTTLS: "ehlo",
    Step.MAIL: "mail",
    Step.RCPT: "rcpt",
    Step.DATA: "data",
}


class Comparison(Enum):
    SAME = "same"  # the destination still refuses the same way: the bounce stands
    ACCEPTED = "accepted"  # it now accepts
    DIFFERENT = "different"  # it now refuses differently


@frozen_record
class RetestPlan:
    """What to re-test: the recipient, the sender, the host, and the step to reach."""

    recipient: str
    sender: str | None
    server: str | None  # the remote host the bounce names (None: look up the MX)
    step: Step

    @property
    def quit_after(self) -> str:
        return QUIT_AFTER_FOR_STEP[self.step]


def remote_host(remote_mta: str | None) -> str | None:
    """``dns; mx.example.com [192.0.2.1]`` -> ``mx.example.com``; None when there is none."""
    if not remote_mta:
        return None
    text = remote_mta.strip()
    if ";" in text:
        text = text.split(";", 1)[1].strip()
    words = text.split()
    if not words:
        return None
    host = words[0].strip("[]()<>,")
    return host.rstrip(".") or None


def plan_retest(recipient: BouncedRecipient, sender: str | None, *, with_data: bool) -> RetestPlan:
    """The re-test for ``recipient``: a refusal after DATA is re-tested up to RCPT TO unless
    the user asked for the test message (``with_data``): a re-test never sends mail alone."""
    step = STEP_FOR_COMMAND.get(recipient.smtp_command or "", Step.RCPT)
    if step is Step.DATA and not with_data:
        step = Step.RCPT
    if with_data:
        step = Step.DATA
    return RetestPlan(recipient.recipient, sender, remote_host(recipient.remote_mta), step)


@frozen_record
class RetestResult:
    comparison: Comparison
    verdict: Verdict

    def as_json(self) -> dict[str, object]:
        return {"comparison": self.comparison.value, "verdict": self.verdict.as_json()}


def _first_failure(evidence: Evidence) -> StepOutcome | None:
    for step in Step:
        outcome = evidence.record(step)
        if outcome.failed:
            return outcome
    return None


def compare(
    bounced: BouncedRecipient, evidence: Evidence, *, this_host: str, helo: str
) -> RetestResult:
    """How the re-test's answer compares with the bounce's."""
    now = judge(evidence)
    failure = _first_failure(evidence)
    before = bounced.diagnostic or ""
    then = explain_text(before) if before else None
    shown_then = f"The bounce: {excerpt(before)}" if before else "The bounce gave no reply text."
    if failure is None:
        return RetestResult(
            Comparison.ACCEPTED,
            Verdict(
                "It now accepts. Either the refusal was transient (greylisting, a rate limit, "
                "a mailbox that was full or disabled and is fixed now), or it depends on your "
                "real mail server's address and name, which differ from this host's.",
                "unclear",
                str(then.category) if then else "other",
                (
                    shown_then,
                    f"The re-test from {this_host} (EHLO {helo}) was accepted.",
                ),
                (
                    "Send the message again from your mail server.",
                    "If it bounces again, run this re-test on your mail server itself "
                    "(its IP and EHLO name are what the destination judges).",
                ),
            ),
        )
    reply = failure.reply
    same_code = bool(
        reply is not None and bounced.reply_code is not None and reply.code == bounced.reply_code
    )
    same_meaning = bool(then and now.category == str(then.category))
    shown_now = (
        f"The re-test: {failure.step.title if failure.step else 'a command'} answered "
        f"{reply.code} {excerpt(reply.text)}"
        if reply is not None
        else f"The re-test: {excerpt(failure.summary)}"
    )
    if same_code or (same_meaning and now.category != "other"):
        return RetestResult(
            Comparison.SAME,
            Verdict(
                f"Still refused the same way, so the bounce stands: {now.verdict}",
                now.side,
                now.category,
                (shown_then, shown_now, *now.evidence[1:]),
                now.next_steps,
            ),
        )
    return RetestResult(
        Comparison.DIFFERENT,
        Verdict(
            f"It now refuses differently. {now.verdict}",
            now.side,
            now.category,
            (shown_then, shown_now, *now.evidence[1:]),
            now.next_steps,
        ),
    )

"""Whose fault is it, from the bounce alone (before any re-test).

The verdict has the same shape as a test session's (:class:`smtp_tui.core.verdict.Verdict`),
so ``bounce --json`` and ``check --json`` end with the same keys. ``judge`` in ``verdict``
reads a live session's steps; a bounce has no steps, only the remote reply each recipient
got, so the rules here read those replies.
"""

from __future__ import annotations

from smtp_tui.core.bounce import BouncedRecipient, BounceReport
from smtp_tui.core.verdict import Verdict

# The step a refusal answered, in the words an admin reads in a session transcript.
COMMAND_WORDS = {
    "CONN": "the greeting",
    "HELO": "HELO",
    "EHLO": "EHLO",
    "MAIL": "MAIL FROM",
    "RCPT": "RCPT TO",
    "DATA": "DATA (the message)",
    "STARTTLS": "STARTTLS",
}


def evidence_line(recipient: BouncedRecipient) -> str:
    """One line per recipient: who, what the server said, at which step, from which host."""
    said = recipient.diagnostic or recipient.status or "no reply text"
    where = COMMAND_WORDS.get(recipient.smtp_command or "", "")
    parts = [f"{recipient.recipient} ({recipient.action or 'failed'})"]
    if where:
        parts.append(f"at {where}")
    if recipient.remote_mta:
        parts.append(f"by {recipient.remote_mta}")
    return " ".join(parts) + f": {said}"


def bounce_verdict(report: BounceReport) -> Verdict:
    """The verdict for the bounce: the first failed recipient speaks (a delayed one when none
    failed); every failed or delayed recipient is evidence."""
    failures = report.failures
    if not failures:
        return Verdict(
            "This bounce reports no failed or delayed recipient.",
            "unclear",
            "other",
            report.seen,
            ("If mail still does not arrive, run `smtp-tui check` against the recipient.",),
        )
    # The first failed recipient with a specific reason speaks; else the first failed one.
    failed = [r for r in failures if r.action == "failed"] or list(failures)
    first = next(
        (r for r in failed if r.explanation and r.explanation.category != "other"), failed[0]
    )
    explanation = first.explanation
    category = explanation.category if explanation else "other"
    side = explanation.side if explanation else "unclear"
    meaning = explanation.meaning if explanation else "the bounce gives no reason smtp-tui knows."
    steps = list(explanation.next_steps) if explanation else []
    where = COMMAND_WORDS.get(first.smtp_command or "")
    at = f" at {where}" if where else ""
    if category == "greylisted":
        text = "Greylisting: the destination deferred the first try; a retry passes. Not a fault."
    elif first.action == "delayed":
        text = f"Delivery is delayed{at} (the sending server keeps trying): {meaning}"
    else:
        text = f"The destination refused{at}: {meaning}"
    if side == "theirs" and category != "greylisted":
        domain = first.recipient.rpartition("@")[2]
        steps.append(f"Contact postmaster@{domain} (by another route) about it.")
    sides = {r.explanation.side for r in failures if r.explanation}
    if len(sides - {"unclear"}) > 1:
        side = "unclear"
        steps.append("The recipients failed for different reasons: read each one above.")
    return Verdict(
        text,
        side,
        category,
        tuple(evidence_line(r) for r in failures),
        tuple(dict.fromkeys(steps)),
    )


def bounce_json(report: BounceReport) -> dict[str, object]:
    """The ``bounce --json`` object: the bounce, its failed and delayed recipients, the verdict
    from the bounce alone, and ``retest`` (None until a re-test runs)."""
    return {
        "format": report.format,
        "reporting_mta": report.reporting_mta,
        "original": report.original.as_json() if report.original else None,
        "recipients": [recipient.as_json() for recipient in report.failures],
        "verdict": bounce_verdict(report).as_json(),
        "retest": None,
    }

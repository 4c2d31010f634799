"""IPv4 and IPv6 side by side: the same dialogue over each family, and the difference.

A destination can accept mail over one family and refuse it over the other, most often because
the sender's IPv6 address has no reverse DNS or is not in its SPF record. :func:`run_both`
runs two :class:`~smtp_tui.core.flow.GuidedRun` (``family=IPV4`` and ``family=IPV6``, the
automatic policy, the same options), checks the sending address of each family (PTR,
forward-confirmed, SPF for the MAIL FROM domain), and :func:`compare` turns the two results
into one :class:`FamilyComparison` whose verdict is the difference. Front ends that drive the
runs themselves (plain mode) hand the finished runs to :func:`compare_runs`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from smtp_tui.core.connection import AddressFamily
from smtp_tui.core.family_comparison import FamilyComparison, FamilyResult, compare, family_result
from smtp_tui.core.family_identity import (
    FamilyIdentity,
    check_identities,
    family_name,
    sending_address,
)
from smtp_tui.core.flow import AUTOMATIC, GuidedRun
from smtp_tui.core.options import SessionOptions
from smtp_tui.core.record import replace
from smtp_tui.core.steps import Step, StepStatus
from smtp_tui.core.transcript import TranscriptEvent

__all__ = [
    "FAMILIES",
    "FamilyComparison",
    "FamilyIdentity",
    "FamilyResult",
    "compare",
    "compare_runs",
    "family_name",
    "run_both",
    "sending_address",
]

FAMILIES = (AddressFamily.IPV4, AddressFamily.IPV6)
_MAX_STEPS = 12  # a whole session is at most nine submissions; never loop for ever


# --- running both ---------------------------------------------------------------------------


async def drive(run: GuidedRun, last: Step = Step.RCPT) -> None:
    """Open ``run`` and send what its flow offers, in order, until ``last`` is done or a step
    fails; then say QUIT. (Plain mode has its own loop, with exit codes and signals.)"""
    problem = run.open()
    try:
        if problem:
            run.transcript.error(problem)
            return
        for _ in range(_MAX_STEPS):
            step = run.stage
            if step is None:
                break
            outcome = await run.submit(step, run.prefill(step))
            if outcome.problem:
                run.transcript.error(outcome.problem)
                break
            if outcome.status is StepStatus.FAILED:
                break
            if outcome.step is last and outcome.ok and run.stage is not Step.STARTTLS:
                break
    finally:
        await run.close()


async def compare_runs(
    ipv4: GuidedRun, ipv6: GuidedRun, sending_ips: Sequence[str] = ()
) -> FamilyComparison:
    """Check both runs' sending addresses and compare the finished runs."""
    given = tuple(sending_ips) or ((ipv4.options.ip,) if ipv4.options.ip else ())
    identities = await check_identities((ipv4, ipv6), given)
    return compare(family_result(ipv4, identities[0]), family_result(ipv6, identities[1]))


def family_run(options: SessionOptions, family: AddressFamily) -> GuidedRun:
    """A run over one family, with the automatic policy (fail-over, HELO, port probes)."""
    return GuidedRun(replace(options, family=family), AUTOMATIC)


async def run_both(
    options: SessionOptions,
    *,
    last: Step = Step.RCPT,
    prepare: Callable[[GuidedRun], None] | None = None,
    on_event: Callable[[AddressFamily, TranscriptEvent], None] | None = None,
    sending_ips: Sequence[str] = (),
) -> FamilyComparison:
    """The dialogue over IPv4, then over IPv6 (one after the other, so the two transcripts do
    not interleave and the server sees one client at a time), then the comparison.

    ``prepare`` sets each run up before it opens (the practice lab: ``run.use_lab``);
    ``on_event`` sees every transcript event with its family."""
    runs = []
    for family in FAMILIES:
        run = family_run(options, family)
        if prepare is not None:
            prepare(run)
        if on_event is not None:
            run.transcript.subscribe(partial(on_event, family))
        await drive(run, last)
        runs.append(run)
    return await compare_runs(runs[0], runs[1], sending_ips)

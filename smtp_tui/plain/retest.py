"""`smtp-tui bounce FILE --retest`: read the bounce, then run its failing step again now,
from this host, against the server that refused, and say how the answers compare."""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys

from smtp_tui.core.bounce import read_bounce
from smtp_tui.core.bounce_report import report_text
from smtp_tui.core.bounce_verdict import bounce_json
from smtp_tui.core.evidence import snapshot
from smtp_tui.core.flow import GuidedRun
from smtp_tui.core.options import SessionOptions, effective_helo
from smtp_tui.core.record import replace
from smtp_tui.core.retest import RetestResult, compare, plan_retest
from smtp_tui.exit_codes import ExitCode
from smtp_tui.plain.bounce import BounceInputError, read_source
from smtp_tui.plain.check import PlainFlags, run_check
from smtp_tui.plain.output import PipeSafeOutput, Reporter


def retest_main(
    source: str, options: SessionOptions, args: argparse.Namespace, *, as_json: bool
) -> int:
    """Entry point for `smtp-tui bounce --retest`; returns `check`'s exit codes."""
    out = PipeSafeOutput()
    try:
        data = read_source(source)
    except BounceInputError as error:
        print(f"smtp-tui bounce: {error}", file=sys.stderr)
        return ExitCode.USAGE
    report = read_bounce(data)
    failures = report.failures
    wanted = args.recipient
    chosen = next(
        (r for r in failures if not wanted or r.recipient.lower() == wanted.lower()), None
    )
    if chosen is None:
        what = f"no failed recipient {wanted} in the bounce" if wanted else "no failed recipient"
        print(f"smtp-tui bounce: {what}: nothing to re-test.", file=sys.stderr)
        return ExitCode.USAGE
    sender = args.mail_from or report.envelope_sender
    plan = plan_retest(chosen, sender, with_data=args.data)
    options = replace(
        options,
        target=plan.recipient,
        rcpt_to=None,
        mail_from=options.mail_from or plan.sender,
        server=options.server or plan.server,
    )
    if not as_json:
        out.write(report_text(report) + "\n\n")
        where = plan.server or "the MX"
        out.write(
            f"=== Re-testing {plan.recipient} against {where}, up to {plan.step.title}, "
            "from this host now:\n"
        )
    result: list[RetestResult] = []

    def finish(run: GuidedRun) -> None:
        evidence = snapshot(run.session, run.findings()) if run.session else None
        if evidence is None:
            return
        local = run.session.connection.local if run.session else None
        this_host = local[0] if local else socket.gethostname()
        result.append(
            compare(chosen, evidence, this_host=this_host, helo=effective_helo(run.options))
        )

    reporter = Reporter(out, as_json=False)
    if as_json:
        reporter = Reporter(_Discard(), as_json=True)
    flags = PlainFlags(data=plan.step.value == "data")
    try:
        code = asyncio.run(
            run_check(
                options, quit_after=plan.quit_after, flags=flags, finish=finish, reporter=reporter
            )
        )
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    retest = result[0] if result else None
    if as_json:
        document = bounce_json(report)
        document["retest"] = retest.as_json() if retest else None
        out.write(json.dumps(document, ensure_ascii=False) + "\n")
    elif retest is not None:
        out.write(f"\nRe-test: {retest.comparison.value}\n{retest.verdict.as_text()}\n")
    out.flush()
    return code


class _Discard:
    """Output for --json: the events are not printed, only the one object at the end."""

    def write(self, text: str, /) -> int:
        return len(text)

    def flush(self) -> None:
        return None

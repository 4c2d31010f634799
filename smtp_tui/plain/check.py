"""Plain mode: the five steps without the full screen, for scripts and quick checks.

It streams the marked transcript to stdout as the dialogue happens, explains each rejection,
says QUIT, and ends with the verdict. With ``json=True`` stdout is JSON lines instead: one
object per transcript event, and last the verdict object. It must not import Textual:
scripts call it, and it must start fast.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Coroutine
from types import FrameType

from smtp_tui.core.addresses import InputError, parse_target
from smtp_tui.core.flow import AUTOMATIC, FlowPolicy, GuidedRun, blocking_socket_will_do
from smtp_tui.core.loopless import (
    Interrupted,
    cancellations,
    interruptions,
    is_loopless,
    run_loopless,
)
from smtp_tui.core.options import SessionOptions
from smtp_tui.core.record import frozen_record, replace
from smtp_tui.core.smtp_errors import SmtpError
from smtp_tui.core.steps import Step, StepOutcome, StepStatus
from smtp_tui.exit_codes import ExitCode
from smtp_tui.plain.output import PipeSafeOutput, Reporter

TYPE_CHECKING = False  # as typing's, without importing typing (issue 15)
if TYPE_CHECKING:
    from smtp_tui.plain.output import Output

# The step each --quit-after value ends with.
_LAST_STEP = {
    "mx": Step.MX,
    "connect": Step.CONNECT,
    "ehlo": Step.EHLO,
    "mail": Step.MAIL,
    "rcpt": Step.RCPT,
    "data": Step.DATA,
}
_MAX_STEPS = 12  # a whole session is at most nine submissions; never loop for ever
# What a failed step means for the exit code.
_FAILED = {
    Step.MX: ExitCode.DNS,
    Step.CONNECT: ExitCode.CONNECT,
    Step.EHLO: ExitCode.EHLO_REJECTED,
    Step.STARTTLS: ExitCode.TLS_FAILED,
    Step.MAIL: ExitCode.MAIL_REJECTED,
    Step.RCPT: ExitCode.RCPT_REJECTED,
    Step.DATA: ExitCode.MESSAGE_REJECTED,
}


@frozen_record
class PlainFlags:
    """What `smtp-tui check` does beyond the five steps."""

    starttls: bool = False  # STARTTLS after EHLO, then EHLO again
    tls_on_connect: bool = False  # TLS from the first byte (port 465)
    data: bool = False  # send a small, real test message after RCPT
    fallback: bool = True  # try the next MX when one cannot be reached


async def run_check(
    options: SessionOptions,
    *,
    quit_after: str = "rcpt",
    out: Output | None = None,
    as_json: bool = False,
    flags: PlainFlags | None = None,
    finish: Callable[[GuidedRun], None] | None = None,
    reporter: Reporter | None = None,
) -> int:
    """Run the steps in order; return an ExitCode. ``options.demo`` starts the lab first.

    ``finish`` replaces the closing verdict (the bounce re-test prints its comparison)."""
    reporter = reporter or Reporter(out or PipeSafeOutput(), as_json=as_json)
    run = GuidedRun(options, flow_policy_for(flags or PlainFlags()))
    if options.demo:
        from smtp_tui.lab import Lab
        from smtp_tui.lab.dnsbl_zones import DEMO_ZONES

        async with Lab() as lab:
            run.use_lab(lab, list(DEMO_ZONES), lab.ca_file)
            return await _run(run, quit_after, reporter, finish)
    return await _run(run, quit_after, reporter, finish)


def flow_policy_for(flags: PlainFlags) -> FlowPolicy:
    """What plain mode does by itself, with these flags."""
    return replace(
        AUTOMATIC,
        next_mx=flags.fallback,
        starttls=flags.starttls,
        data=flags.data,
        tls_on_connect=flags.tls_on_connect,
    )


async def _run(
    run: GuidedRun,
    quit_after: str,
    reporter: Reporter,
    finish: Callable[[GuidedRun], None] | None = None,
) -> int:
    if not run.options.target:
        reporter.note("*** No target given: name a recipient address or a domain.")
        return ExitCode.USAGE
    parse_target(run.options.target)  # InputError: a usage error, before anything runs
    run.transcript.subscribe(reporter.event)
    problem = run.open()
    if problem:
        run.transcript.error(problem)
        return ExitCode.DNS
    if run.options.ip:
        await _check_sender(run)
    code: int = ExitCode.OK
    signals = _LooplessSignals(run.interrupt) if is_loopless() else _SignalCatcher(run.interrupt)
    try:
        code = await _steps(run, _LAST_STEP[quit_after], reporter)
    except SmtpError:
        code = ExitCode.DIALOGUE_BROKEN
    except cancellations():
        if signals.caught is None:
            raise
        signals.clear_cancel()
        code = signals.caught[1]
    finally:
        signals.remove()
        await run.close(signals.caught[0] if signals.caught else None)
    if finish is not None:
        finish(run)
        return code
    verdict = run.verdict()
    if verdict is not None:
        reporter.verdict(verdict)
    return code


async def _steps(run: GuidedRun, last: Step, reporter: Reporter) -> int:
    """Send what the flow offers, in its order, until ``last`` is done or a step fails."""
    for _ in range(_MAX_STEPS):
        step = run.stage
        if step is None:
            break
        outcome = await run.submit(step, run.prefill(step))
        if outcome.reply is not None:
            reporter.explain(outcome.reply, outcome.step)
        if outcome.problem:
            run.transcript.error(outcome.problem)
            return ExitCode.USAGE
        code = _exit_code(run, outcome)
        if code is not ExitCode.OK:
            return code
        if outcome.step is last and outcome.ok and run.stage is not Step.STARTTLS:
            break
    return ExitCode.OK


def _exit_code(run: GuidedRun, outcome: StepOutcome) -> ExitCode:
    step = outcome.step
    if step is None or outcome.status is not StepStatus.FAILED:
        return ExitCode.OK
    if step is Step.CONNECT:
        if outcome.reply is not None:
            return ExitCode.BANNER_REJECTED
        if run.policy.tls_on_connect or run.implicit_tls(run.session.port if run.session else 0):
            from smtp_tui.core.connection import TlsFailed

            if isinstance(outcome.error, TlsFailed):
                return ExitCode.TLS_FAILED
        return ExitCode.CONNECT
    if outcome.reply is None and step not in (Step.MX, Step.STARTTLS):
        return ExitCode.DIALOGUE_BROKEN
    return _FAILED[step]


class _SignalCatcher:
    """SIGTERM and SIGHUP end the run like Ctrl+C would, but still say QUIT and journal a
    last line saying what interrupted the session."""

    SIGNALS = (
        (signal.SIGTERM, "SIGTERM", ExitCode.TERMINATED),
        (signal.SIGHUP, "SIGHUP (the terminal went away)", ExitCode.HANGUP),
    )

    def __init__(self, on_signal: Callable[[str], None]) -> None:
        import asyncio

        self.on_signal = on_signal
        self.caught: tuple[str, int] | None = None
        self.task = asyncio.current_task()
        self.loop = asyncio.get_running_loop()
        self.installed: list[int] = []
        for number, name, code in self.SIGNALS:
            try:
                self.loop.add_signal_handler(number, self._on_signal, name, int(code))
            except (NotImplementedError, RuntimeError, ValueError):
                continue  # not the main thread, or no signals here: Ctrl+C still works
            self.installed.append(number)

    def _on_signal(self, name: str, code: int) -> None:
        if self.caught is None and self.task is not None:
            self.caught = (name, code)
            self.on_signal(name)
            self.task.cancel()

    def clear_cancel(self) -> None:
        if self.task is not None:
            self.task.uncancel()

    def remove(self) -> None:
        for number in self.installed:
            self.loop.remove_signal_handler(number)


class _LooplessSignals:
    """The same for the loopless driver: SIGTERM and SIGHUP end the current wait (or the
    next) with :class:`Interrupted`, Ctrl+C with KeyboardInterrupt, as a cancelled task
    would under asyncio; the previous handlers come back afterwards."""

    def __init__(self, on_signal: Callable[[str], None]) -> None:
        self.on_signal = on_signal
        self.caught: tuple[str, int] | None = None
        self.previous: dict[int, _Handler] = {}
        handlers = [(number, self._ending(name, int(code))) for number, name, code in _SIGNALS]
        # Ctrl+C only where Python's own handler is in place, as asyncio.run does: a process
        # started with SIGINT ignored (a background job of a script) keeps ignoring it.
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            handlers.append((signal.SIGINT, self._on_sigint))
        for number, handler in handlers:
            try:
                self.previous[number] = signal.signal(number, handler)
            except (ValueError, OSError):
                continue  # not the main thread: as under asyncio, Ctrl+C still works

    def _ending(self, name: str, code: int) -> Callable[[int, FrameType | None], None]:
        def handler(_number: int, _frame: FrameType | None) -> None:
            if self.caught is None:
                self.caught = (name, code)
                self.on_signal(name)
                interruptions.deliver(Interrupted(name))

        return handler

    def _on_sigint(self, _number: int, _frame: FrameType | None) -> None:
        interruptions.deliver(KeyboardInterrupt())

    def clear_cancel(self) -> None:
        """Nothing to undo: an interruption is an exception here, not a task's state."""

    def remove(self) -> None:
        for number, handler in self.previous.items():
            # None: a handler not set from Python; the default is the nearest to it.
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


_SIGNALS = _SignalCatcher.SIGNALS
_Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


async def _check_sender(run: GuidedRun) -> None:
    """With --ip: the sending IP against the blacklists and its reverse DNS, before step 1."""
    # Imported here: a check without --ip needs no blacklist code (issue 15).
    from smtp_tui.core.dnsbl import SweepSummary
    from smtp_tui.core.sender import DiscoveryFailed

    transcript = run.transcript
    try:
        address = await run.sending_address()
    except DiscoveryFailed as error:
        transcript.warning(str(error))
        return
    domain = run.options.mail_from.rpartition("@")[2] if run.options.mail_from else ""
    also = f" and the MAIL FROM domain {domain}" if domain else ""
    transcript.info(f"Checking the sending IP {address.address}{also} against DNS lists ...")
    report = await run.check_sender(address)
    transcript.info(f"Blacklists: {SweepSummary(report.results).line()}.")
    for line in run.findings().listings:
        transcript.warning(line)
    for line in report.lines():
        transcript.info(line)
    for problem in report.problems():
        transcript.warning(problem)


def flag_problem(quit_after: str, flags: PlainFlags) -> str | None:
    """Why --quit-after and --data do not go together, or None (check and check --both)."""
    if quit_after == "data" and not flags.data:
        return "--quit-after data sends a real message: add --data to say so."
    if flags.data and quit_after not in ("data", "rcpt"):
        return f"--data sends the message after RCPT; it cannot go with --quit-after {quit_after}."
    return None


def check_main(
    options: SessionOptions,
    quit_after: str,
    *,
    as_json: bool = False,
    flags: PlainFlags | None = None,
) -> int:
    """Entry point for `smtp-tui check`: run, and turn Ctrl+C and bad input into exit codes."""
    flags = flags or PlainFlags()
    # A check that needs no DNS and no TLS runs without asyncio (issue 15): the same flow,
    # on a blocking socket. (Off the main thread neither driver can take signals: the same.)
    return run_entry(
        quit_after,
        flags,
        lambda: run_check(options, quit_after=quit_after, as_json=as_json, flags=flags),
        loopless=blocking_socket_will_do(options, flow_policy_for(flags)),
    )


def run_entry(
    quit_after: str,
    flags: PlainFlags,
    run: Callable[[], Coroutine[object, object, int]],
    *,
    loopless: bool = False,
) -> int:
    """What every plain check entry does around its run (check and check --both): refuse
    flags that do not go together, and turn Ctrl+C and bad input into exit codes.
    ``loopless``: drive the run without an event loop (see :mod:`smtp_tui.core.loopless`)."""
    problem = flag_problem(quit_after, flags)
    if problem:
        sys.stderr.write(f"smtp-tui: error: {problem}\n")
        return ExitCode.USAGE
    try:
        if loopless:
            return run_loopless(run())
        import asyncio

        return asyncio.run(run())
    except KeyboardInterrupt:
        sys.stdout.write("*** Interrupted.\n")
        return ExitCode.INTERRUPTED
    except InputError as error:
        sys.stderr.write(f"smtp-tui: error: {error}\n")
        return ExitCode.USAGE


def explain_main(text: str, *, as_json: bool = False) -> int:
    """Entry point for `smtp-tui explain`."""
    import json

    from smtp_tui.core.explain import explain_text

    explanation = explain_text(text)
    if as_json:
        print(json.dumps(explanation.as_json(), ensure_ascii=False))
        return ExitCode.OK
    print(explanation.as_text())
    return ExitCode.OK

"""Plain mode: the five steps without the full screen, for scripts and quick checks.

It streams the marked transcript to stdout as the dialogue happens, explains each rejection,
says QUIT, and ends with the verdict. With ``json=True`` stdout is JSON lines instead: one
object per transcript event, and last the verdict object. It must not import Textual:
scripts call it, and it must start fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import sys
from dataclasses import dataclass

import dns.asyncresolver

from smtp_tui import __version__
from smtp_tui.core.addresses import InputError, parse_target
from smtp_tui.core.commands import ehlo, helo, rcpt_to
from smtp_tui.core.connection import SmtpError, TlsFailed
from smtp_tui.core.dns import DnsError, make_resolver
from smtp_tui.core.dnsbl import DnsblChecker, SweepSummary
from smtp_tui.core.dnsbl_catalogue import select_zones
from smtp_tui.core.journal import open_journal
from smtp_tui.core.options import (
    QUIT_AFTER,
    SessionOptions,
    effective_helo,
    effective_sender,
    mail_from_command,
    parse_server,
    sender_domain,
    with_lab,
)
from smtp_tui.core.replies import Reply
from smtp_tui.core.sender import check_sending_side
from smtp_tui.core.session import Step, StepResult, StepStatus, TestSession
from smtp_tui.core.transcript import Transcript, TranscriptMeta
from smtp_tui.core.verdict import SenderFindings, judge, sender_findings
from smtp_tui.exit_codes import ExitCode
from smtp_tui.plain.output import Output, PipeSafeOutput, Reporter

_REJECTED = {
    Step.EHLO: ExitCode.EHLO_REJECTED,
    Step.MAIL: ExitCode.MAIL_REJECTED,
    Step.RCPT: ExitCode.RCPT_REJECTED,
}


async def run_check(
    options: SessionOptions,
    *,
    quit_after: str = "rcpt",
    out: Output | None = None,
    as_json: bool = False,
    flags: PlainFlags | None = None,
) -> int:
    """Run the steps in order; return an ExitCode. ``options.demo`` starts the lab first."""
    reporter = Reporter(out or PipeSafeOutput(), as_json=as_json)
    if options.demo:
        from smtp_tui.lab import Lab

        async with Lab() as lab:
            demo_options = with_lab(options, lab)
            reporter.note(f"=== Practice lab: DNS {lab.dns}, SMTP port {lab.smtp_port}")
            return await _run(demo_options, quit_after, reporter, flags or PlainFlags())
    return await _run(options, quit_after, reporter, flags or PlainFlags())


async def _run(
    options: SessionOptions, quit_after: str, reporter: Reporter, flags: PlainFlags
) -> int:
    if not options.target:
        reporter.note("*** No target given: name a recipient address or a domain.")
        return ExitCode.USAGE
    domain, address = parse_target(options.target)
    recipient = options.rcpt_to or (address.text if address else f"postmaster@{domain.ascii}")
    meta = TranscriptMeta(
        version=__version__,
        ran_on=socket.gethostname(),
        target=domain.shown(),
        resolver=options.resolver.describe(),
    )
    transcript = Transcript(meta)
    transcript.subscribe(reporter.event)
    journal = open_journal(transcript, domain.ascii)
    try:
        resolver = make_resolver(options.resolver, timeout=options.dns_timeout)
    except DnsError as error:
        transcript.error(str(error))
        return ExitCode.DNS
    session = TestSession(
        transcript,
        resolver,
        timeouts=options.timeouts,
        family=options.family,
        source=options.source,
        tls_cafile=options.tls_cafile,
    )
    findings = await _check_sender(options, resolver, transcript) if options.ip else None
    try:
        code = await _steps(session, options, recipient, quit_after, reporter, flags)
    finally:
        with contextlib.suppress(Exception):
            await session.close()
        if journal is not None:
            transcript.info(f"Transcript saved to {journal.path}")
    verdict = judge(session, findings)
    if journal is not None:
        for line in verdict.as_text().splitlines():
            journal.write_line(f"# {line}")
        journal.close()
    reporter.verdict(verdict)
    return code


async def _check_sender(
    options: SessionOptions, resolver: dns.asyncresolver.Resolver, transcript: Transcript
) -> SenderFindings:
    """With --ip: the sending IP against the blacklists and its reverse DNS, before step 1."""
    assert options.ip is not None
    if options.demo:
        from smtp_tui.lab.dnsbl_zones import DEMO_ZONES

        zones = list(DEMO_ZONES)
    else:
        zones = select_zones(list(options.zones_enable), list(options.zones_disable))
    domain = sender_domain(options)
    also = f" and the MAIL FROM domain {domain}" if domain else ""
    transcript.info(f"Checking the sending IP {options.ip}{also} against DNS lists ...")
    report = await check_sending_side(
        DnsblChecker(resolver), zones, options.ip, effective_helo(options), domain
    )
    findings = sender_findings(report)
    transcript.info(f"Blacklists: {SweepSummary(report.results).line()}.")
    for line in findings.listings:
        transcript.warning(line)
    for line in report.lines():
        transcript.info(line)
    for problem in report.problems():
        transcript.warning(problem)
    return findings


@dataclass(frozen=True)
class PlainFlags:
    """What `smtp-tui check` does beyond the five steps."""

    starttls: bool = False  # STARTTLS after EHLO, then EHLO again
    tls_on_connect: bool = False  # TLS from the first byte (port 465)
    data: bool = False  # send a small, real test message after RCPT
    fallback: bool = True  # try the next MX when one cannot be reached


async def _steps(
    session: TestSession,
    options: SessionOptions,
    recipient: str,
    quit_after: str,
    reporter: Reporter,
    flags: PlainFlags,
) -> int:
    transcript = session.transcript
    stop_at = QUIT_AFTER.index(quit_after)
    if options.server:
        host, port = parse_server(options.server, options.port)
        targets = [(host, host, port)]
        session.domain, session.recipient = parse_target(options.target or "")
        session.book.finish(Step.MX, StepStatus.PASSED, f"skipped: --server {host}")
        transcript.info(f"MX look-up skipped: using --server {host} port {port}.")
    else:
        result = await session.lookup(options.target or "")
        if result.status is StepStatus.FAILED:
            return ExitCode.DNS
        targets = [
            (host.host, address, options.port)
            for host in session.usable_hosts()
            for address in host.addresses
        ]
    if stop_at == 0:
        return ExitCode.OK

    implicit = flags.tls_on_connect or options.port == options.smtps_port
    connected = await _connect_first(session, targets if flags.fallback else targets[:1], implicit)
    if connected is None:
        if session.connect_failures and isinstance(session.connect_failures[-1][2], TlsFailed):
            return ExitCode.TLS_FAILED
        await _diagnose_port(session, options, targets[0][1])
        return ExitCode.CONNECT
    if connected.status is StepStatus.FAILED:
        assert connected.reply is not None
        reporter.explain(connected.reply)
        return ExitCode.BANNER_REJECTED
    if stop_at == 1:
        return ExitCode.OK
    try:
        return await _dialogue(session, options, recipient, stop_at, reporter, flags)
    except SmtpError:
        return ExitCode.DIALOGUE_BROKEN


async def _dialogue(
    session: TestSession,
    options: SessionOptions,
    recipient: str,
    stop_at: int,
    reporter: Reporter,
    flags: PlainFlags,
) -> int:
    name = effective_helo(options)
    code = await _hello(session, name, reporter)
    if code != ExitCode.OK or (stop_at == 2 and not flags.starttls):
        return code
    if flags.starttls:
        if "STARTTLS" not in session.keywords:
            session.transcript.error(
                "The server does not offer STARTTLS (not in its EHLO "
                "reply), so this connection cannot be encrypted."
            )
            return ExitCode.TLS_FAILED
        if not (await session.starttls(helo=name)).ok:
            return ExitCode.TLS_FAILED
        code = await _hello(session, name, reporter)
        if code != ExitCode.OK or stop_at == 2:
            return code
    for index, (step, text) in enumerate(
        ((Step.MAIL, mail_from_command(options)), (Step.RCPT, rcpt_to(recipient))), start=3
    ):
        result = await session.command(text)
        assert isinstance(result, StepResult)
        if result.reply is not None:
            reporter.explain(result.reply)
        if result.status is StepStatus.FAILED:
            return _REJECTED[step]
        if stop_at == index and not (step is Step.RCPT and flags.data):
            return ExitCode.OK
    if flags.data:
        sent = await session.send_test_message(effective_sender(options), recipient, helo=name)
        if sent.reply is not None:
            reporter.explain(sent.reply)
        if not sent.ok:
            return ExitCode.MESSAGE_REJECTED
        session.transcript.info(f"Test message accepted; queue id: {sent.queue_id or '?'}")
    return ExitCode.OK


async def _hello(session: TestSession, name: str, reporter: Reporter) -> int:
    """EHLO, and HELO when EHLO is not understood (500/502)."""
    result = await session.command(ehlo(name))
    if _should_try_helo(result):
        session.transcript.info("EHLO was not understood; trying the older HELO.")
        result = await session.command(helo(name))
    assert isinstance(result, StepResult)
    if result.reply is not None:
        reporter.explain(result.reply)
    return _REJECTED[Step.EHLO] if result.status is StepStatus.FAILED else ExitCode.OK


async def _diagnose_port(session: TestSession, options: SessionOptions, address: str) -> None:
    """Port 25 failed everywhere: does the first MX answer on 587 and 465?"""
    others = [(options.submission_port, False), (options.smtps_port, True)]
    others = [(port, tls) for port, tls in others if port != session.port]
    if others and not isinstance(session.connect_failures[-1][2], TlsFailed):
        await session.probe_other_ports(address, others, timeout=min(options.timeouts.connect, 8.0))


def _should_try_helo(result: StepResult | Reply) -> bool:
    return (
        isinstance(result, StepResult)
        and result.reply is not None
        and result.reply.code in (500, 502)
    )


async def _connect_first(
    session: TestSession, targets: list[tuple[str, str, int]], implicit_tls: bool
) -> StepResult | None:
    """Try each MX address in preference order; the first that greets (even with a
    rejection) ends the search. None: nobody answered."""
    for number, (label, address, port) in enumerate(targets):
        if number:
            session.transcript.info(f"Trying the next MX: {label} [{address}].")
        result = await session.connect(address, port, label=label, implicit_tls=implicit_tls)
        if result.reply is not None:
            if number:
                session.transcript.info(f"{label} [{address}] answered.")
            return result
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
    if quit_after == "data" and not flags.data:
        sys.stderr.write(
            "smtp-tui: error: --quit-after data sends a real message: add --data to say so.\n"
        )
        return ExitCode.USAGE
    if flags.data and quit_after != "data" and quit_after != "rcpt":
        sys.stderr.write(
            "smtp-tui: error: --data sends the message after RCPT; it cannot go "
            f"with --quit-after {quit_after}.\n"
        )
        return ExitCode.USAGE
    try:
        return asyncio.run(run_check(options, quit_after=quit_after, as_json=as_json, flags=flags))
    except KeyboardInterrupt:
        sys.stdout.write("*** Interrupted.\n")
        return ExitCode.INTERRUPTED
    except InputError as error:
        sys.stderr.write(f"smtp-tui: error: {error}\n")
        return ExitCode.USAGE


def explain_main(text: str, *, as_json: bool = False) -> int:
    """Entry point for `smtp-tui explain`."""
    from smtp_tui.core.explain import explain_text

    explanation = explain_text(text)
    if as_json:
        print(json.dumps(explanation.as_json(), ensure_ascii=False))
        return ExitCode.OK
    print(explanation.as_text())
    return ExitCode.OK

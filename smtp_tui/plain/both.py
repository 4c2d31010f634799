"""`smtp-tui check --both`: the same dialogue over IPv4 and over IPv6, side by side.

Each family's transcript streams as `check` prints it, under a header; then the two results
side by side with the sending address's identity per family, and the verdict: the difference.
With ``as_json`` every event line carries a ``family`` key and the last line is the verdict
object (with both results under ``families``). The exit code is the non-zero one of the two
runs (the first, if both are); a family the MX has no address of was not tested and does not
count.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from smtp_tui.core.connection import AddressFamily
from smtp_tui.core.families import FAMILIES, FamilyComparison, compare_runs, family_name
from smtp_tui.core.family_identity import VERSIONS, ip_version
from smtp_tui.core.flow import GuidedRun
from smtp_tui.core.options import SessionOptions, with_lab
from smtp_tui.core.record import replace
from smtp_tui.core.transcript import TranscriptEvent, to_json_records
from smtp_tui.exit_codes import ExitCode
from smtp_tui.plain.check import PlainFlags, run_check, run_entry
from smtp_tui.plain.output import PipeSafeOutput, Reporter

if TYPE_CHECKING:
    from smtp_tui.plain.output import Output

_STOPPED = (ExitCode.INTERRUPTED, ExitCode.TERMINATED, ExitCode.HANGUP)


class FamilyReporter(Reporter):
    """The check's reporter, with each JSON event marked with its address family."""

    def __init__(self, out: Output, family: AddressFamily, *, as_json: bool = False) -> None:
        super().__init__(out, as_json=as_json)
        self.family = family

    def event(self, event: TranscriptEvent) -> None:
        if not self.as_json:
            super().event(event)
            return
        record = to_json_records([event])[0]
        record["family"] = self.family.value
        self._write(json.dumps(record, ensure_ascii=False))


async def run_both_check(
    options: SessionOptions,
    *,
    quit_after: str = "rcpt",
    out: Output | None = None,
    as_json: bool = False,
    flags: PlainFlags | None = None,
) -> int:
    """Run the check over IPv4, then over IPv6, then compare; return the exit code.
    ``options.demo`` starts the practice lab once, for both runs."""
    out = out or PipeSafeOutput()
    if not options.demo:
        return await _both(options, quit_after, out, as_json, flags)
    from smtp_tui.lab import Lab

    async with Lab() as lab:
        # One lab for both runs and the identity check after them (run_check would start a
        # lab per run and stop it before the comparison could ask its DNS).
        lab_options = replace(
            with_lab(options, lab), demo=False, tls_cafile=options.tls_cafile or str(lab.ca_file)
        )
        Reporter(out, as_json=as_json).note(
            f"=== Practice lab: DNS {lab.dns}, SMTP port {lab.smtp_port}"
        )
        return await _both(lab_options, quit_after, out, as_json, flags)


async def _both(
    options: SessionOptions,
    quit_after: str,
    out: Output,
    as_json: bool,
    flags: PlainFlags | None,
) -> int:
    runs: dict[AddressFamily, GuidedRun] = {}
    codes: dict[AddressFamily, int] = {}
    for family in FAMILIES:
        reporter = FamilyReporter(out, family, as_json=as_json)
        reporter.note(f"=== {family_name(family)} " + "=" * 60)

        def keep(run: GuidedRun, family: AddressFamily = family) -> None:
            runs[family] = run

        codes[family] = await run_check(
            _family_options(options, family),
            quit_after=quit_after,
            flags=flags,
            reporter=reporter,
            finish=keep,
        )
        if family not in runs:  # stopped before the dialogue (no target): nothing to compare
            return codes[family]
        if codes[family] in _STOPPED:  # Ctrl+C, SIGTERM, SIGHUP: the user wants it over
            return codes[family]
    given = (options.ip,) if options.ip else ()
    comparison = await compare_runs(runs[AddressFamily.IPV4], runs[AddressFamily.IPV6], given)
    code = exit_code(comparison, codes)
    _report(comparison, codes, out, as_json=as_json)
    return code


def _family_options(options: SessionOptions, family: AddressFamily) -> SessionOptions:
    """The options for one family's run: its --ip only (the other family's address is
    checked against the lists in its own run, not twice)."""
    ip = options.ip if options.ip and ip_version(options.ip) == VERSIONS[family] else None
    return replace(options, family=family, ip=ip)


def exit_code(comparison: FamilyComparison, codes: dict[AddressFamily, int]) -> int:
    """The non-zero one of the two runs' codes (the first, if both are), as the command's
    contract says: a family the MX has no address of counts too (its run could not connect);
    the report says "not tested" for it, so the reason is in words as well."""
    counted = [codes[r.family] for r in comparison.results]
    return next((code for code in counted if code), ExitCode.OK)


def _report(
    comparison: FamilyComparison,
    codes: dict[AddressFamily, int],
    out: Output,
    *,
    as_json: bool,
) -> None:
    if as_json:
        record = comparison.as_json()
        families = record["families"]
        assert isinstance(families, dict)
        for family, code in codes.items():
            families[family.value]["exit_code"] = int(code)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
        return
    reporter = Reporter(out)
    reporter.note("")
    reporter.note("=== IPv4 and IPv6 side by side " + "=" * 40)
    for line in comparison.summary_lines():
        reporter.note(line)
    reporter.verdict(comparison.verdict)


def both_main(
    options: SessionOptions,
    quit_after: str,
    *,
    as_json: bool = False,
    flags: PlainFlags | None = None,
) -> int:
    """Entry point for `smtp-tui check --both`; refuses --ipv4/--ipv6 (exit 2)."""
    flags = flags or PlainFlags()
    if options.family is not AddressFamily.ANY:
        sys.stderr.write("smtp-tui: error: --both runs IPv4 and IPv6: drop --ipv4/--ipv6.\n")
        return ExitCode.USAGE
    return run_entry(
        quit_after,
        flags,
        lambda: run_both_check(options, quit_after=quit_after, as_json=as_json, flags=flags),
    )

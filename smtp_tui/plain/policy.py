"""`smtp-tui policy DOMAIN`: would a sender that enforces MTA-STS or DANE deliver here?

Prints the domain's MTA-STS record and policy, its TLS-RPT record, a table per MX (and per
address) of STARTTLS / certificate valid for the name / MTA-STS match / DANE match, and a
summary line; or, with ``--json``, one object. Exit 0 when nothing would stop a
policy-enforcing sender, 1 when something would, 2 for usage errors, 3 when the domain's own
look-up fails (as `check`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TYPE_CHECKING

from smtp_tui.core.addresses import InputError, parse_domain
from smtp_tui.core.connect_settings import Timeouts
from smtp_tui.core.dns import DnsError, ResolverChoice, make_resolver, parse_dns_server
from smtp_tui.core.numbers import seconds_argument
from smtp_tui.core.options import machine_fqdn
from smtp_tui.core.policy import PolicySettings, check_policy
from smtp_tui.core.policy_text import report_lines
from smtp_tui.core.record import replace
from smtp_tui.exit_codes import ExitCode
from smtp_tui.plain.output import PipeSafeOutput

if TYPE_CHECKING:
    from smtp_tui.plain.output import Output

POLICY_EXIT_CODES = """\
exit codes:
  0  nothing found would stop a sender that enforces MTA-STS or DANE
  1  something would: the summary line says which MX and why
  2  usage error
  3  the domain's own look-up failed (no such domain, null MX, SERVFAIL, timeout)"""


def policy_parser() -> argparse.ArgumentParser:
    """The `smtp-tui policy` command line (cli.py dispatches to :func:`policy_main`)."""
    parser = argparse.ArgumentParser(
        prog="smtp-tui policy",
        description="Check a domain's transport policy against what its MX hosts present: "
        "MTA-STS (RFC 8461), DANE (RFC 7672, only with a DNSSEC-validating resolver) and "
        "TLS-RPT (RFC 8460). Every address of every MX is asked for STARTTLS.",
        epilog=POLICY_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("domain", metavar="DOMAIN", help="the destination domain")
    parser.add_argument(
        "--dns",
        metavar="SERVER[:PORT]",
        help="ask this resolver (it should validate DNSSEC for DANE); the MTA-STS policy "
        "host is resolved through it too",
    )
    parser.add_argument(
        "--port", type=int, metavar="N", help="SMTP port of the MX hosts (default 25)"
    )
    parser.add_argument(
        "--https-port", type=int, metavar="N", help="HTTPS port of the policy host (default 443)"
    )
    parser.add_argument(
        "--ca-file",
        metavar="FILE",
        help="also trust this CA (PEM) for the policy host and the MX certificates",
    )
    parser.add_argument(
        "--timeout",
        type=seconds_argument,
        metavar="SECONDS",
        help="one timeout for every network wait (default: DNS 5, connect 10, greeting and "
        "each command 30, the policy fetch 10)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the practice lab and check one of its domains (try enforce.policy.test, "
        "rolled.policy.test, wrongcert.policy.test)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object: {"domain","mta_sts","tls_rpt","mx","dnssec",'
        '"blocked_for","summary"}',
    )
    return parser


async def run_policy(
    domain_text: str,
    choice: ResolverChoice,
    settings: PolicySettings,
    *,
    as_json: bool,
    out: Output,
    timeout: float = 5.0,
) -> int:
    domain = parse_domain(domain_text)
    try:
        resolver = make_resolver(choice, timeout=timeout)
        report = await check_policy(domain, resolver, settings)
    except DnsError as error:
        if as_json:
            out.write(json.dumps({"domain": domain.ascii, "error": str(error)}) + "\n")
        else:
            out.write(f"*** {error}\n")
        return ExitCode.DNS
    if as_json:
        out.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write("\n".join(report_lines(report, choice.describe())) + "\n")
    out.flush()
    return 1 if report.blocked else ExitCode.OK


def policy_main(
    domain: str,
    *,
    dns: str | None = None,
    port: int | None = None,
    https_port: int | None = None,
    ca_file: str | None = None,
    demo: bool = False,
    as_json: bool = False,
    out: Output | None = None,
    timeout: float | None = None,
) -> int:
    """`smtp-tui policy`: returns the exit code (see POLICY_EXIT_CODES). ``timeout`` bounds
    every wait (DNS, each SMTP stage, the policy fetch) instead of the defaults."""
    output = out or PipeSafeOutput()
    try:
        for name, value in (("--port", port), ("--https-port", https_port)):
            if value is not None and not 0 < value < 65536:
                raise InputError(f"{name} must be a number from 1 to 65535.")
        parse_domain(domain)
        if demo:
            return asyncio.run(_demo(domain, as_json, output, timeout))
        from smtp_tui.core.config import load_config

        config = load_config()
        resolver_text = dns or config.dns
        choice = parse_dns_server(resolver_text) if resolver_text else ResolverChoice()
        settings = PolicySettings(
            port=port or 25,
            https_port=https_port or 443,
            cafile=ca_file,
            helo=config.helo or machine_fqdn(),
        )
        if timeout is not None:
            settings = replace(settings, timeouts=Timeouts.all(timeout), https_timeout=timeout)
        return asyncio.run(
            run_policy(
                domain, choice, settings, as_json=as_json, out=output, timeout=timeout or 5.0
            )
        )
    except InputError as error:
        print(f"smtp-tui: error: {error}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED


async def _demo(domain: str, as_json: bool, out: Output, timeout: float | None) -> int:
    from smtp_tui.lab import Lab

    async with Lab() as lab:
        settings = PolicySettings(
            port=lab.smtp_port,
            https_port=lab.https_port,
            cafile=str(lab.ca_file) if lab.ca_file else None,
            helo=lab.helo,
        )
        if timeout is not None:
            settings = replace(settings, timeouts=Timeouts.all(timeout), https_timeout=timeout)
        if not as_json:
            out.write(
                f"=== Practice lab: DNS {lab.dns}, SMTP port {lab.smtp_port}, "
                f"HTTPS port {lab.https_port}\n"
            )
        return await run_policy(
            domain,
            parse_dns_server(lab.dns),
            settings,
            as_json=as_json,
            out=out,
            timeout=timeout or 2.0,
        )

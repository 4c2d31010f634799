"""`smtp-tui sender`: "is it me?" — the sending side, checked the way receivers check it.

Blacklists for each sending IP and the MAIL FROM domain, SPF for the MAIL FROM domain and the
HELO name, DMARC, reverse DNS per address family, and the large receivers' requirements as a
checklist. Exit 0 when nothing is held against the sender, 1 when something is (a listing, SPF
fail/softfail/permerror for the MAIL FROM domain, no DMARC record, a missing or unconfirmed
PTR, a failed checklist item), 2 on usage errors; "could not check" alone never gives 1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TYPE_CHECKING

from smtp_tui.core.addresses import InputError
from smtp_tui.core.dns import DnsError, ResolverChoice, make_resolver, parse_dns_server
from smtp_tui.core.dnsbl import address_note, parse_target
from smtp_tui.core.dnsbl_catalogue import Zone, ZoneRefused
from smtp_tui.core.sender import DiscoveryFailed, discover_public_ip
from smtp_tui.core.sender_report import SenderInput, check_sender, validate_input
from smtp_tui.core.sender_text import report_text
from smtp_tui.exit_codes import ExitCode
from smtp_tui.plain.blacklist import choose_zones
from smtp_tui.plain.output import PipeSafeOutput

if TYPE_CHECKING:
    from smtp_tui.plain.output import Output

# The demo's sending side: the lab's IPv4 and IPv6 senders, a domain whose SPF passes through
# three includes and whose DMARC is p=reject, and an EHLO name with its own SPF record.
DEMO_IPS = ("127.0.0.1", "2001:db8:25::7")
DEMO_FROM = "tester@pass.sender.test"
DEMO_HELO = "mail.sender.test"


async def run_sender(
    given: SenderInput,
    zones: list[Zone],
    resolver_choice: ResolverChoice,
    *,
    timeout: float,
    as_json: bool,
    out: Output,
    public_note: bool = True,
) -> int:
    try:
        resolver = make_resolver(resolver_choice, timeout=timeout)
    except DnsError as error:
        print(f"smtp-tui: error: {error}", file=sys.stderr)
        return ExitCode.DNS
    if not given.ips:
        try:
            found = await discover_public_ip(timeout=timeout)
        except DiscoveryFailed as error:
            print(f"smtp-tui: error: {error}", file=sys.stderr)
            return ExitCode.USAGE
        given = SenderInput((found.address,), given.mail_from, given.helo)
        if not as_json:
            out.write(f"Sending IP: {found.describe()}\n")
    if not as_json:
        out.write("Checking the sending side ...\n")
        for ip in given.ips if public_note else ():
            note = address_note(parse_target(ip))
            if note:
                out.write(f"!!! {note}\n")
        out.flush()
    report = await check_sender(resolver, zones, given)
    if as_json:
        out.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write("\n".join(report_text(report, resolver_choice.describe())) + "\n")
    out.flush()
    return ExitCode.LISTED if report.failed else ExitCode.OK


def sender_main(
    ips: list[str],
    *,
    mail_from: str | None,
    helo: str | None,
    dns: str | None,
    zones: list[str],
    timeout: float | None,
    demo: bool,
    as_json: bool,
) -> int:
    """`smtp-tui sender [--ip ADDR ...] [--from ADDR] [--helo NAME] [--dns SERVER[:PORT]]
    [--zone ZONE ...] [--timeout S] [--demo] [--json]`; returns the exit code."""
    from smtp_tui.core.config import load_config

    config = load_config()
    try:
        if demo:
            given = SenderInput(tuple(ips) or DEMO_IPS, mail_from or DEMO_FROM, helo or DEMO_HELO)
            given = _one_per_family(validate_input(given))
            return asyncio.run(_demo(given, zones, timeout or 2.0, as_json))
        given = SenderInput(
            tuple(ips) or ((config.ip,) if config.ip else ()),
            mail_from or config.mail_from,
            helo or config.helo,
        )
        given = _one_per_family(validate_input(given))
        chosen = choose_zones(zones, config.blacklists_enable, config.blacklists_disable, "ip")
        resolver_text = dns or config.dns
        choice = parse_dns_server(resolver_text) if resolver_text else ResolverChoice()
        return asyncio.run(
            run_sender(
                given, chosen, choice, timeout=timeout or 5.0, as_json=as_json,
                out=PipeSafeOutput(),
            )
        )  # fmt: skip
    except (InputError, ZoneRefused) as error:
        print(f"smtp-tui: error: {error}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED


SENDER_EXIT_CODES = """\
exit codes:
  0  nothing checked is held against this sender ("could not check" counts neither way)
  1  something is: a listing, SPF fail/softfail/permerror for the MAIL FROM domain, no DMARC
     record, a missing or not forward-confirmed PTR, or a failed checklist item
  2  usage error
  3  no DNS resolver could be used"""


def sender_parser() -> argparse.ArgumentParser:
    """The `smtp-tui sender` command line (cli.py registers it)."""
    parser = argparse.ArgumentParser(
        prog="smtp-tui sender",
        description="Is it me? The sending side checked the way receivers check it: the\n"
        "sending IPs and the MAIL FROM domain on DNS blacklists, SPF for the MAIL FROM domain\n"
        "and the HELO name (RFC 7208), DMARC, reverse DNS per address family, and Gmail's,\n"
        "Yahoo's and Microsoft's published sender requirements as a checklist.",
        epilog=SENDER_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--ip",
        action="append",
        default=[],
        metavar="ADDR",
        help="a public IP your mail server sends from; once per family (IPv4 and IPv6). "
        "Default: the config's, else found through DNS",
    )
    parser.add_argument(
        "--from", dest="mail_from", metavar="ADDR", help="the MAIL FROM address (or domain)"
    )
    parser.add_argument("--helo", metavar="NAME", help="the EHLO name your server announces")
    parser.add_argument(
        "--dns", metavar="SERVER[:PORT]", help="ask this resolver (best: your server's own)"
    )
    parser.add_argument(
        "--zone",
        action="append",
        default=[],
        metavar="ZONE",
        help="check this DNS list (repeatable); replaces the catalogue for this run",
    )
    parser.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="per-query time limit (default 5)"
    )
    parser.add_argument("--demo", action="store_true", help="check the practice lab's sending side")
    parser.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object: {"ips", "blacklists", "spf", "dmarc", "reverse_dns", '
        '"checklist"}',
    )
    return parser


def run_sender_command(args: argparse.Namespace) -> int:
    """Run `smtp-tui sender` from parsed arguments (cli.py's dispatch)."""
    return sender_main(
        args.ip,
        mail_from=args.mail_from,
        helo=args.helo,
        dns=args.dns,
        zones=args.zone,
        timeout=args.timeout,
        demo=args.demo,
        as_json=args.json,
    )


def _one_per_family(given: SenderInput) -> SenderInput:
    """--ip may be given once per family (an IPv4 and an IPv6 address)."""
    families = [":" in ip for ip in given.ips]
    if len(families) != len(set(families)):
        raise InputError(
            "--ip may be given once per address family: one IPv4 and one IPv6 address."
        )
    return given


async def _demo(given: SenderInput, names: list[str], timeout: float, as_json: bool) -> int:
    from smtp_tui.core.dnsbl_catalogue import zone_named
    from smtp_tui.lab import Lab
    from smtp_tui.lab.dnsbl_zones import DEMO_ZONES, SENDER_LAB_ZONES

    known = DEMO_ZONES + SENDER_LAB_ZONES
    by_name = {zone.zone: zone for zone in known}
    # By default a healthy IP list and domain list, and the two that cannot vouch for anything.
    shown = ("lab-bl", "lab-dbl", "lab-nxdomain", "lab-refused")
    default = [zone for zone in known if zone.zone_id in shown]
    zones = [by_name.get(n, zone_named(n)) for n in names] if names else default
    async with Lab() as lab:
        return await run_sender(
            given,
            zones,
            parse_dns_server(lab.dns),
            timeout=timeout,
            as_json=as_json,
            out=PipeSafeOutput(),
            public_note=False,
        )

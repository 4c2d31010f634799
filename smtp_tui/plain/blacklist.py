"""`smtp-tui blacklist TARGET`: is this address or domain on a DNS blacklist?

Results stream as each list answers. Exit 0 when nothing is listed, 1 when something is,
2 on usage errors, 3 when no list could be checked at all (every one refused, failed, timed
out or could not be verified). Lists that could not be checked are never counted as listed or
clean; when most fail the same way, the likely common cause (the resolver) is named.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING

from smtp_tui.core.addresses import InputError
from smtp_tui.core.blacklist_text import result_lines
from smtp_tui.core.dns import DnsError, ResolverChoice, make_resolver
from smtp_tui.core.dns_batch import DnsBatch
from smtp_tui.core.dnsbl import (
    DnsblChecker,
    SweepSummary,
    Target,
    address_note,
    parse_target,
    zones_for,
)
from smtp_tui.core.dnsbl_catalogue import Zone, ZoneRefused, select_zones, zone_named
from smtp_tui.core.sender import check_identity, spf_record
from smtp_tui.exit_codes import ExitCode
from smtp_tui.plain.output import PipeSafeOutput

if TYPE_CHECKING:
    from smtp_tui.plain.output import Output


async def run_blacklist(
    target_text: str,
    zones: list[Zone],
    resolver_choice: ResolverChoice,
    *,
    timeout: float,
    as_json: bool,
    helo: str | None,
    out: Output,
) -> int:
    target = parse_target(target_text)
    try:
        resolver = make_resolver(resolver_choice, timeout=timeout)
    except DnsError as error:
        print(f"smtp-tui: error: {error}", file=sys.stderr)
        return ExitCode.DNS
    usable = zones_for(zones, target)
    checker = DnsblChecker(resolver)
    summary = SweepSummary()
    # The PTR (or the domain's SPF record) is asked alongside the lists, not after them.
    identity = None if as_json else asyncio.ensure_future(_identity(checker.batch, target, helo))
    if not as_json:
        out.write(
            f"Checking {target.text} against {len(usable)} lists through "
            f"{resolver_choice.describe()} ...\n"
        )
        note = address_note(target)
        if note:
            out.write(f"!!! {note}\n")
        out.flush()
    async for result in checker.sweep(usable, target):
        summary.results.append(result)
        if not as_json:
            out.write("\n".join(result_lines(result)) + "\n")
            out.flush()
    if as_json:
        order = {zone.zone: index for index, zone in enumerate(usable)}
        records = sorted(summary.results, key=lambda r: order.get(r.zone.zone, 0))
        out.write(json.dumps([r.as_json() for r in records], ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(f"Summary: {summary.line()}\n")
        cause = summary.common_cause(resolver_choice.describe())
        if cause:
            out.write(f"!!! {cause}\n")
        if summary.nothing_checked:
            out.write("!!! No list could be checked: nothing here says listed or clean.\n")
        assert identity is not None
        out.write("".join(line + "\n" for line in await identity))
    return sweep_exit_code(summary)


def sweep_exit_code(summary: SweepSummary) -> int:
    """1 listed, 3 when no list gave a verified answer, else 0."""
    if summary.listed:
        return ExitCode.LISTED
    if summary.nothing_checked:
        return ExitCode.DNS
    return ExitCode.OK


async def _identity(batch: DnsBatch, target: Target, helo: str | None) -> list[str]:
    """The address's reverse DNS, or the domain's SPF record, as lines to print."""
    if target.kind == "domain":
        try:
            record = await spf_record(batch, target.label)
        except DnsError as error:
            return [f"SPF of {target.text}: could not check ({error})"]
        return [f"SPF of {target.text}: {record or 'none published'}"]
    report = await check_identity(batch, target.text, helo)
    return report.lines() + [f"!!! {problem}" for problem in report.problems]


def choose_zones(
    names: list[str], enable: tuple[str, ...], disable: tuple[str, ...], kind_hint: str
) -> list[Zone]:
    """--zone replaces the catalogue for the run; otherwise the defaults plus the config."""
    if names:
        return [zone_named(name, kind=kind_hint) for name in names]
    return select_zones(list(enable), list(disable))


def blacklist_main(
    target: str,
    *,
    zones: list[str],
    dns: str | None,
    timeout: float | None,
    as_json: bool,
    demo: bool,
    helo: str | None,
) -> int:
    from smtp_tui.core.config import load_config
    from smtp_tui.core.dns import parse_dns_server

    config = load_config()
    try:
        kind_hint = parse_target(target).zone_kind
        if demo:
            return asyncio.run(_demo(target, zones, timeout or 2.0, as_json, helo))
        chosen = choose_zones(zones, config.blacklists_enable, config.blacklists_disable, kind_hint)
        resolver_text = dns or config.dns
        choice = parse_dns_server(resolver_text) if resolver_text else ResolverChoice()
        return asyncio.run(
            run_blacklist(
                target,
                chosen,
                choice,
                timeout=timeout or 5.0,
                as_json=as_json,
                helo=helo or config.helo,
                out=PipeSafeOutput(),
            )
        )
    except (InputError, ZoneRefused) as error:
        print(f"smtp-tui: error: {error}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED


async def _demo(
    target: str, names: list[str], timeout: float, as_json: bool, helo: str | None
) -> int:
    from smtp_tui.core.dns import parse_dns_server
    from smtp_tui.lab import Lab
    from smtp_tui.lab.dnsbl_zones import LAB_ZONES, SENDER_LAB_ZONES

    known = LAB_ZONES + SENDER_LAB_ZONES
    async with Lab() as lab:
        zones = [zone_named(name) for name in names] if names else list(known)
        by_name = {zone.zone: zone for zone in known}
        zones = [by_name.get(zone.zone, zone) for zone in zones]
        return await run_blacklist(
            target,
            zones,
            parse_dns_server(lab.dns),
            timeout=timeout,
            as_json=as_json,
            helo=helo or lab.helo,
            out=PipeSafeOutput(),
        )

"""The whole `smtp-tui sender` report against the lab DNS server with every answer delayed.

The report (DNS lists for two addresses and a domain, SPF for the MAIL FROM domain and the HELO
name over IPv4 and IPv6, DMARC, reverse DNS per family, the checklist) should cost about one
round trip more than the deepest SPF include chain, not the sum of its look-ups. The lab's
deepest chain is pass.sender.test -> _spf1 -> _spf2 -> _spf3: four TXT answers, one after the
other, whatever the checker does. Loopback only.

The lab DNS server runs in a child process, so its own CPU time (parsing and answering each
query with dnspython) is not counted as the checker's; --same-process runs it in this one.

Run:  python benchmarks/sender_report.py [--delay 0.1] [--rounds 5] [--same-process]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from smtp_tui.core.dns import DnsError, ResolverChoice, make_resolver, parse_dns_server, query
from smtp_tui.core.dnsbl import DnsblChecker
from smtp_tui.core.dnsbl_catalogue import Zone
from smtp_tui.core.sender_report import SenderInput, check_sender
from smtp_tui.core.spf import SpfLookups, check_spf
from smtp_tui.lab.dns_server import LabDnsServer
from smtp_tui.lab.dnsbl_zones import LAB_ZONES, SENDER_LAB_ZONES

GIVEN = SenderInput(("127.0.0.1", "2001:db8:25::7"), "tester@pass.sender.test", "mail.sender.test")
CHAIN = ("pass.sender.test", "_spf1.pass.sender.test", "_spf2.pass.sender.test",
         "_spf3.pass.sender.test")  # fmt: skip
ZONE_IDS = ("lab-bl", "lab-dbl", "lab-nxdomain", "lab-refused")


@dataclass
class Timings:
    singles: list[float] = field(default_factory=list)
    chains: list[float] = field(default_factory=list)
    spf: list[float] = field(default_factory=list)
    reports: list[float] = field(default_factory=list)
    queries: int = 0


async def serve(delay: float) -> None:
    """Child process: run the lab DNS server, print its port, stop when stdin closes."""
    server = LabDnsServer(delay=delay)
    await server.start()
    print(server.port, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await server.stop()


@contextlib.asynccontextmanager
async def lab_dns(delay: float, same_process: bool) -> AsyncIterator[int]:
    """The port of a lab DNS server with delayed answers."""
    if same_process:
        server = LabDnsServer(delay=delay)
        await server.start()
        try:
            yield server.port
        finally:
            await server.stop()
        return
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--delay", str(delay)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    try:
        yield int(await asyncio.to_thread(child.stdout.readline))
    finally:
        child.stdin.close()
        child.wait(timeout=10)


async def one_round(choice: ResolverChoice, zones: list[Zone], timings: Timings) -> None:
    resolver = make_resolver(choice, timeout=5.0)
    start = time.perf_counter()
    with contextlib.suppress(DnsError):
        await query(resolver, "pass.sender.test", "TXT")
    timings.singles.append(time.perf_counter() - start)

    start = time.perf_counter()
    for name in CHAIN:  # the chain's answers, strictly one after the other
        await query(resolver, name, "TXT")
    timings.chains.append(time.perf_counter() - start)

    lookups = SpfLookups(make_resolver(choice, timeout=5.0))
    start = time.perf_counter()
    await check_spf(lookups, "127.0.0.1", "pass.sender.test")
    timings.spf.append(time.perf_counter() - start)
    await lookups.close()

    checker = DnsblChecker(make_resolver(choice, timeout=5.0), txt_with_a=False)
    start = time.perf_counter()
    report = await check_sender(checker.resolver, zones, GIVEN, checker=checker)
    timings.reports.append(time.perf_counter() - start)
    assert not report.failed, report.problems()
    timings.queries = checker.queries


async def measure(delay: float, rounds: int, same_process: bool) -> None:
    zones = [zone for zone in LAB_ZONES + SENDER_LAB_ZONES if zone.zone_id in ZONE_IDS]
    timings = Timings()
    async with lab_dns(delay, same_process) as port:
        choice = parse_dns_server(f"127.0.0.1:{port}")
        for _ in range(rounds):
            await one_round(choice, zones, timings)
    show(delay, rounds, same_process, timings)


def show(delay: float, rounds: int, same_process: bool, timings: Timings) -> None:
    ms = 1000
    single, chain = statistics.median(timings.singles), statistics.median(timings.chains)
    spf, whole = statistics.median(timings.spf), statistics.median(timings.reports)
    where = "in this process" if same_process else "in a child process"
    print(f"answer delay: {delay * ms:.0f} ms, rounds: {rounds}, lab DNS server {where}")
    print(f"one query (median):                         {single * ms:7.1f} ms")
    print(
        f"deepest SPF include chain, 4 TXT in a row:  {chain * ms:7.1f} ms  "
        f"({chain / single:.2f} round trips)"
    )
    print(
        f"SPF check_host() for pass.sender.test:      {spf * ms:7.1f} ms  "
        f"({spf / single:.2f} round trips)"
    )
    print(
        f"whole sender report (median):               {whole * ms:7.1f} ms  "
        f"({whole / single:.2f} round trips; min {min(timings.reports) * ms:.1f}, "
        f"max {max(timings.reports) * ms:.1f})"
    )
    print(
        f"report minus the chain:                     {(whole - chain) / single:7.2f} "
        "round trips (goal: about 1)"
    )
    print(
        f"DNS-list queries alone per report: {timings.queries}; asked one at a time they "
        f"would take about {timings.queries * single * ms:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--delay", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--same-process", action="store_true", help="run the lab DNS here")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.delay))
        return
    asyncio.run(measure(args.delay, args.rounds, args.same_process))


if __name__ == "__main__":
    main()

"""Blacklist sweep: 40 zones x one address against a lab DNS server that delays every answer
by 100 ms. Prints the sweep's wall time, its ratio to a single query (goal: at most 1.5x),
and sequential loops for comparison. Loopback only.

Run:  python benchmarks/dnsbl_sweep.py [--zones 40] [--delay 0.1] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time

import dns.zone

from smtp_tui.core.dns import DnsError, make_resolver, parse_dns_server, query
from smtp_tui.core.dnsbl import DnsblChecker, parse_target
from smtp_tui.core.dnsbl_catalogue import Zone
from smtp_tui.lab.dns_server import LabDnsServer

TARGET = "192.0.2.55"


def bench_zone(count: int) -> dns.zone.Zone:
    lines = [
        "$ORIGIN bench.",
        "$TTL 60",
        "@ IN SOA ns.bench. host.bench. 1 3600 600 86400 60",
        "@ IN NS ns.bench.",
    ]
    for number in range(count):
        lines.append(f"2.0.0.127.z{number:02d} IN A 127.0.0.2")
    return dns.zone.from_text("\n".join(lines) + "\n", origin="bench.", relativize=False)


async def measure(zones: int, delay: float, rounds: int) -> None:
    server = LabDnsServer([bench_zone(zones)], delay=delay)
    await server.start()
    choice = parse_dns_server(f"127.0.0.1:{server.port}")
    catalogue = [
        Zone(f"z{number:02d}.bench", listed={"127.0.0.2": "listed"}) for number in range(zones)
    ]
    target = parse_target(TARGET)
    singles, sweeps, naive, careful = [], [], [], []
    try:
        for _ in range(rounds):
            resolver = make_resolver(choice, timeout=5.0)
            start = time.perf_counter()
            with contextlib.suppress(DnsError):  # NXDOMAIN: not listed, which is the point
                await query(resolver, f"{target.label}.z00.bench.", "A")
            singles.append(time.perf_counter() - start)

            checker = DnsblChecker(make_resolver(choice, timeout=5.0))
            start = time.perf_counter()
            results = [result async for result in checker.sweep(catalogue, target)]
            sweeps.append(time.perf_counter() - start)
            assert all(result.status.word == "not-listed" for result in results), results[:2]
        resolver = make_resolver(choice, timeout=5.0)
        start = time.perf_counter()
        for zone in catalogue:
            with contextlib.suppress(DnsError):
                await query(resolver, f"{target.label}.{zone.zone}.", "A")
        naive.append(time.perf_counter() - start)
        checker = DnsblChecker(make_resolver(choice, timeout=5.0))
        start = time.perf_counter()
        for zone in catalogue:
            await checker.check(zone, target)
        careful.append(time.perf_counter() - start)
    finally:
        await server.stop()
    single, sweep = statistics.median(singles), statistics.median(sweeps)
    print(f"zones: {zones}, answer delay: {delay * 1000:.0f} ms, rounds: {rounds}")
    print(f"single query (median):                 {single * 1000:7.1f} ms")
    print(
        f"sweep of {zones} zones with self-tests (median): {sweep * 1000:7.1f} ms  "
        f"(min {min(sweeps) * 1000:.1f}, max {max(sweeps) * 1000:.1f})"
    )
    print(f"ratio sweep / single query:            {sweep / single:7.2f}x  (goal <= 1.5x)")
    print(f"sequential loop, one query per zone:   {naive[0] * 1000:7.1f} ms")
    print(f"sequential loop, with self-tests:      {careful[0] * 1000:7.1f} ms")
    print(f"queries per sweep: {3 * zones} (positive and negative self-test + the address)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--zones", type=int, default=40)
    parser.add_argument("--delay", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(measure(args.zones, args.delay, args.rounds))


if __name__ == "__main__":
    main()

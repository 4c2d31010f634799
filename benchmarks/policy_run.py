"""Transport-policy run: the whole `smtp-tui policy` check against the practice lab, with every
DNS answer delayed. Prints the run's wall time against its longest chain of dependent
look-ups (MX -> host addresses and TLSA, in parallel -> STARTTLS; _mta-sts TXT and the policy
host's address, in parallel -> HTTPS), and against the sum of all its look-ups. Loopback only.

The chain is two answers deep (MX, then the host's A/AAAA and TLSA together). The run is timed
at two delays; the difference, divided by the difference of the delays, is how many answers
it waited for one after another (the local work cancels out): about 2, not the sum.

Run:  python benchmarks/policy_run.py [--delays 0.2 0.4] [--rounds 5] [--domain DOMAIN]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from smtp_tui.core.addresses import parse_domain
from smtp_tui.core.dns import make_resolver, parse_dns_server
from smtp_tui.core.policy import PolicySettings, check_policy
from smtp_tui.lab import Lab

CHAIN_DEPTH = 2  # MX -> (A, AAAA, TLSA); TXT and mta-sts A/AAAA are one answer deep


async def one_run(lab: Lab, domain: str) -> tuple[float, int]:
    info = lab.info
    assert info is not None
    settings = PolicySettings(
        port=info.smtp_port, https_port=info.https_port, cafile=str(info.ca_file), helo=info.helo
    )
    resolver = make_resolver(parse_dns_server(info.dns), timeout=10.0)
    before = lab.dns.queries
    start = time.perf_counter()
    report = await check_policy(parse_domain(domain), resolver, settings)
    elapsed = time.perf_counter() - start
    assert report.mx, "the lab domain has MX hosts"
    return elapsed, lab.dns.queries - before


async def timed_runs(delay: float, rounds: int, domain: str) -> tuple[float, int]:
    """Median wall time of ``rounds`` runs with every DNS answer delayed, and queries per run."""
    lab = Lab(dns_delay=delay)
    await lab.start()
    try:
        runs = [await one_run(lab, domain) for _ in range(rounds)]
    finally:
        await lab.stop()
    return statistics.median(elapsed for elapsed, _ in runs), runs[0][1]


async def measure(delays: tuple[float, float], rounds: int, domain: str) -> None:
    async with Lab():
        pass  # warm up imports and key generation outside the timings
    low, high = delays
    run_low, queries = await timed_runs(low, rounds, domain)
    run_high, _ = await timed_runs(high, rounds, domain)
    # The local work (SMTP, TLS, HTTPS, loading the trust store) is the same at both delays,
    # so the difference says how many answers the run waits for one after another.
    in_sequence = (run_high - run_low) / (high - low)
    print(f"domain: {domain}, rounds: {rounds}, DNS queries per run: {queries}")
    print(f"run with answers delayed {low * 1000:.0f} ms:   {run_low * 1000:7.1f} ms (median)")
    print(f"run with answers delayed {high * 1000:.0f} ms:   {run_high * 1000:7.1f} ms (median)")
    print(f"answers waited for in sequence: {in_sequence:5.2f}  (from the two runs' difference)")
    print(f"longest chain of dependent look-ups: {CHAIN_DEPTH}; sum of look-ups: {queries}")
    print(
        f"ratio in sequence / longest chain:  {in_sequence / CHAIN_DEPTH:5.2f}x  (goal: about 1x)"
    )
    print(f"ratio sum of look-ups / in sequence: {queries / in_sequence:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--delays",
        type=float,
        nargs=2,
        default=(0.2, 0.4),
        metavar=("LOW", "HIGH"),
        help="two answer delays in seconds (default 0.2 0.4)",
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--domain", default="wrongcert.policy.test")
    args = parser.parse_args()
    asyncio.run(measure(tuple(args.delays), args.rounds, args.domain))


if __name__ == "__main__":
    main()

"""Print start-up time of `smtp-tui check --help` and the wall time of a full plain-mode check.

Run:  python benchmarks/startup_and_check.py [--runs N]
Everything stays on loopback (the practice lab).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import subprocess
import sys
import time

from smtp_tui.core.options import build_options, with_lab
from smtp_tui.lab import Lab
from smtp_tui.plain.check import ExitCode, run_check


def time_command(args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


async def time_checks(runs: int) -> list[float]:
    times = []
    async with Lab() as lab:
        base = build_options(timeout=5.0)
        options = with_lab(base, lab)
        for _ in range(runs):
            start = time.perf_counter()
            code = await run_check(options, out=io.StringIO())
            times.append(time.perf_counter() - start)
            assert code == ExitCode.OK
    return times


def report(label: str, times: list[float]) -> None:
    print(
        f"{label:<52} median {statistics.median(times) * 1000:7.1f} ms   "
        f"min {min(times) * 1000:7.1f} ms   max {max(times) * 1000:7.1f} ms   (n={len(times)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    python = sys.executable
    report("python -c pass (interpreter floor)", time_command([python, "-c", "pass"], runs))
    report(
        "smtp-tui check --help (process start-up)",
        time_command([python, "-m", "smtp_tui", "check", "--help"], runs),
    )
    report("full check against the lab (in process, lab up)", asyncio.run(time_checks(runs)))
    report(
        "smtp-tui check --demo (process, lab start included)",
        time_command([python, "-m", "smtp_tui", "check", "--demo", "alice@example.test"], runs),
    )


if __name__ == "__main__":
    main()

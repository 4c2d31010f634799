"""Hostile big replies (issues 10 and 15): the screen and plain mode against the lab's
huge-reply server (mx.huge.test: EHLO answered with 1000 lines of 4 KiB, every byte escaped)
and its 100,000-line flood (mx.bigflood.test: a greeting that does end).

For the screen (headless, Textual's run_test at 80x24, the lab inside the app as --demo):
while the reply arrives, a key is posted every ``--probe-every`` seconds and the time until
the command line shows it is taken (the worst one is the longest freeze); then the time of
the whole step, the peak RSS of the process (the lab's servers run in it too), and whether
the journal holds every line (for the flood: all 100,000 lines and the final one). Plain
mode: the time of the whole `check` and its peak RSS. Each case runs in a process of its
own, so each peak is its own. Figures only, no goals asserted (issue 15's: a key within
100 ms, RSS under 150 MB, the journal complete).

Run:  python benchmarks/huge_reply.py [--probe-every 0.05] [--cases screen-huge,...]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = ("screen-huge", "screen-flood", "screen-noquit", "plain-huge", "plain-flood")
TARGETS = {
    "huge": "alice@huge.test",
    "flood": "alice@bigflood.test",
    "noquit": "alice@noquit.test",
}


def peak_rss_mb() -> float:
    """The process's peak resident set (VmHWM from /proc, else getrusage)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def journal_figures(state: Path, kind: str) -> dict[str, object]:
    """Is the journal complete? Every escaped line of the huge reply; the flood's cut note."""
    journals = sorted(state.glob("smtp-tui/transcripts/*.log"))
    if not journals:
        return {"journal": "missing"}
    text = journals[-1].read_text(encoding="utf-8", errors="replace")
    figures: dict[str, object] = {"journal_mb": round(len(text.encode()) / 1e6, 2)}
    if kind == "huge":
        from smtp_tui.lab.misbehaving import HugeReply

        kept = sum(1 for line in text.splitlines() if "250-\\x1b\\xff" in line)
        figures["journal_complete"] = kept == HugeReply.LINES - 1
        figures["journal_reply_lines"] = kept
    elif kind == "flood":
        from smtp_tui.lab.scenarios import BIG_FLOOD_LINES

        # Every line the server sent, the final one too (the screen keeps the first 1000).
        kept = text.count("<-  220-flood line ")
        figures["journal_complete"] = kept == BIG_FLOOD_LINES and "<-  220 end of a flood" in text
        figures["journal_flood_lines"] = kept
    figures["journal_closed"] = "Connection closed." in text or "Connection dropped." in text
    return figures


async def screen_case(kind: str, probe_every: float) -> dict[str, object]:
    from textual import events
    from textual.widgets import Input

    from smtp_tui.core.options import build_options
    from smtp_tui.core.steps import Step
    from smtp_tui.ui.app import make_app
    from smtp_tui.ui.screens.main import MainScreen

    options = build_options(target=TARGETS[kind], timeout=300.0, demo=True)
    app = make_app(options, lab_ports=(0, 0, 0, 0))
    latencies: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        command = screen.query_one("#command", Input)
        if kind == "noquit":
            return await quit_case(app, pilot)
        presses = 2 if kind == "huge" else 1  # the step before the big one: MX (and connect)
        for _ in range(presses):
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
        step = Step.EHLO if kind == "huge" else Step.CONNECT
        assert screen.shown_step is step, screen.shown_step
        started = time.perf_counter()
        # Posted, not pilot.press: that one waits until the app is idle, i.e. the whole step.
        app.post_message(events.Key("enter", "\r"))
        while screen._pending_since is None and not app.guided.book.status(step).done:
            await asyncio.sleep(0.001)
        while screen._pending_since is not None or not app.guided.book.status(step).done:
            before = command.value
            sent = time.perf_counter()
            app.post_message(events.Key("x", "x"))
            while command.value == before:
                await asyncio.sleep(0.001)
            latencies.append(time.perf_counter() - sent)
            command.value = before
            await asyncio.sleep(probe_every)
            if time.perf_counter() - started > 600:
                break
        took = time.perf_counter() - started
        await app.workers.wait_for_complete()
        await pilot.pause()
        after_sent = time.perf_counter()
        before = command.value
        app.post_message(events.Key("x", "x"))
        while command.value == before:
            await asyncio.sleep(0.001)
        after = time.perf_counter() - after_sent
        status = app.guided.book.status(step).word
        quit_started = time.perf_counter()
        await app.action_quit()  # Ctrl+Q: QUIT, the journal's last lines
        quit_took = time.perf_counter() - quit_started
    return {
        "step_s": round(took, 2),
        "step_status": status,
        "probes": len(latencies),
        "key_ms_median": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "key_ms_max": round(max(latencies) * 1000, 1) if latencies else None,
        "key_ms_after": round(after * 1000, 1),
        "quit_ms": round(quit_took * 1000, 1),
    }


async def quit_case(app: object, pilot: object) -> dict[str, object]:
    """The five steps against the server that ignores QUIT, then Ctrl+Q: how long it takes."""
    from smtp_tui.ui.app import SmtpTuiApp

    assert isinstance(app, SmtpTuiApp)
    for _ in range(5):
        await pilot.press("enter")  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]
    started = time.perf_counter()
    await app.action_quit()
    took = time.perf_counter() - started
    texts = [event.text for event in app.guided.transcript.events]
    return {
        "five_steps_done": app.guided.finished,
        "quit_ms": round(took * 1000, 1),
        "quit_answered": any(text.startswith("221") for text in texts),
    }


async def plain_case(kind: str) -> dict[str, object]:
    from smtp_tui.core.options import build_options, with_lab
    from smtp_tui.lab import Lab
    from smtp_tui.plain.check import run_check

    async with Lab() as lab:
        options = with_lab(build_options(target=TARGETS[kind], timeout=300.0), lab)
        out = io.StringIO()
        started = time.perf_counter()
        code = await run_check(options, out=out)
        took = time.perf_counter() - started
    return {"check_s": round(took, 2), "exit_code": code, "stdout_mb": len(out.getvalue()) / 1e6}


def one_case(case: str, probe_every: float) -> dict[str, object]:
    """Run one case in this process (a fresh one per case: its own peak RSS)."""
    front, kind = case.split("-")
    state = Path(tempfile.mkdtemp(prefix="smtp-tui-bench-"))
    os.environ["XDG_STATE_HOME"] = str(state)
    os.environ["XDG_CONFIG_HOME"] = str(state / "config")
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    if front == "screen":
        figures = asyncio.run(screen_case(kind, probe_every))
    else:
        figures = asyncio.run(plain_case(kind))
    figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
    figures.update(journal_figures(state, kind))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probe-every", type=float, default=0.05, help="seconds between keys")
    parser.add_argument("--cases", default=",".join(CASES), help=f"any of {', '.join(CASES)}")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one case, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_case(args.one, args.probe_every)))
        return
    print(f"python {sys.version.split()[0]}; probe every {args.probe_every} s")
    for case in args.cases.split(","):
        result = subprocess.run(
            [sys.executable, __file__, "--one", case, "--probe-every", str(args.probe_every)],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode != 0:
            print(f"{case:<13} failed: {result.stderr.strip().splitlines()[-1:]}")
            continue
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"{case:<13} " + "  ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()

"""Big transcripts (issue 15): the full screen while a server floods it with reply lines.
Key-press latency while the lines arrive, memory, and whether the journal is complete.

Two floods, each in tmux at 80x24 (the screen runs the MX step for alice@example.test
against a lab process, then step 2 is typed as HOST PORT):
- the lab's flood server (127.0.25.13, FloodProtocol): continuation lines without end, until
  the client hangs up; the lab has no parameter for a line count, so this one runs until
  the greeting timeout (--timeout);
- a finite flood from this folder (_lab_process.py flood --lines N, default 100,000): N
  continuation lines of a 220 greeting, then its final line; what the issue asks for.

The first marker is typed right after the Enter that connects (it waits for whatever the
screen does while the lines come in and the step changes); then, while the lines arrive,
the script types a short marker into the command line every
``--probe-every`` seconds and times how long until `tmux capture-pane` shows it (a probe
not seen within 5 s counts as 5 s). RSS is sampled from /proc the whole time. Afterwards
it reads the journal ($XDG_STATE_HOME/smtp-tui/transcripts/*.log). The peer for the
latency is the same probe on the same screen before the flood starts.
It first prints how long ReplyParser.feed alone takes for the same lines, in process.
Goals: a key answered within 100 ms, RSS under 150 MB, the journal complete. Needs tmux.

Run:  python benchmarks/flood_screen.py [--lines 100000] [--timeout 20] [--commit REV]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from _lab_process import (
    SCREEN_MARKER,
    LabProcess,
    ServerProcess,
    TmuxPane,
    add_tree_argument,
    chosen_tree,
    memory_mb,
    provenance,
    quit_pane,
    scratch_dirs,
    screen_command,
    tmux_missing,
    tree_env,
)

PROBE_TIMEOUT = 5.0
WAITING_MARKER = "Esc cancels"


def probe(pane: TmuxPane, number: int) -> float:
    """Type a marker into the focused command line; seconds until it is on the screen."""
    marker = f"k{number:03d}q"
    sent = time.perf_counter()
    pane.send(marker, literal=True)
    seen = pane.wait_for_since(marker, sent, timeout=PROBE_TIMEOUT)
    pane.send(*["BSpace"] * len(marker))
    time.sleep(0.2)  # as in clear_input: let the backspaces land before the next keys
    return PROBE_TIMEOUT if seen is None else seen


def clear_input(pane: TmuxPane) -> None:
    pane.send("End", *["BSpace"] * 60)
    # Keys sent in the same instant as the previous ones were sometimes lost: let them land.
    time.sleep(0.3)


def type_step_two(pane: TmuxPane, host: str, port: int) -> None:
    """Step 1 (MX) typed again (the probes replaced it) and sent, then step 2's HOST PORT."""
    clear_input(pane)
    pane.send("alice@example.test", literal=True)
    pane.wait_for_since("alice@example.test", time.perf_counter(), timeout=5.0)
    pane.send("Enter")
    if pane.wait_for_since("Step 2 of 5", time.perf_counter(), timeout=20.0) is None:
        raise RuntimeError(f"step 2 never came:\n{pane.capture()}")
    time.sleep(0.3)  # the panel is filled after the step title: let it settle
    clear_input(pane)
    pane.wait_for_since("Host and port", time.perf_counter(), timeout=5.0)
    pane.send(f"{host} {port}", literal=True)
    pane.wait_for_since(f"{host} {port}", time.perf_counter(), timeout=5.0)
    pane.send("Enter")
    # A host that is not one of the MX hosts is a warning: Enter again sends it as typed.
    if pane.wait_for_since("Enter again", time.perf_counter(), timeout=1.0) is not None:
        pane.send("Enter")


def check_step_two_sent(pane: TmuxPane) -> None:
    """The wait shows, or (a fast reader) the greeting is in and step 3 is shown."""
    deadline = time.perf_counter() + 5.0
    while not any(mark in pane.capture() for mark in ("Connecting", "Step 3 of 5")):
        if time.perf_counter() > deadline:
            raise RuntimeError(f"step 2 was not sent:\n{pane.capture()}")
        time.sleep(0.005)


def journal_summary(state: str, since: float) -> str:
    logs = [p for p in Path(state).rglob("*.log") if p.stat().st_mtime >= since]
    if not logs:
        return "no journal written"
    path = max(logs, key=lambda p: p.stat().st_mtime)
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    flood = sum("220-flood" in line for line in lines)
    final = [line for line in lines if "220 flood.bench done" in line or "221" in line]
    last = lines[-1][:110] if lines else ""
    return (
        f"journal {path.name}: {len(lines)} lines, {len(text) / 1e6:.1f} MB; "
        f"flood lines in it: {flood}; final greeting line present: {bool(final)}; "
        f"last line: {last!r}"
    )


def report_latency(label: str, values: list[float]) -> None:
    if not values:
        print(f"  key latency {label}: no probe")
        return
    late = sum(value > 0.1 for value in values)
    print(
        f"  key latency {label}: median {statistics.median(values) * 1000:7.1f} ms  "
        f"max {max(values) * 1000:7.1f} ms  (n={len(values)}, {late} over 100 ms)"
    )


def run_flood(
    name: str,
    command: list[str],
    env: dict[str, str],
    host: str,
    port: int,
    args: argparse.Namespace,
) -> None:
    started = time.time()
    pane = TmuxPane(command, env)
    try:
        if pane.wait_for(SCREEN_MARKER, timeout=30.0) is None:
            raise RuntimeError(f"no first frame:\n{pane.capture()}")
        time.sleep(2.0)  # start-up work (blacklist sweep against the lab) done
        before = [probe(pane, number) for number in range(5)]
        type_step_two(pane, host, port)
        flood_start = time.perf_counter()
        # The first key typed right after Enter: it waits for whatever the screen does when
        # the lines come in and the step changes (a 100,000-line flood ends within a second).
        first = probe(pane, 99)
        check_step_two_sent(pane)
        during: list[float] = []
        after: list[float] = []
        rss_samples: list[float] = []
        number = 100
        wait_ended: float | None = None
        while time.perf_counter() - flood_start < args.duration:
            # The step panel shows "... (Esc cancels)" while the greeting is awaited.
            waiting = WAITING_MARKER in pane.capture()
            if not waiting and wait_ended is None:
                wait_ended = time.perf_counter() - flood_start
            (during if waiting else after).append(probe(pane, number))
            number += 1
            rss_samples.append(memory_mb(pane.pid)[0])
            time.sleep(args.probe_every)
        rss, peak = memory_mb(pane.pid)
        screen = pane.capture()
    finally:
        quit_pane(pane, timeout=10.0)
    print(f"\n{name}")
    ended = f"after {wait_ended:.1f} s" if wait_ended is not None else "not within the probing"
    print(f"  the wait for the greeting ended {ended}")
    report_latency("before the flood", before)
    report_latency("first key right after Enter", [first])
    report_latency("while the greeting arrives", during)
    report_latency("after the greeting wait", after)
    if during:
        print(
            f"  ratio while arriving / before (medians): "
            f"{statistics.median(during) / statistics.median(before):.1f}x"
        )
    print(
        f"  RSS now {rss:.1f} MB, peak {peak:.1f} MB, sampled max {max(rss_samples):.1f} MB "
        f"(goal < 150 MB)"
    )
    print(f"  {journal_summary(env['XDG_STATE_HOME'], started)}")
    print("  the screen when probing ended:")
    for line in screen.splitlines():
        print(f"    {line}")


def parser_only(lines: int) -> None:
    """ReplyParser.feed alone, in this process: the same greeting in 64 KB chunks (the
    connection's READ_CHUNK) and in 4 KB chunks."""
    from smtp_tui.core.replies import ReplyParser

    data = b"220-flood " + b"x" * 100 + b"\r\n"
    data = data * lines + b"220 flood.bench done\r\n"
    for size in (65536, 4096):
        parser = ReplyParser()
        start = time.perf_counter()
        for offset in range(0, len(data), size):
            parser.feed(data[offset : offset + size])
        elapsed = time.perf_counter() - start
        print(
            f"ReplyParser.feed, {lines} lines in {size // 1024} KB chunks: {elapsed * 1000:7.1f} ms"
            f" ({elapsed / lines * 1e6:.1f} us a line)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000, help="lines of the finite flood")
    parser.add_argument("--timeout", type=float, default=20.0, help="smtp-tui --timeout")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of probing")
    parser.add_argument("--probe-every", type=float, default=0.25)
    parser.add_argument("--skip-lab-flood", action="store_true")
    add_tree_argument(parser)
    args = parser.parse_args()
    args.tree = chosen_tree(args)
    if tmux_missing():
        raise SystemExit("tmux not found: apt-get install -y tmux")
    print(provenance(args.tree))
    if args.tree:
        sys.path.insert(0, args.tree)  # the in-process figure imports the same tree
    parser_only(args.lines)
    print(
        f"--timeout {args.timeout:.0f} s, probing {args.duration:.0f} s every {args.probe_every} s"
    )
    with (
        scratch_dirs() as dirs,
        LabProcess(args.tree) as lab,
        ServerProcess(args.tree, "flood", "--lines", str(args.lines)) as flood,
    ):
        env = tree_env(args.tree, **dirs)
        command = [*screen_command(lab), "--timeout", str(args.timeout)]
        run_flood(
            f"finite flood: {args.lines} lines then the final 220 (127.0.0.1:{flood.port})",
            command,
            env,
            "127.0.0.1",
            flood.port,
            args,
        )
        if not args.skip_lab_flood:
            run_flood(
                "the lab's flood server (no end; 127.0.25.13)",
                command,
                env,
                "127.0.25.13",
                lab.smtp_port,
                args,
            )


if __name__ == "__main__":
    main()

"""Idle cost of the full screen (issue 15): CPU % of one core and memory while the screen
waits for a key, against a bare Textual app (Header, one Static, Footer) in the same tmux.

A second peer adds one focused Input (its cursor blinks every 0.5 s, as the step panel's
command line does), to tell the blink's cost from the rest. Each app is started in tmux at
80x24, left to settle (its start-up work, the blacklist sweep against the lab, done), then
utime+stime are read from /proc/PID/stat over the window.
Goal: below 0.5 % of a core. Needs tmux. Loopback only (the lab runs in its own process and
--ip is given, so no egress-IP discovery).

As in first_frame.py, the apps run an installed copy of the tree with bytecode
(``_lab_process.InstalledTree``); ``--editable`` runs the development venv's editable install.

Run:  python benchmarks/idle_cpu.py [--window 20] [--settle 5] [--commit REV] [--editable]
"""

from __future__ import annotations

import argparse
import contextlib
import time

from _lab_process import (
    BARE_MARKER,
    PYTHON,
    SCREEN_MARKER,
    InstalledTree,
    LabProcess,
    TmuxPane,
    add_tree_argument,
    bare_command,
    chosen_tree,
    cpu_seconds,
    memory_mb,
    provenance,
    quit_pane,
    scratch_dirs,
    screen_command,
    tmux_missing,
    tree_env,
    without_blink,
)


def idle(
    command: list[str], env: dict[str, str], marker: str, settle: float, window: float
) -> tuple[float, float, float]:
    """(CPU % of one core over the window, RSS MB, peak RSS MB)."""
    pane = TmuxPane(command, env)
    try:
        if pane.wait_for(marker, timeout=30.0) is None:
            raise RuntimeError(f"{marker!r} never appeared:\n{pane.capture()}")
        time.sleep(settle)
        start_cpu, start = cpu_seconds(pane.pid), time.perf_counter()
        time.sleep(window)
        used, elapsed = cpu_seconds(pane.pid) - start_cpu, time.perf_counter() - start
        rss, peak = memory_mb(pane.pid)
        return 100 * used / elapsed, rss, peak
    finally:
        quit_pane(pane)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--window", type=float, default=20.0, help="seconds measured")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds before measuring")
    parser.add_argument("--demo", action="store_true", help="also measure smtp-tui --demo")
    parser.add_argument(
        "--what-if-no-blink",
        action="store_true",
        help="also measure the screen with the command line's cursor blink patched off",
    )
    parser.add_argument(
        "--editable",
        action="store_true",
        help="run the development venv's editable install instead of an installed copy",
    )
    add_tree_argument(parser)
    args = parser.parse_args()
    args.tree = chosen_tree(args)
    if tmux_missing():
        raise SystemExit("tmux not found: apt-get install -y tmux")
    print(provenance(args.tree))
    with contextlib.ExitStack() as stack:
        dirs = stack.enter_context(scratch_dirs())
        lab = stack.enter_context(LabProcess(args.tree))
        if args.editable:
            python, env = PYTHON, tree_env(args.tree, **dirs)
        else:
            installed = stack.enter_context(InstalledTree(args.tree))
            python, env = installed.python, installed.env(**dirs)

        def run(command: list[str]) -> list[str]:
            return [python, *command[1:]]  # the same apps, run by the measured python

        variants = [
            ("bare Textual app (peer)", run(bare_command(dirs["XDG_CONFIG_HOME"])), BARE_MARKER),
            (
                "bare app + a focused Input",
                run(bare_command(dirs["XDG_CONFIG_HOME"], with_input=True)),
                BARE_MARKER,
            ),
            ("smtp-tui, waiting at step 1", run(screen_command(lab)), SCREEN_MARKER),
        ]
        if args.what_if_no_blink:
            variants.append(
                (
                    "smtp-tui, blink off (what-if)",
                    run(without_blink(screen_command(lab))),
                    SCREEN_MARKER,
                )
            )
        if args.demo:
            variants.append(("smtp-tui --demo, step 1", run(screen_command(None)), SCREEN_MARKER))
        print(f"tmux 80x24, settle {args.settle:.0f} s, window {args.window:.0f} s")
        results = {}
        for name, command, marker in variants:
            cpu, rss, peak = idle(command, env, marker, args.settle, args.window)
            results[name] = cpu
            print(f"{name:<30} CPU {cpu:5.2f} % of a core   RSS {rss:6.1f} MB  peak {peak:6.1f} MB")
        peer = results["bare Textual app (peer)"]
        for name, cpu in results.items():
            if name.startswith("smtp-tui"):
                ratio = f"{cpu / peer:.2f}x the bare app" if peer else "bare app used no CPU"
                print(f"{name}: {ratio}  (goal: below 0.5 % of a core)")


if __name__ == "__main__":
    main()

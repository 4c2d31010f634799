"""Full screen vs a bare Textual app (issue 15): time from process start to the first frame
that shows the steps, in tmux at 80x24, interleaved, median of N.

- smtp-tui: `smtp-tui alice@example.test --dns LAB --port P --ip 192.0.2.55 --helo ...
  --from ...` against a lab in its own process (`smtp-tui lab`); marker "Look up MX".
- smtp-tui --demo: the lab (DNS, SMTP listeners, a fresh CA) starts in the measured process.
- peer: a bare Textual app (Header, one Static, Footer), same Python, same tmux.

The clock starts before `tmux new-session` and stops when `tmux capture-pane -p` shows the
marker (polled every 5 ms): the tmux overhead is the same for both. Goal: ratio <= 1.2.
Needs tmux (`apt-get install -y tmux`). Loopback only.

Run:  python benchmarks/first_frame.py [--runs 10] [--commit REV]
"""

from __future__ import annotations

import argparse
import statistics

from _lab_process import (
    BARE_MARKER,
    SCREEN_MARKER,
    LabProcess,
    TmuxPane,
    add_tree_argument,
    bare_command,
    chosen_tree,
    describe,
    provenance,
    quit_pane,
    scratch_dirs,
    screen_command,
    tmux_missing,
    tree_env,
)
from vs_swaks import importtime_report


def first_frame(command: list[str], env: dict[str, str], marker: str) -> float:
    pane = TmuxPane(command, env)
    try:
        seen = pane.wait_for(marker, timeout=30.0)
        if seen is None:
            raise RuntimeError(f"{marker!r} never appeared:\n{pane.capture()}")
        return seen
    finally:
        quit_pane(pane)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-demo", action="store_true", help="skip the --demo variant")
    parser.add_argument("--importtime-rounds", type=int, default=3)
    add_tree_argument(parser)
    args = parser.parse_args()
    args.tree = chosen_tree(args)
    if tmux_missing():
        raise SystemExit("tmux not found: apt-get install -y tmux")
    print(provenance(args.tree))
    with scratch_dirs() as dirs, LabProcess(args.tree) as lab:
        env = tree_env(args.tree, **dirs)
        bare = bare_command(dirs["XDG_CONFIG_HOME"])
        variants = {
            "bare Textual app (peer)": (bare, BARE_MARKER),
            "smtp-tui, lab in another process": (screen_command(lab), SCREEN_MARKER),
        }
        if not args.no_demo:
            variants["smtp-tui --demo (lab in process)"] = (screen_command(None), SCREEN_MARKER)
        times: dict[str, list[float]] = {name: [] for name in variants}
        first_frame(bare, env, BARE_MARKER)  # warm caches (.pyc, page cache) once
        first_frame(screen_command(lab), env, SCREEN_MARKER)
        for _ in range(args.runs):
            for name, (command, marker) in variants.items():
                times[name].append(first_frame(command, env, marker))
        print(f"tmux 80x24, marker polled every 5 ms, runs: {args.runs} (interleaved)")
        for name, values in times.items():
            print(f"{name:<36} {describe(values)}")
        peer = statistics.median(times["bare Textual app (peer)"])
        for name, values in times.items():
            if name.startswith("smtp-tui"):
                ratio = statistics.median(values) / peer
                print(f"ratio {name} / bare: {ratio:.2f}x  (goal <= 1.2x)")
        if args.importtime_rounds:
            screen = "import smtp_tui.cli, smtp_tui.ui.app"
            importtime_report(["-c", screen], env, args.importtime_rounds, f"`{screen}`")
            bare_imports = "import textual.app, textual.widgets"
            importtime_report(["-c", bare_imports], env, args.importtime_rounds, "the bare app")


if __name__ == "__main__":
    main()

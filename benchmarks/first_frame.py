"""Full screen vs a bare Textual app (issue 15): time from process start to the first frame
that shows the steps, in tmux at 80x24, interleaved, median of N.

- smtp-tui: `smtp-tui alice@example.test --dns LAB --port P --ip 192.0.2.55 --helo ...
  --from ...` against a lab in its own process (`smtp-tui lab`); marker "Look up MX".
- smtp-tui --demo: the lab (DNS, SMTP listeners, a fresh CA) starts in the measured process.
- peer: a bare Textual app (Header, one Static, Footer), same Python, same tmux.

The clock starts before `tmux new-session` and stops when `tmux capture-pane -p` shows the
marker (polled every 5 ms): the tmux overhead is the same for both. Goal: ratio <= 1.2.
From the command line the steps are drawn by a stand-in screen before the guided screen loads
(smtp_tui/ui/screens/first_frame.py): the time until the guided screen itself is up (its
marker "Step 1 of 5") is printed too, as "ready".
Needs tmux (`apt-get install -y tmux`). Loopback only.

What is measured is what an installed user runs: the tree's ``smtp_tui`` package is copied
into a temporary venv and compiled to bytecode, as `pip install .` does
(``_lab_process.InstalledTree``), and both the screen and the bare app run that venv's python
with the same environment (the bare app's Textual is read from bytecode either way). The
development venv's editable install would instead compile every smtp_tui module from source on
every run (this environment sets PYTHONDONTWRITEBYTECODE=1) and run the editable finder in
``site``: ``--editable`` measures that, as the figures before this change were taken.

``--baseline-commit REV`` (or ``--baseline-tree DIR``) measures a second tree in the same run,
interleaved with the first and the bare app, so a before/after pair shares the machine's load.

Run:  python benchmarks/first_frame.py [--runs 10] [--commit REV | --tree DIR] [--editable]
          [--baseline-commit REV | --baseline-tree DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics

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
    describe,
    provenance,
    quit_pane,
    scratch_dirs,
    screen_command,
    tmux_missing,
    tree_env,
)
from vs_swaks import importtime_report

READY_MARKER = "Step 1 of 5"  # the guided screen's step panel: not on the stand-in


def first_frame(command: list[str], env: dict[str, str], marker: str) -> tuple[float, float]:
    """Seconds to the first frame (``marker``) and to the guided screen (the same for the
    bare app, which has no other screen)."""
    pane = TmuxPane(command, env)
    try:
        seen = pane.wait_for(marker, timeout=30.0)
        if seen is None:
            raise RuntimeError(f"{marker!r} never appeared:\n{pane.capture()}")
        if marker != SCREEN_MARKER:
            return seen, seen
        ready = pane.wait_for(READY_MARKER, timeout=30.0)
        if ready is None:
            raise RuntimeError(f"{READY_MARKER!r} never appeared:\n{pane.capture()}")
        return seen, ready
    finally:
        quit_pane(pane)


def with_python(command: list[str], python: str) -> list[str]:
    """``command`` run by ``python`` (the installed copy's) instead of this one."""
    assert command[0] == PYTHON, command
    return [python, *command[1:]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-demo", action="store_true", help="skip the --demo variant")
    parser.add_argument("--importtime-rounds", type=int, default=3)
    parser.add_argument(
        "--editable",
        action="store_true",
        help="measure the development venv's editable install (compiled from source on every "
        "run here) instead of an installed copy with bytecode",
    )
    parser.add_argument(
        "--baseline-commit", metavar="REV", help="also measure this commit, interleaved"
    )
    parser.add_argument("--baseline-tree", metavar="DIR", help="also measure the tree in DIR")
    add_tree_argument(parser)
    args = parser.parse_args()
    args.tree = chosen_tree(args)
    baseline = None
    if args.baseline_commit or args.baseline_tree:
        given = argparse.Namespace(commit=args.baseline_commit, tree=args.baseline_tree)
        baseline = chosen_tree(given)
    if tmux_missing():
        raise SystemExit("tmux not found: apt-get install -y tmux")
    print(provenance(args.tree))
    with contextlib.ExitStack() as stack:
        dirs = stack.enter_context(scratch_dirs())
        lab = stack.enter_context(LabProcess(args.tree))

        def measured(tree: str | None) -> tuple[str, dict[str, str]]:
            """The python and environment that run ``tree`` (installed, or editable)."""
            if args.editable:
                return PYTHON, tree_env(tree, **dirs)
            installed = stack.enter_context(InstalledTree(tree))
            return installed.python, installed.env(**dirs)

        python, env = measured(args.tree)
        how = "the editable install (compiled from source on every run)"
        print(f"measured: {how if args.editable else 'an installed copy with bytecode'}")
        bare = with_python(bare_command(dirs["XDG_CONFIG_HOME"]), python)
        variants = {"bare Textual app (peer)": (bare, BARE_MARKER, env)}
        trees = [("", python, env)]
        if baseline:
            print(f"baseline (interleaved): {baseline}")
            trees.append((" (baseline)", *measured(baseline)))
        for suffix, tree_python, tree_run_env in trees:
            screen = with_python(screen_command(lab), tree_python)
            variants[f"smtp-tui{suffix}, lab in another process"] = (
                screen,
                SCREEN_MARKER,
                tree_run_env,
            )
            if not args.no_demo:
                demo = with_python(screen_command(None), tree_python)
                variants[f"smtp-tui{suffix} --demo"] = (demo, SCREEN_MARKER, tree_run_env)
        times: dict[str, list[float]] = {name: [] for name in variants}
        ready: dict[str, list[float]] = {name: [] for name in variants}
        for command, marker, run_env in variants.values():  # warm the page cache once
            first_frame(command, run_env, marker)
        for _ in range(args.runs):
            for name, (command, marker, run_env) in variants.items():
                frame, up = first_frame(command, run_env, marker)
                times[name].append(frame)
                ready[name].append(up)
        print(f"tmux 80x24, marker polled every 5 ms, runs: {args.runs} (interleaved)")
        for name, values in times.items():
            print(f"{name:<47} {describe(values)}")
        for name, values in ready.items():
            if name.startswith("smtp-tui"):
                print(f"{name + ', ready':<47} {describe(values)}")
        peer = statistics.median(times["bare Textual app (peer)"])
        fastest_peer = min(times["bare Textual app (peer)"])
        for name, values in times.items():
            if name.startswith("smtp-tui"):
                ratio = statistics.median(values) / peer
                # The fastest runs are the ones the rest of the machine disturbed least: on a
                # busy machine their ratio is the steadier figure.
                fastest = min(values) / fastest_peer
                print(
                    f"ratio {name} / bare: {ratio:.2f}x  (goal <= 1.2x); "
                    f"fastest run / fastest run: {fastest:.2f}x"
                )
                up = statistics.median(ready[name]) / peer
                print(f"  the guided screen ready / bare app's first frame: {up:.2f}x")
        if args.importtime_rounds:
            imports = "import smtp_tui.cli, smtp_tui.ui.app"
            importtime_report(
                ["-c", imports], env, args.importtime_rounds, f"`{imports}`", python=python
            )
            bare_imports = "import textual.app, textual.widgets"
            importtime_report(
                ["-c", bare_imports], env, args.importtime_rounds, "the bare app", python=python
            )


if __name__ == "__main__":
    main()

"""Plain check vs swaks (issue 15): the same RCPT dialogue with the same lab server, as
processes, interleaved; then `python -X importtime` of the check, heaviest imports first.

    smtp-tui check alice@example.test --server 127.0.25.1:PORT --helo client.lab.test \\
        --from tester@lab.test --quit-after rcpt          (journal written: XDG_STATE_HOME)
    swaks --server 127.0.25.1:PORT --quit-after RCPT --to alice@example.test \\
        --from tester@lab.test --helo client.lab.test

A minimal asyncio client (the same dialogue and a journal file, nothing else imported) is
timed too: the floor for a Python client.

What is measured is what an installed user runs: the tree's ``smtp_tui`` package is copied
into a temporary venv and compiled to bytecode, as `pip install .` does, with the console
script pip writes for `smtp-tui` (see ``_lab_process.InstalledTree``; before round 4 the
check ran as `python -m smtp_tui`, which adds runpy), and every Python process of the
figures (the floor, the imports, the minimal client, the check) runs that venv's python.
The development venv's editable install would instead compile every module from source on
every run (this environment sets PYTHONDONTWRITEBYTECODE=1) and run the editable finder in
``site``:
``--editable`` measures that instead, for comparison. swaks is measured in the same run,
interleaved with the check.
swaks comes from Debian's package: `apt-get install -y swaks`; without it that pair is skipped.
The lab runs in its own process (`smtp-tui lab`), on loopback. Goal: ratio <= 1.0.

Run:  python benchmarks/vs_swaks.py [--runs 15] [--commit REV | --tree DIR] [--editable]
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from _lab_process import (
    NEUTRAL_CWD,
    PYTHON,
    InstalledTree,
    LabProcess,
    add_tree_argument,
    chosen_tree,
    describe,
    provenance,
    scratch_dirs,
    timed_run,
    tree_env,
)

WATCHED = (
    "textual",
    "rich",
    "cryptography",
    "dns",
    "importlib.metadata",
    "asyncio",
    "ssl",
    "email",
    "tomllib",
    "json",
    "idna",
    "pyperclip",
    "ctypes",
    # Conveniences a `--server IP` check once loaded for nothing (issue 15, round 3):
    "typing",
    "pathlib",
    "urllib",
    "ipaddress",
    "shutil",
    "encodings.idna",
    "smtp_tui.core.dns",
    # Round 4: values are records (smtp_tui.core.record), not dataclasses, which bring
    # inspect (and ast, dis, tokenize) and compile six methods per class.
    "dataclasses",
    "inspect",
)

# What the check imports: the CLI and plain mode at start, the loopless connection and the
# closing lines during the run (absent from older trees, which import them elsewhere).
CHECK_IMPORTS = """\
import smtp_tui.cli, smtp_tui.plain.check
try:
    import smtp_tui.core.blocking_connection, smtp_tui.core.run_output
except ImportError:
    pass
"""

# How much of those imports is making the value classes: each class's processing by
# smtp_tui.core.record (dataclasses in trees before round 4, which compile their methods from
# source), timed in the process, and the import of the module that makes them.
VALUE_CLASS_SHARE = """\
import time
start = time.perf_counter()
import argparse  # first, as the CLI: re, enum and functools are not the value classes' to pay
before = time.perf_counter()
try:
    import smtp_tui.core.record as maker
    hook = "_make_record"
except ImportError:
    import dataclasses as maker
    hook = "_process_class"
imported = time.perf_counter()
spent, count, process = 0.0, 0, getattr(maker, hook)
def timed(*args, **kwargs):
    global spent, count
    began = time.perf_counter()
    try:
        return process(*args, **kwargs)
    finally:
        spent += time.perf_counter() - began
        count += 1
setattr(maker, hook, timed)
exec(CHECK_IMPORTS)
done = time.perf_counter()
print(count, spent, imported - before, done - start, maker.__name__)
"""


def check_command(port: int, launcher: list[str]) -> list[str]:
    """``launcher``: the installed console script, or ``python -m smtp_tui`` (editable)."""
    return [
        *launcher, "check", "alice@example.test",
        "--server", f"127.0.25.1:{port}", "--helo", "client.lab.test",
        "--from", "tester@lab.test", "--quit-after", "rcpt",
    ]  # fmt: skip


def swaks_command(port: int) -> list[str]:
    return [
        "swaks", "--server", f"127.0.25.1:{port}", "--quit-after", "RCPT",
        "--to", "alice@example.test", "--from", "tester@lab.test", "--helo", "client.lab.test",
    ]  # fmt: skip


# The floor for any Python client: the same dialogue with asyncio streams and a journal file
# written line by line, nothing else imported. What smtp-tui could get down to at best.
MINIMAL_CLIENT = """\
import asyncio, os, sys
async def main(host, port, journal):
    reader, writer = await asyncio.open_connection(host, port)
    with open(journal, "a", encoding="utf-8") as log:
        async def reply():
            while True:
                line = await reader.readline()
                log.write("<- " + line.decode("ascii", "replace"))
                log.flush()
                if line[3:4] != b"-":
                    return line
        await reply()
        for command in ("EHLO client.lab.test", "MAIL FROM:<tester@lab.test>",
                        "RCPT TO:<alice@example.test>", "QUIT"):
            writer.write(command.encode() + b"\\r\\n")
            log.write(" -> " + command + "\\n")
            await reply()
    writer.close()
host, port = sys.argv[1].rsplit(":", 1)
asyncio.run(main(host, int(port), os.path.join(sys.argv[2], "minimal.log")))
"""


def minimal_command(port: int, folder: str, python: str = PYTHON) -> list[str]:
    return [python, "-c", MINIMAL_CLIENT, f"127.0.25.1:{port}", folder]


def parse_importtime(stderr: str) -> list[tuple[str, int, int, int]]:
    """(module, self us, cumulative us, depth) for every line of -X importtime."""
    rows = []
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            rows.append((match[4], int(match[1]), int(match[2]), len(match[3]) // 2))
    return rows


def importers(rows: list[tuple[str, int, int, int]]) -> dict[str, str]:
    """Who first imported each module: -X importtime prints children before their parent,
    so a module's importer is the next line one level shallower."""
    found: dict[str, str] = {}
    for index, (module, _own, _cumulative, depth) in enumerate(rows):
        for parent, _o, _c, parent_depth in rows[index + 1 :]:
            if parent_depth < depth:
                found[module] = parent
                break
    return found


def importtime_report(
    arguments: list[str],
    env: dict[str, str],
    rounds: int,
    title: str = "the check",
    python: str = PYTHON,
) -> None:
    """``python -X importtime ARGUMENTS``, medians over ``rounds``: each package's own time
    (all its modules), each of our modules' own and cumulative time, and which module pulled
    each watched package in."""
    package_own: dict[str, list[int]] = {}
    module_own: dict[str, list[int]] = {}
    module_cumulative: dict[str, list[int]] = {}
    pulled_by: dict[str, str] = {}
    for _ in range(rounds):
        done = subprocess.run(
            [python, "-X", "importtime", *arguments],
            env=env,
            cwd=NEUTRAL_CWD,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        rows = parse_importtime(done.stderr)
        parents = importers(rows)
        totals: dict[str, int] = {}
        for module, own, cumulative, _depth in rows:
            module_own.setdefault(module, []).append(own)
            module_cumulative.setdefault(module, []).append(cumulative)
            inside = (w for w in WATCHED if module == w or module.startswith(w + "."))
            for name in {module.split(".")[0], *inside}:
                totals[name] = totals.get(name, 0) + own
            for name in WATCHED:
                if (module == name or module.startswith(name + ".")) and name not in pulled_by:
                    chain, step = [module], module
                    while step in parents and not step.startswith("smtp_tui"):
                        step = parents[step]
                        chain.append(step)
                    pulled_by[name] = " <- ".join(chain[-3:])
        for name, total in totals.items():
            package_own.setdefault(name, []).append(total)

    def ms(values: list[int]) -> float:
        return statistics.median(values) / 1000

    print(f"\n-X importtime of {title} (median of {rounds}; importtime itself adds overhead)")
    print("watched packages: own time of all their modules (ms), and who imported them first")
    for name in WATCHED:
        if name in package_own:
            print(f"  {name:<20} {ms(package_own[name]):7.1f}   via {pulled_by.get(name, '?')}")
        else:
            print(f"  {name:<20}  absent")
    print("top-level packages by own import time (ms, all their modules):")
    tops = {n: v for n, v in package_own.items() if n not in WATCHED or "." not in n}
    for name, values in sorted(tops.items(), key=lambda item: -ms(item[1]))[:15]:
        print(f"  {name:<34} {ms(values):7.1f}")
    print("smtp_tui modules by own time (ms; data loaded or compiled at import shows here):")
    ours = [m for m in module_own if m.startswith("smtp_tui")]
    for module in sorted(ours, key=lambda m: -ms(module_own[m]))[:15]:
        print(
            f"  {module:<34} own {ms(module_own[module]):6.1f}"
            f"   cumulative {ms(module_cumulative[module]):6.1f}"
        )


def value_class_report(python: str, env: dict[str, str], runs: int) -> None:
    """The share of making value classes in the check's imports, in-process (median)."""
    rows = []
    for _ in range(runs):
        done = subprocess.run(
            [python, "-c", VALUE_CLASS_SHARE.replace("exec(CHECK_IMPORTS)", CHECK_IMPORTS)],
            env=env,
            cwd=NEUTRAL_CWD,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        count, spent, imported, total, maker = done.stdout.split()
        rows.append((int(count), float(spent), float(imported), float(total)))
    count = rows[0][0]
    spent, imported, total = (statistics.median(row[i] for row in rows) for i in (1, 2, 3))
    print(
        f"of the check's imports ({total * 1000:.1f} ms in-process, median of {runs}): "
        f"{count} value classes made by {maker} in {spent * 1000:.1f} ms, "
        f"`import {maker}` {imported * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--importtime-rounds", type=int, default=5)
    parser.add_argument(
        "--editable",
        action="store_true",
        help="measure the development venv's editable install (compiled from source on every "
        "run here) instead of an installed copy",
    )
    add_tree_argument(parser)
    args = parser.parse_args()
    args.tree = chosen_tree(args)
    print(provenance(args.tree))
    with contextlib.ExitStack() as stack:
        dirs = stack.enter_context(scratch_dirs())
        lab = stack.enter_context(LabProcess(args.tree))
        if args.editable:
            python, env = PYTHON, tree_env(args.tree, **dirs)
            launcher = [python, "-m", "smtp_tui"]
            print("measured: the editable install (modules compiled from source on every run)")
        else:
            installed = stack.enter_context(InstalledTree(args.tree))
            python, env = installed.python, installed.env(**dirs)
            launcher = [installed.script]
            print(
                f"measured: an installed copy with bytecode, {installed.root},"
                " run by its console script"
            )
        measure(args, python, launcher, env, dirs, lab)
    sys.stdout.flush()


def measure(
    args: argparse.Namespace,
    python: str,
    launcher: list[str],
    env: dict[str, str],
    dirs: dict[str, str],
    lab: LabProcess,
) -> None:
    port = lab.smtp_port
    print(f"lab: smtp-tui lab (DNS {lab.dns}, SMTP port {port}), runs: {args.runs}")
    have_swaks = shutil.which("swaks") is not None
    if not have_swaks:
        print("swaks not found: install it with `apt-get install -y swaks`; pair skipped")
    timed_run(check_command(port, launcher), env)  # once: warms the OS file cache
    floor = [timed_run([python, "-c", "pass"], env)[0] for _ in range(args.runs)]
    imports_only = [python, "-c", CHECK_IMPORTS]
    imports = [timed_run(imports_only, env)[0] for _ in range(args.runs)]
    asyncio_only = [timed_run([python, "-c", "import asyncio"], env)[0] for _ in range(args.runs)]
    minimal = [
        timed_run(minimal_command(port, dirs["XDG_STATE_HOME"], python), env)[0]
        for _ in range(args.runs)
    ]
    ours, theirs = [], []
    for _ in range(args.runs):  # interleaved, so drift hits both alike
        elapsed, code = timed_run(check_command(port, launcher), env)
        assert code == 0, f"smtp-tui check exited {code}"
        ours.append(elapsed)
        if have_swaks:
            elapsed, code = timed_run(swaks_command(port), env)
            assert code == 0, f"swaks exited {code}"
            theirs.append(elapsed)
    journals = list(Path(dirs["XDG_STATE_HOME"], "smtp-tui").rglob("*.log"))
    print(f"python -c pass (floor)         {describe(floor)}")
    print(f"imports of the check path only {describe(imports)}")
    print(f"python -c 'import asyncio'     {describe(asyncio_only)}")
    print(f"minimal asyncio client (floor) {describe(minimal)}")
    print(f"smtp-tui check (journal on)    {describe(ours)}")
    if theirs:
        print(f"swaks --quit-after RCPT        {describe(theirs)}")
        ratio = statistics.median(ours) / statistics.median(theirs)
        print(f"ratio smtp-tui / swaks (median): {ratio:.2f}x  (goal <= 1.0x)")
        floor_ratio = statistics.median(minimal) / statistics.median(theirs)
        print(f"ratio minimal asyncio client / swaks: {floor_ratio:.2f}x (the floor in Python)")
    print(f"journals written: {len(journals)} (one per check run)")
    value_class_report(python, env, args.runs)
    # The console script is a file python runs: `python -X importtime SCRIPT ARGS`.
    command = check_command(port, launcher)
    arguments = command[1:] if command[0] == python else command
    importtime_report(arguments, env, args.importtime_rounds, python=python)


if __name__ == "__main__":
    main()

"""Shared pieces of the issue-15 benchmarks: the lab and test servers in their own processes,
a private tmux server, /proc readings, and the tree being measured.

Every server binds loopback only. Every wait is bounded; every process started here is
stopped by the object that started it.

Run as a script it is a server process for the other benchmarks:

    python benchmarks/_lab_process.py dns --delay 0.2 --zones 40   # prints "PORT n"
    python benchmarks/_lab_process.py flood --lines 100000         # prints "PORT n"

Both stop when their stdin closes (or after --lifetime seconds). The DNS server answers a
line "log" on stdin with one JSON line: every query since the last "log" (arrival time in
ms after the first, name, type), so a benchmark can see in how many waves a command asked.

Tree: a benchmark measures the ``smtp_tui`` it imports. ``--commit REV`` unpacks
``git archive REV`` into a temporary folder and puts it first on PYTHONPATH for every
process (``--tree DIR`` does the same with a folder you made), so a figure can be taken at
one commit while the working tree changes under it.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# Measured processes run from here, not from the repository: `python -m` puts the current
# directory first on sys.path, which would shadow --tree with the working tree.
NEUTRAL_CWD = tempfile.gettempdir()


# --- which code, which commit -------------------------------------------------------------


def tree_env(tree: str | None, **extra: str) -> dict[str, str]:
    """The environment for a measured process: the tree first on PYTHONPATH, fresh XDG dirs
    (no user config, a private journal folder) unless given in ``extra``."""
    env = dict(os.environ)
    if tree:
        env["PYTHONPATH"] = str(Path(tree).resolve())
    env.update(extra)
    return env


def provenance(tree: str | None) -> str:
    """HEAD, how many paths differ from it, and which tree is measured."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return done.stdout

    head = git("rev-parse", "HEAD").strip()
    dirty = len(git("status", "--short").splitlines())
    where = f"working tree {REPO}"
    if tree:
        marker = Path(tree, ".commit")
        made = f"git archive of {marker.read_text().strip()}" if marker.exists() else "a copy"
        where = f"{tree} ({made})"
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"HEAD {head}, git status --short: {dirty} lines; measured: {where}\n"
        f"load average {load} on {os.cpu_count()} CPUs (other work on the machine skews "
        "absolute times; the ratios are measured side by side)"
    )


def add_tree_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--commit",
        metavar="REV",
        help="measure this commit: `git archive REV` unpacked into a temporary folder "
        "(read-only for the repository), whatever the working tree holds",
    )
    parser.add_argument(
        "--tree",
        metavar="DIR",
        help="measure the smtp_tui in DIR instead of the installed one",
    )


def chosen_tree(args: argparse.Namespace) -> str | None:
    """--tree as given, or --commit unpacked (removed when the benchmark exits)."""
    if not args.commit:
        return args.tree
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{args.commit}^{{commit}}"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    folder = tempfile.mkdtemp(prefix=f"smtp-tui-{commit[:8]}-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    archive = subprocess.run(["git", "archive", commit], cwd=REPO, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
    Path(folder, ".commit").write_text(commit + "\n")
    return folder


# --- what an installed user runs ------------------------------------------------------------


# The console script pip writes for the entry point (pip 26's template, as in the dev venv).
CONSOLE_SCRIPT = """#!{python}
import sys
from smtp_tui.cli import main
if __name__ == '__main__':
    sys.argv[0] = sys.argv[0].removesuffix('.exe')
    sys.exit(main())
"""


class InstalledTree:
    """The tree as `pip install` leaves it, in a temporary venv: the ``smtp_tui`` package
    copied into the venv's site-packages and compiled to bytecode there, as a wheel install
    does. Measured processes run this venv's python, so they read bytecode (the project's
    editable install, with PYTHONDONTWRITEBYTECODE=1 in this environment, compiles every
    module from source on every run) and skip the editable finder that the development venv
    runs in ``site`` at every start. The dependencies (dnspython, ...) come from the
    development venv through a path line in a ``.pth`` file; ``.pth`` files of that folder
    (the editable finder) are not run. (`pip install --target` would need `wheel` here.)"""

    def __init__(self, tree: str | None) -> None:
        import compileall
        import sysconfig
        import venv

        self.root = Path(tempfile.mkdtemp(prefix="smtp-tui-installed-"))
        try:
            venv.EnvBuilder(with_pip=False, symlinks=True).create(self.root)
            version = f"python{sys.version_info.major}.{sys.version_info.minor}"
            site = self.root / "lib" / version / "site-packages"
            source = Path(tree).resolve() if tree else REPO
            shutil.copytree(
                source / "smtp_tui",
                site / "smtp_tui",
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
            # compileall writes .pyc whatever PYTHONDONTWRITEBYTECODE says, as pip does.
            if not compileall.compile_dir(site / "smtp_tui", quiet=1, workers=1):
                raise RuntimeError("the copied tree does not compile (a file mid-edit?)")
            dependencies = sysconfig.get_paths()["purelib"]
            (site / "smtp-tui-dependencies.pth").write_text(dependencies + "\n")
        except BaseException:
            self.close()  # the `with` never started: nobody else would remove it
            raise
        self.python = str(self.root / "bin" / "python")
        self.script = str(self.root / "bin" / "smtp-tui")
        # The command a user runs: the console script pip writes for the entry point.
        Path(self.script).write_text(CONSOLE_SCRIPT.format(python=self.python))
        Path(self.script).chmod(0o755)

    def env(self, **extra: str) -> dict[str, str]:
        """A measured process's environment: no PYTHONPATH (the venv's own copy is used)."""
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        env.update(extra)
        return env

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> InstalledTree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- figures ------------------------------------------------------------------------------


def describe(times: list[float]) -> str:
    return (
        f"median {statistics.median(times) * 1000:8.1f} ms  min {min(times) * 1000:8.1f}  "
        f"max {max(times) * 1000:8.1f}  (n={len(times)})"
    )


def timed_run(args: list[str], env: dict[str, str], timeout: float = 60.0) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(
        args, env=env, cwd=NEUTRAL_CWD, capture_output=True, timeout=timeout, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
    return elapsed, done.returncode


# --- the lab, as `smtp-tui lab` runs it ----------------------------------------------------


class LabProcess:
    """``smtp-tui lab`` in its own process; ``dns`` and ``smtp_port`` parsed from its banner."""

    def __init__(self, tree: str | None, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "smtp_tui", "lab", "--dns-port", "0", "--smtp-port", "0"],
            env=env or tree_env(tree),
            cwd=NEUTRAL_CWD,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        banner = self.process.stdout.readline()  # the lab prints its banner when it listens
        match = re.search(r"DNS on ([\d.]+):(\d+) .*SMTP on port (\d+)", banner)
        if not match:
            self.stop()
            raise RuntimeError(f"the lab did not start: {banner!r}")
        self.dns = f"{match[1]}:{match[2]}"
        self.smtp_port = int(match[3])

    def stop(self) -> None:
        # Ctrl+C, as a user stops it: the lab then removes its certificate folder.
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def __enter__(self) -> LabProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ServerProcess:
    """This file run as a server (``dns`` or ``flood``) in its own process."""

    def __init__(self, tree: str | None, *args: str) -> None:
        self.process = subprocess.Popen(
            [PYTHON, __file__, *args],
            env=tree_env(tree),
            cwd=NEUTRAL_CWD,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.stop()
            raise RuntimeError(f"server did not start: {line!r}")
        self.port = int(line.split()[1])

    def query_log(self) -> list[tuple[float, str, str]]:
        """The queries since the last call: (ms after the first, name, type)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("log\n")
        self.process.stdin.flush()
        return [tuple(entry) for entry in json.loads(self.process.stdout.readline())]

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def waves(log: list[tuple[float, str, str]], delay_ms: float) -> list[str]:
    """Group queries by arrival: a new wave starts with a query that arrives at least 0.9
    delays after the current wave began, i.e. one that could have waited for an answer.
    (Queries sent late only because the client was busy stay in their wave.)"""
    groups: list[list[tuple[float, str, str]]] = []
    for entry in sorted(log):
        if not groups or entry[0] - groups[-1][0][0] >= delay_ms * 0.9:
            groups.append([])
        groups[-1].append(entry)
    lines = []
    for number, group in enumerate(groups, 1):
        kinds: dict[str, int] = {}
        for _, _, rdtype in group:
            kinds[rdtype] = kinds.get(rdtype, 0) + 1
        summary = ", ".join(f"{count} {rdtype}" for rdtype, count in sorted(kinds.items()))
        names = sorted({name for _, name, _ in group})
        sample = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
        lines.append(f"wave {number} at {group[0][0]:7.1f} ms: {summary}  ({sample})")
    return lines


# --- tmux, on a private server -----------------------------------------------------------


class TmuxPane:
    """One detached tmux session at a fixed size on a private socket (no other tmux is
    touched); the command is the pane's process, so ``pid`` is the program's own."""

    def __init__(
        self, command: list[str], env: dict[str, str], *, width: int = 80, height: int = 24
    ) -> None:
        self.socket = f"smtp-tui-bench-{os.getpid()}-{time.monotonic_ns()}"
        self.env = env
        shell = " ".join(_quote(part) for part in command)
        self.started = time.perf_counter()
        subprocess.run(
            [
                "tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d",
                "-c", NEUTRAL_CWD, "-x", str(width), "-y", str(height), shell,
            ],
            env=env,
            check=True,
        )  # fmt: skip
        self.pid = int(self._tmux("display-message", "-p", "#{pane_pid}").strip())

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        return done.stdout

    def capture(self) -> str:
        return self._tmux("capture-pane", "-p")

    def wait_for(self, text: str, timeout: float = 20.0, poll: float = 0.005) -> float | None:
        """Seconds from ``started`` until ``text`` is on the screen (None: not in time)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if text in self.capture():
                return time.perf_counter() - self.started
            time.sleep(poll)
        return None

    def wait_for_since(
        self, text: str, since: float, timeout: float = 5.0, poll: float = 0.005
    ) -> float | None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if text in self.capture():
                return time.perf_counter() - since
            time.sleep(poll)
        return None

    def send(self, *keys: str, literal: bool = False) -> None:
        self._tmux("send-keys", "-t", "0", *(["-l"] if literal else []), *keys)

    def close(self) -> None:
        self._tmux("kill-server")
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.pid, 0)
            os.kill(self.pid, 15)

    def __enter__(self) -> TmuxPane:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _quote(part: str) -> str:
    return "'" + part.replace("'", "'\\''") + "'"


def tmux_missing() -> bool:
    return shutil.which("tmux") is None


# --- the full screen and its peer ---------------------------------------------------------

# The start screen's step list (see screenshots/start-80x24.svg): shown once the steps are.
SCREEN_MARKER = "Look up MX"
BARE_MARKER = "bare app ready"
BARE_APP = f"""\
from textual.app import App
from textual.widgets import Footer, Header, Static


class BareApp(App):
    def compose(self):
        yield Header()
        yield Static("{BARE_MARKER}")
        yield Footer()


BareApp().run()
"""


def screen_command(lab: LabProcess | None, *, server: str | None = None) -> list[str]:
    """The full screen against the lab process (no --demo: the lab is not in the measured
    process), or with ``lab`` None, ``--demo`` (the lab starts in the measured process).
    --ip is given so no egress-IP discovery can leave the machine."""
    if lab is None:
        return [PYTHON, "-m", "smtp_tui", "--demo"]
    command = [
        PYTHON, "-m", "smtp_tui", "alice@example.test", "--dns", lab.dns,
        "--port", str(lab.smtp_port), "--ip", "192.0.2.55",
        "--helo", "client.lab.test", "--from", "tester@lab.test",
    ]  # fmt: skip
    if server:
        command += ["--server", server]
    return command


# The same, plus one focused Input: its cursor blinks (a 0.5 s timer), as the step panel's does.
BARE_APP_WITH_INPUT = BARE_APP.replace(
    "Footer, Header, Static", "Footer, Header, Input, Static"
).replace("        yield Footer()", "        yield Input()\n        yield Footer()")


# What-if: the same screen with the command line's cursor blink off (patched at start-up,
# nothing in smtp_tui changed), to price the blink timer on the real screen.
NO_BLINK_PRELUDE = """\
import sys
from smtp_tui.ui.widgets.command_input import CommandInput
_init = CommandInput.__init__
def _no_blink(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self.cursor_blink = False
CommandInput.__init__ = _no_blink
from smtp_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def without_blink(command: list[str]) -> list[str]:
    """``screen_command(...)`` run through NO_BLINK_PRELUDE instead of ``-m smtp_tui``."""
    assert command[1:3] == ["-m", "smtp_tui"], command
    return [command[0], "-c", NO_BLINK_PRELUDE, *command[3:]]


def bare_command(folder: str, *, with_input: bool = False) -> list[str]:
    name = "bare_textual_app_input.py" if with_input else "bare_textual_app.py"
    path = Path(folder, name)
    path.write_text(BARE_APP_WITH_INPUT if with_input else BARE_APP)
    return [PYTHON, str(path)]


def quit_pane(pane: TmuxPane, keys: str = "C-q", timeout: float = 5.0) -> None:
    """Quit as a user would (so --demo removes its lab files), then close the pane."""
    pane.send(keys)
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline and Path(f"/proc/{pane.pid}").exists():
        time.sleep(0.05)
    pane.close()


# --- /proc ---------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB: memory now and its peak."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


@contextlib.contextmanager
def scratch_dirs() -> Iterator[dict[str, str]]:
    """Fresh XDG_STATE_HOME (journal) and XDG_CONFIG_HOME (no config) for one run."""
    with tempfile.TemporaryDirectory(prefix="smtp-tui-bench-") as root:
        state, config = Path(root, "state"), Path(root, "config")
        state.mkdir()
        config.mkdir()
        yield {"XDG_STATE_HOME": str(state), "XDG_CONFIG_HOME": str(config)}


# --- the server processes ------------------------------------------------------------------


def _bench_zone_text(count: int) -> str:
    """zNN.bench lists that pass both RFC 5782 self-tests; 192.0.2.66 listed with a reason
    on each; 192.0.2.77 has a PTR (host.bench) that confirms forward; 192.0.2.55 has none."""
    lines = [
        "$ORIGIN bench.",
        "$TTL 60",
        "@ IN SOA ns.bench. host.bench. 1 3600 600 86400 60",
        "@ IN NS ns.bench.",
        "host IN A 192.0.2.77",
    ]
    for number in range(count):
        lines.append(f"2.0.0.127.z{number:02d} IN A 127.0.0.2")
        lines.append(f'2.0.0.127.z{number:02d} IN TXT "self-test entry"')
        lines.append(f"66.2.0.192.z{number:02d} IN A 127.0.0.2")
        lines.append(f'66.2.0.192.z{number:02d} IN TXT "listed for the benchmark"')
    return "\n".join(lines) + "\n"


_REVERSE_TEXT = """\
$ORIGIN 2.0.192.in-addr.arpa.
$TTL 60
@ IN SOA ns.bench. host.bench. 1 3600 600 86400 60
@ IN NS ns.bench.
77 IN PTR host.bench.
"""


async def _serve_dns(delay: float, zone_count: int, lifetime: float) -> None:
    import dns.zone

    from smtp_tui.lab.dns_server import LabDnsServer, load_lab_zones

    log: list[tuple[float, str, str]] = []
    first: list[float] = []

    class LoggingDnsServer(LabDnsServer):
        """The lab's answers, with the fixed delay, from a cache as a resolver answers: each
        distinct question (the query after its id) is parsed and answered once. On a loaded
        two-core machine the lab's one-at-a-time Python answering would otherwise be what the
        round-trip figures measure, not the client."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.cache: dict[bytes, tuple[str, str, bytes | None]] = {}

        async def respond(self, data: bytes) -> bytes | None:
            now = time.perf_counter()
            first[:] = first or [now]
            known = self.cache.get(data[2:])
            if known is None:
                name = kind = "?"
                with contextlib.suppress(Exception):
                    import dns.message

                    question = dns.message.from_wire(data).question[0]
                    name = question.name.to_text()
                    kind = dns.rdatatype.to_text(question.rdtype)
                self.delay, delay = 0.0, self.delay
                try:
                    wire = await super().respond(data)
                finally:
                    self.delay = delay
                known = (name, kind, wire[2:] if wire is not None else None)
                self.cache[data[2:]] = known
            else:
                self.queries += 1
            log.append((round((now - first[0]) * 1000, 1), known[0], known[1]))
            if self.delay:
                await asyncio.sleep(self.delay)
            return data[:2] + known[2] if known[2] is not None else None

    zones = load_lab_zones()
    zones.append(dns.zone.from_text(_bench_zone_text(zone_count), "bench.", relativize=False))
    zones.append(dns.zone.from_text(_REVERSE_TEXT, "2.0.192.in-addr.arpa.", relativize=False))
    server = LoggingDnsServer(zones, delay=delay)
    await server.start()
    print(f"PORT {server.port}", flush=True)
    await _answer_stdin(lambda: _flush_log(log, first), lifetime)
    await server.stop()


def _flush_log(log: list[tuple[float, str, str]], first: list[float]) -> str:
    text = json.dumps(log)
    log.clear()
    first.clear()
    return text


async def _answer_stdin(on_log: object, lifetime: float) -> None:
    """Until stdin closes (or ``lifetime`` ends): each "log" line is answered on stdout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + lifetime
    while loop.time() < deadline:
        try:
            line = await asyncio.wait_for(
                loop.run_in_executor(None, sys.stdin.readline), deadline - loop.time()
            )
        except TimeoutError:
            return
        if not line:
            return
        if line.strip() == "log":
            print(on_log(), flush=True)  # type: ignore[operator]


async def _serve_flood(lines: int, lifetime: float) -> None:
    """Like the lab's FloodProtocol, but it stops: ``lines`` continuation lines of a 220
    greeting, then the final line, then a normal dialogue (250 to anything, 221 to QUIT)."""
    line = b"220-flood " + b"x" * 100 + b"\r\n"

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            sent = 0
            while sent < lines:
                batch = min(100, lines - sent)
                writer.write(line * batch)
                sent += batch
                await writer.drain()
            writer.write(b"220 flood.bench done after %d lines\r\n" % lines)
            while command := await reader.readline():
                if command.upper().startswith(b"QUIT"):
                    writer.write(b"221 Bye\r\n")
                    await writer.drain()
                    break
                writer.write(b"250 ok\r\n")
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    await _answer_stdin(lambda: "[]", lifetime)
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="a server process for the benchmarks")
    parser.add_argument("kind", choices=("dns", "flood"))
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--zones", type=int, default=40)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--lifetime", type=float, default=600.0)
    args = parser.parse_args()
    if args.kind == "dns":
        asyncio.run(_serve_dns(args.delay, args.zones, args.lifetime))
    else:
        asyncio.run(_serve_flood(args.lines, args.lifetime))


if __name__ == "__main__":
    main()

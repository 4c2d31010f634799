"""The loopless plain check (issue 15): `check --server IP` runs the same guided flow on a
blocking socket, without asyncio. Against every lab server it can reach by address it must
say and decide exactly what the asyncio run says and decides: the transcript, the verdict,
the exit code; and a signal or Ctrl+C must end it the same way."""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from smtp_tui.core.flow import AUTOMATIC, blocking_socket_will_do
from smtp_tui.core.loopless import (
    Interrupted,
    LooplessRunSuspended,
    WaitInterruptions,
    run_loopless,
)
from smtp_tui.core.options import SessionOptions, build_options, with_lab
from smtp_tui.exit_codes import ExitCode
from smtp_tui.lab import LabInfo
from smtp_tui.plain.check import PlainFlags, flow_policy_for, run_check

# The lab's servers by address (see smtp_tui/lab/scenarios.py): accepted, refused (then the
# port probes, on a loop of their own), blocked (a rejection naming a block list:
# its check runs on a loop of its own), a server that sends garbage, one without EHLO, one
# that hangs up, a flood that never ends, a huge reply, non-ASCII digits, QUIT ignored.
SCENARIOS = {
    "accepted": ("127.0.25.1", "alice@example.test"),
    "refused": ("127.0.25.3", "alice@failover.test"),
    "blocked": ("127.0.25.5", "alice@blocked.test"),
    "garbage": ("127.0.25.7", "alice@garbage.test"),
    "no-ehlo": ("127.0.25.11", "alice@noehlo.test"),
    "hangup": ("127.0.25.12", "alice@hangup.test"),
    "endless-flood": ("127.0.25.13", "alice@flood.test"),
    "huge-reply": ("127.0.25.14", "alice@huge.test"),
    "digits": ("127.0.25.15", "alice@digits.test"),
    "ignores-quit": ("127.0.25.16", "alice@noquit.test"),
}


def lab_options(lab: LabInfo, address: str, target: str, timeout: float = 2.0) -> SessionOptions:
    return with_lab(build_options(target=target, server=address, timeout=timeout), lab)


def comparable(output: str) -> list[str]:
    """The output without what differs between any two runs: times and the journal's name."""
    lines = []
    for line in output.splitlines():
        if line.startswith("{"):  # JSON lines: compared field by field
            lines.append(line)
            continue
        line = re.sub(r"after \d+\.\d+ s", "after N s", line)
        line = re.sub(r"^ -> (Date|Message-ID): .*", r" -> \1: ...", line)
        line = re.sub(r"<\d+\.\d+\.\d+\.smtp-tui@", "<ID.smtp-tui@", line)
        line = re.sub(r"\b4A1B[0-9A-F]{2}\b", "QUEUE-ID", line)  # the lab's queue ids count up
        line = re.sub(r"Transcript saved to \S+", "Transcript saved to PATH", line)
        lines.append(line)
    return lines


async def run_both(
    options: SessionOptions, flags: PlainFlags | None = None, **how: object
) -> dict[str, tuple]:
    """The same check through asyncio (on this loop) and loopless (in a thread, as the lab
    serves on this loop): {driver: (exit code, output lines)}. ``how``: run_check's
    quit_after and as_json."""
    results = {}
    out = io.StringIO()
    code = await run_check(options, out=out, flags=flags, **how)  # type: ignore[arg-type]
    results["asyncio"] = (code, comparable(out.getvalue()))
    out = io.StringIO()
    code = await asyncio.to_thread(
        lambda: run_loopless(run_check(options, out=out, flags=flags, **how))  # type: ignore[arg-type]
    )
    results["loopless"] = (code, comparable(out.getvalue()))
    return results


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
async def test_the_loopless_check_says_and_decides_what_the_asyncio_one_does(lab, scenario):
    address, target = SCENARIOS[scenario]
    # The huge reply's 4 MB take longer than 2 s to read on a slow machine, either way.
    options = lab_options(lab, address, target, timeout=60.0 if scenario == "huge-reply" else 2.0)
    assert blocking_socket_will_do(options, flow_policy_for(PlainFlags()))
    results = await run_both(options)
    assert results["loopless"] == results["asyncio"]
    code, lines = results["loopless"]
    assert any(line.startswith("Verdict (") for line in lines)
    assert not any("Traceback" in line for line in lines)
    if scenario == "accepted":
        assert code == ExitCode.OK


async def test_a_test_message_is_sent_the_same_way_without_a_loop(lab):
    options = lab_options(lab, "127.0.25.1", "alice@example.test")
    results = await run_both(options, PlainFlags(data=True))
    assert results["loopless"] == results["asyncio"]
    assert results["loopless"][0] == ExitCode.OK
    assert any("Test message accepted" in line for line in results["loopless"][1])


@pytest.mark.parametrize(
    ("quit_after", "as_json"), [("connect", False), ("ehlo", True), ("mail", False)]
)
async def test_stopping_early_and_json_lines_are_the_same_without_a_loop(lab, quit_after, as_json):
    options = lab_options(lab, "127.0.25.1", "alice@example.test")
    results = await run_both(options, quit_after=quit_after, as_json=as_json)
    assert results["loopless"][0] == results["asyncio"][0] == ExitCode.OK
    if as_json:  # one object a line: times and paths differ, the kinds and texts do not
        import json

        def texts(lines: list[str]) -> list[tuple[object, ...]]:
            records = [json.loads(line) for line in lines]
            return [
                (r.get("kind"), *comparable(str(r.get("text", r.get("verdict"))))) for r in records
            ]

        assert texts(results["loopless"][1]) == texts(results["asyncio"][1])
    else:
        assert results["loopless"] == results["asyncio"]


@pytest.mark.parametrize(
    ("server", "flags", "ip"),
    [
        ("mx1.example.test", PlainFlags(), None),  # a name: DNS
        ("127.0.25.1", PlainFlags(starttls=True), None),  # TLS
        ("127.0.25.1", PlainFlags(tls_on_connect=True), None),
        ("127.0.25.1:465", PlainFlags(), None),  # TLS from the first byte
        ("127.0.25.1", PlainFlags(), "192.0.2.55"),  # the sending side: DNS lists
    ],
)
def test_a_run_that_needs_dns_or_tls_is_left_to_asyncio(server, flags, ip):
    options = build_options(target="alice@example.test", server=server, ip=ip)
    assert not blocking_socket_will_do(options, flow_policy_for(flags))


def test_a_coroutine_that_suspends_is_a_clear_error_not_a_hang():
    async def needs_a_loop() -> None:
        await asyncio.sleep(0)

    with pytest.raises(LooplessRunSuspended, match="needs an event loop"):
        run_loopless(needs_a_loop())


def test_the_loopless_driver_returns_what_the_coroutine_returns():
    async def answer() -> int:
        return 42

    assert run_loopless(answer()) == 42
    assert AUTOMATIC.next_mx  # plain mode's policy is the one the driver runs


# --- signals and Ctrl+C, in a real process --------------------------------------------------


def _sigint_as_at_a_terminal() -> None:
    """In the child before it runs: Ctrl+C as a foreground program at a terminal has it, however
    the tests were started (a background job of a script inherits SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _sigint_ignored() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


async def interrupt_a_waiting_check(
    tmp_path: Path,
    lab: LabInfo,
    server: str,
    signal_number: int,
    *,
    timeout: str = "30",
    sigint: Callable[[], None] = _sigint_as_at_a_terminal,
) -> tuple[int, str, str, str]:
    """`check` against the tarpit (connects, never greeted), signalled once it is connected;
    returns (exit code, stdout, stderr, journal). ``sigint`` sets the child's SIGINT."""
    state = tmp_path / "state"
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(state),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "PYTHONIOENCODING": "utf-8",
    }
    args = ["check", "alice@tarpit.test", "--server", server, "--dns", lab.dns]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "smtp_tui",
        *args,
        "--port",
        str(lab.smtp_port),
        "--timeout",
        timeout,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        preexec_fn=sigint,
    )
    assert process.stdout is not None and process.stderr is not None
    seen = []
    try:
        async with asyncio.timeout(60):
            while True:
                line = (await process.stdout.readline()).decode()
                assert line, f"the check ended early: {seen}"
                seen.append(line)
                if "Connected to 127.0.25.6" in line:
                    break
            process.send_signal(signal_number)
            rest, stderr = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    journals = list(state.glob("smtp-tui/transcripts/*.log"))
    assert len(journals) == 1, journals
    stdout = "".join(seen) + rest.decode()
    assert process.returncode is not None
    return process.returncode, stdout, stderr.decode(), journals[0].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("signal_number", "code", "named"),
    [
        (signal.SIGTERM, ExitCode.TERMINATED, "SIGTERM"),
        (signal.SIGHUP, ExitCode.HANGUP, "SIGHUP"),
    ],
)
async def test_a_signal_ends_a_loopless_check_as_it_ends_an_asyncio_one(
    tmp_path, lab, signal_number, code, named
):
    endings = {}
    for driver, server in (("loopless", "127.0.25.6"), ("asyncio", "mx.tarpit.test")):
        returncode, stdout, stderr, journal = await interrupt_a_waiting_check(
            tmp_path / driver, lab, server, signal_number
        )
        assert returncode == code, stdout + stderr
        assert "Traceback" not in stderr
        assert f"The session was interrupted by {named}" in stdout
        assert "cancelled by the user" not in journal
        lines = journal.splitlines()
        interrupted = [n for n, line in enumerate(lines) if "interrupted by" in line]
        assert interrupted and named in lines[interrupted[-1]]
        endings[driver] = [re.sub(r"^\S+ ", "", line) for line in lines[interrupted[0] :]]
        endings[driver] = [line for line in endings[driver] if "Transcript saved" not in line]
    assert endings["loopless"][:2] == endings["asyncio"][:2]


async def test_ctrl_c_ends_a_loopless_check_as_it_ends_an_asyncio_one(tmp_path, lab):
    results = {}
    for driver, server in (("loopless", "127.0.25.6"), ("asyncio", "mx.tarpit.test")):
        returncode, stdout, stderr, journal = await interrupt_a_waiting_check(
            tmp_path / driver, lab, server, signal.SIGINT
        )
        assert "Traceback" not in stderr
        assert "*** Interrupted." in stdout
        results[driver] = (returncode, "interrupted by the user" in journal)
    assert results["loopless"] == results["asyncio"]
    assert results["loopless"][0] == ExitCode.INTERRUPTED


async def test_an_ignored_ctrl_c_is_ignored_by_both_drivers(tmp_path, lab):
    """Started with SIGINT ignored (as a script's background job is), neither driver takes it
    back: the check waits on, to its own timeout, and says nothing of an interruption."""
    results = {}
    for driver, server in (("loopless", "127.0.25.6"), ("asyncio", "mx.tarpit.test")):
        returncode, stdout, stderr, journal = await interrupt_a_waiting_check(
            tmp_path / driver, lab, server, signal.SIGINT, timeout="2", sigint=_sigint_ignored
        )
        assert "Traceback" not in stderr
        assert "Interrupted" not in stdout
        results[driver] = (returncode, "interrupted by the user" in journal)
    assert results["loopless"] == results["asyncio"]
    assert results["loopless"] == (ExitCode.CONNECT, False)


def test_a_signal_between_waits_ends_the_next_wait_before_it_blocks():
    box = WaitInterruptions()
    box.deliver(Interrupted("SIGTERM"))  # no wait going on: kept for the next one
    blocked = []
    with pytest.raises(Interrupted), box.wait():
        blocked.append("recv")
    assert blocked == []


def test_a_signal_during_a_wait_ends_it_at_once():
    box = WaitInterruptions()
    with pytest.raises(KeyboardInterrupt), box.wait():
        box.deliver(KeyboardInterrupt())  # as the handler would, inside recv()


def test_a_write_is_done_before_a_pending_signal_ends_it_as_asyncio_queues_it():
    box = WaitInterruptions()
    box.deliver(Interrupted("SIGHUP"))
    sent = []
    with pytest.raises(Interrupted), box.wait(pending_first=False):
        sent.append("RCPT TO")
    assert sent == ["RCPT TO"]

"""Fixtures for the screen: the app in demo mode (the lab runs inside it), steady cursors."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from smtp_tui.core.options import build_options
from smtp_tui.ui.app import SmtpTuiApp, make_app

# Fixed lab ports so the screen (and its snapshots) show the same numbers every run.
SNAPSHOT_LAB_PORTS = (53530, 25250, 25870, 24650)


def demo_app(
    target: str | None = None,
    *,
    timeout: float = 5.0,
    lab_ports: tuple[int, int, int, int] = (0, 0, 0, 0),
    ip: str | None = None,
) -> SmtpTuiApp:
    options = build_options(target=target, timeout=timeout, demo=True, ip=ip)
    return make_app(options, lab_ports=lab_ports)


def loaded_by(imports: str, wanted: tuple[str, ...]) -> list[str]:
    """Which of ``wanted`` (modules or packages) a fresh interpreter has loaded after
    ``import <imports>``."""
    code = (
        f"import sys, {imports}\n"
        f"wanted = {wanted!r}\n"
        "print([m for m in sys.modules if any(m == w or m.startswith(w + '.') for w in wanted)])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return ast.literal_eval(done.stdout)  # the list the child printed


async def settle(pilot: Pilot[object]) -> None:
    """Wait until every worker is done and the screen has caught up (no sleeps)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def settle_group(pilot: Pilot[object], group: str) -> None:
    """Wait until the workers of one group are done, leaving others running: a background
    check that waits on a silent server (the policy probe of a tarpit MX) would hold
    ``settle`` for its whole timeout."""
    ours = [worker for worker in pilot.app.workers if worker.group == group]
    if ours:  # (an empty list would mean every worker to Textual)
        await pilot.app.workers.wait_for_complete(ours)
    await pilot.pause()


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)

"""Fixtures for the screen: the app in demo mode (the lab runs inside it), steady cursors."""

from __future__ import annotations

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


async def settle(pilot: Pilot[object]) -> None:
    """Wait until every worker is done and the screen has caught up (no sleeps)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)

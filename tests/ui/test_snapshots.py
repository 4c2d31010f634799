"""What the screen looks like, at 80x24 (an SSH session on a jump host) and at 120x40.

Plain `def` tests: snap_compare runs its own event loop, and the lab starts inside the app on
fixed ports so the numbers on screen are the same every run.
"""

import pytest

from tests.ui.conftest import SNAPSHOT_LAB_PORTS, demo_app, settle

SIZES = [(80, 24), (120, 40)]


async def _started(pilot):
    await settle(pilot)


async def _after_mx(pilot):
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def _after_rejection(pilot):
    await settle(pilot)
    for _ in range(5):
        await pilot.press("enter")
        await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_start_screen(snap_compare, size):
    app = demo_app(lab_ports=SNAPSHOT_LAB_PORTS)
    assert snap_compare(app, terminal_size=size, run_before=_started)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_after_the_mx_lookup(snap_compare, size):
    app = demo_app(lab_ports=SNAPSHOT_LAB_PORTS)
    assert snap_compare(app, terminal_size=size, run_before=_after_mx)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_rejection_and_summary(snap_compare, size):
    app = demo_app("nobody@example.test", lab_ports=SNAPSHOT_LAB_PORTS)
    assert snap_compare(app, terminal_size=size, run_before=_after_rejection)

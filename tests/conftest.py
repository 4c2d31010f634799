"""Shared fixtures: the practice lab on the test's own loop, and a private state/config dir."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import dns.asyncresolver
import pytest

from smtp_tui.core.connection import Timeouts
from smtp_tui.core.dns import make_resolver, parse_dns_server
from smtp_tui.core.session import TestSession
from smtp_tui.core.transcript import Transcript
from smtp_tui.lab import Lab, LabInfo


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Journals and config go to a temporary folder, never the developer's home."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


@pytest.fixture
async def lab() -> AsyncIterator[LabInfo]:
    async with Lab() as info:
        yield info


@pytest.fixture
def resolver(lab: LabInfo) -> dns.asyncresolver.Resolver:
    # A short lifetime: the black-hole zone must time out quickly, not by luck.
    return make_resolver(parse_dns_server(lab.dns), timeout=1.0)


@pytest.fixture
def transcript() -> Transcript:
    return Transcript()


@pytest.fixture
def session(transcript: Transcript, resolver: dns.asyncresolver.Resolver) -> TestSession:
    return TestSession(transcript, resolver, timeouts=Timeouts.all(2.0))

"""Start and stop the whole lab (DNS and every scenario server) on the running event loop."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from types import TracebackType

from smtp_tui.lab.dns_server import LabDnsServer
from smtp_tui.lab.scenarios import (
    LAB_DOMAIN,
    LAB_HELO,
    LAB_RECIPIENT,
    LAB_SENDER,
    SCENARIOS,
)


@dataclass(frozen=True)
class LabInfo:
    """Where the lab listens, and the values a demo session starts with."""

    dns_host: str
    dns_port: int
    smtp_port: int
    domain: str = LAB_DOMAIN
    recipient: str = LAB_RECIPIENT
    sender: str = LAB_SENDER
    helo: str = LAB_HELO

    @property
    def dns(self) -> str:
        return f"{self.dns_host}:{self.dns_port}"


class Lab:
    """``async with Lab() as info:`` runs the lab on the current loop until the block ends."""

    def __init__(self, *, dns_port: int = 0, smtp_port: int = 0, dns_delay: float = 0.0) -> None:
        self.dns = LabDnsServer(port=dns_port, delay=dns_delay)
        self.smtp_port = smtp_port
        self._servers: list[asyncio.Server] = []
        self.info: LabInfo | None = None

    async def start(self) -> LabInfo:
        await self.dns.start()
        await self._start_smtp()
        self.info = LabInfo(self.dns.host, self.dns.port, self.smtp_port)
        return self.info

    async def _start_smtp(self) -> None:
        loop = asyncio.get_running_loop()
        listening = [scenario for scenario in SCENARIOS if scenario.make is not None]
        for _attempt in range(10):
            port = self.smtp_port
            try:
                for scenario in listening:
                    assert scenario.make is not None
                    server = await loop.create_server(scenario.make(), scenario.address, port)
                    self._servers.append(server)
                    port = server.sockets[0].getsockname()[1]
            except OSError:
                await self._close_smtp()
                if self.smtp_port:
                    raise
                continue
            self.smtp_port = port
            return
        raise OSError("could not find a port free on every lab address")

    async def _close_smtp(self) -> None:
        servers, self._servers = self._servers, []
        for server in servers:
            server.close()
        for server in servers:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await server.wait_closed()

    async def stop(self) -> None:
        await self._close_smtp()
        await self.dns.stop()

    async def __aenter__(self) -> LabInfo:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


def describe_lab(info: LabInfo) -> str:
    """How to point smtp-tui and swaks at a running lab (printed by `smtp-tui lab`)."""
    lines = [
        f"Practice lab running: DNS on {info.dns} (UDP and TCP), SMTP on port {info.smtp_port}.",
        "",
        "Try:",
        f"  smtp-tui {info.recipient} --dns {info.dns} --port {info.smtp_port}",
        f"  smtp-tui check {info.recipient} --dns {info.dns} --port {info.smtp_port} "
        f"--from {info.sender} --helo {info.helo}",
        f"  swaks --to {info.recipient} --server 127.0.25.1:{info.smtp_port} "
        f"--from {info.sender} --helo {info.helo} --quit-after RCPT",
        f"  dig @{info.dns_host} -p {info.dns_port} example.test MX",
        "",
        "Hosts:",
    ]
    for scenario in SCENARIOS:
        lines.append(f"  {scenario.address:<12} {scenario.hostname:<20} {scenario.lesson}")
    lines += [
        "",
        "Domains: example.test (alice, bob), failover.test, implicit.test, nullmx.test,",
        "  cname.test, equal.test, iplit.test, noaddr.test, empty.test, bücher.test,",
        "  greylist.test, blocked.test, tarpit.test, garbage.test; nowhere.test does not",
        "  exist, servfail.test answers SERVFAIL, blackhole.test never answers.",
        "",
        "Press Ctrl+C to stop.",
    ]
    return "\n".join(lines)

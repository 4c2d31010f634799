"""Start and stop the whole lab (DNS and every scenario server) on the running event loop."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import ssl
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from smtp_tui.lab.dns_server import LabDnsServer
from smtp_tui.lab.scenarios import (
    LAB_DOMAIN,
    LAB_HELO,
    LAB_RECIPIENT,
    LAB_SENDER,
    SCENARIOS,
)
from smtp_tui.lab.tls import LabCertificates, make_lab_certificates

ROLES = ("smtp", "submission", "smtps")


@dataclass(frozen=True)
class LabInfo:
    """Where the lab listens, and the values a demo session starts with."""

    dns_host: str
    dns_port: int
    smtp_port: int
    submission_port: int = 0
    smtps_port: int = 0
    ca_file: Path | None = None
    domain: str = LAB_DOMAIN
    recipient: str = LAB_RECIPIENT
    sender: str = LAB_SENDER
    helo: str = LAB_HELO

    @property
    def dns(self) -> str:
        return f"{self.dns_host}:{self.dns_port}"


class Lab:
    """``async with Lab() as info:`` runs the lab on the current loop until the block ends."""

    def __init__(
        self,
        *,
        dns_port: int = 0,
        smtp_port: int = 0,
        submission_port: int = 0,
        smtps_port: int = 0,
        dns_delay: float = 0.0,
    ) -> None:
        self.dns = LabDnsServer(port=dns_port, delay=dns_delay)
        self.ports = {"smtp": smtp_port, "submission": submission_port, "smtps": smtps_port}
        self._servers: list[asyncio.Server] = []
        self.certificates: LabCertificates | None = None
        self.info: LabInfo | None = None

    async def start(self) -> LabInfo:
        self.certificates = await asyncio.to_thread(make_lab_certificates)
        await self.dns.start()
        for role in ROLES:
            await self._start_role(role)
        self.info = LabInfo(
            self.dns.host,
            self.dns.port,
            self.ports["smtp"],
            self.ports["submission"],
            self.ports["smtps"],
            self.certificates.ca_file,
        )
        return self.info

    async def _start_role(self, role: str) -> None:
        """Every scenario that listens in this role, all on one port (free on every address)."""
        assert self.certificates is not None
        wanted = self.ports[role]
        listeners = [(s, getattr(s, role)) for s in SCENARIOS if getattr(s, role) is not None]
        tls = self.certificates.server_context() if role == "smtps" else None
        for _attempt in range(10):
            port, started = wanted, []
            try:
                for scenario, listener in listeners:
                    server = await self._serve(
                        scenario.address,
                        port,
                        listener(self.certificates),
                        role in scenario.streams,
                        tls,
                    )
                    started.append(server)
                    port = server.sockets[0].getsockname()[1]
            except OSError:
                await _close_all(started)
                if wanted:
                    raise
                continue
            self._servers += started
            self.ports[role] = port
            return
        raise OSError(f"could not find a port free on every lab address for {role}")

    @staticmethod
    async def _serve(
        address: str, port: int, made: Any, streams: bool, tls: ssl.SSLContext | None
    ) -> asyncio.Server:
        # ``made`` is a streams handler or a protocol factory, as the scenario says.
        if streams:
            return await asyncio.start_server(made, address, port, ssl=tls)
        loop = asyncio.get_running_loop()
        return await loop.create_server(made, address, port, ssl=tls)

    async def stop(self) -> None:
        servers, self._servers = self._servers, []
        await _close_all(servers)
        await self.dns.stop()
        if self.certificates is not None:
            shutil.rmtree(self.certificates.ca_file.parent, ignore_errors=True)

    async def __aenter__(self) -> LabInfo:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


async def _close_all(servers: list[asyncio.Server]) -> None:
    for server in servers:
        server.close()
    for server in servers:
        with contextlib.suppress(Exception):
            async with asyncio.timeout(2):
                await server.wait_closed()


def describe_lab(info: LabInfo) -> str:
    """How to point smtp-tui and swaks at a running lab (printed by `smtp-tui lab`)."""
    lines = [
        f"Practice lab running: DNS on {info.dns} (UDP and TCP); SMTP on port {info.smtp_port}"
        f" (the lab's 25), {info.submission_port} (its 587) and {info.smtps_port} (its 465, "
        "TLS from the first byte).",
        f"The lab's TLS certificates are signed by {info.ca_file}.",
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
        "  greylist.test, blocked.test, tarpit.test, garbage.test, tls.test, portblock.test,",
        "  inject.test, noehlo.test, hangup.test, flood.test; nowhere.test does not exist,",
        "  servfail.test answers SERVFAIL, blackhole.test never answers.",
        "DNS lists: bl.dnsbl.test (127.0.25.66 listed), refuse.dnsbl.test, everything.dnsbl.test,",
        "  dbl.dnsbl.test (listed.test listed).",
        "",
        "Press Ctrl+C to stop.",
    ]
    return "\n".join(lines)

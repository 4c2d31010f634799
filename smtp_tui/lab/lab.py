"""Start and stop the whole lab (DNS and every scenario server) on the running event loop."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import ssl
from pathlib import Path
from types import TracebackType
from typing import Any

from smtp_tui.core.record import frozen_record
from smtp_tui.lab.blackhole import Blackhole
from smtp_tui.lab.dns_server import LabDnsServer
from smtp_tui.lab.dnssec import sign_zone
from smtp_tui.lab.dual_stack import DUAL_STACK_SCENARIOS
from smtp_tui.lab.policy_mx import PolicyWorld, make_policy_world
from smtp_tui.lab.policy_server import PolicyServer
from smtp_tui.lab.scenarios import (
    LAB_DOMAIN,
    LAB_HELO,
    LAB_RECIPIENT,
    LAB_SENDER,
    SCENARIOS,
)
from smtp_tui.lab.tls import LabCertificates, make_lab_certificates

ROLES = ("smtp", "submission", "smtps")
ALL_SCENARIOS = SCENARIOS + DUAL_STACK_SCENARIOS


@frozen_record
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
    https_port: int = 0  # the MTA-STS policy hosts (mta-sts.*.policy.test)

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
        https_port: int = 0,
    ) -> None:
        self.dns = LabDnsServer(port=dns_port, delay=dns_delay)
        self.policy: PolicyWorld | None = None
        self.policy_server: PolicyServer | None = None
        self.https_port = https_port
        self.ports = {"smtp": smtp_port, "submission": submission_port, "smtps": smtps_port}
        self._servers: list[asyncio.Server | Blackhole] = []
        self.certificates: LabCertificates | None = None
        self.info: LabInfo | None = None

    async def start(self) -> LabInfo:
        self.certificates = await asyncio.to_thread(make_lab_certificates)
        self.policy = await asyncio.to_thread(self._make_policy_world, self.certificates)
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
            https_port=await self._start_policy_server(),
        )
        return self.info

    def _make_policy_world(self, certificates: LabCertificates) -> PolicyWorld:
        """The policy MX hosts' keys, their TLSA records in the zones, then policy.test signed
        (the records pin keys made now, so the zone can only be signed at start)."""
        world = make_policy_world(certificates)
        for owner, text in world.tlsa:
            self.dns.answerer.add_record(owner, "TLSA", text)
        sign_zone(self.dns.answerer.zone_named("policy.test."))
        return world

    async def _start_policy_server(self) -> int:
        assert self.policy is not None
        self.policy_server = PolicyServer(self.policy.https_context, port=self.https_port)
        await self.policy_server.start()
        return self.policy_server.port

    async def _start_role(self, role: str) -> None:
        """Every scenario that listens in this role, all on one port (free on every address)."""
        assert self.certificates is not None
        wanted = self.ports[role]
        listeners = [(s, getattr(s, role)) for s in ALL_SCENARIOS if getattr(s, role) is not None]
        tls = self.certificates.server_context() if role == "smtps" else None
        for _attempt in range(10):
            port = wanted
            started: list[asyncio.Server | Blackhole] = []
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
                for scenario in ALL_SCENARIOS if role == "smtp" else ():
                    if role in scenario.drops:
                        started.append(Blackhole(scenario.address, port))
                # The transport-policy MX hosts answer on the lab's "25" too.
                for host in self.policy.hosts if role == "smtp" and self.policy else ():
                    server = await self._serve(host.address, port, host.factory(), False, None)
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
        if self.policy_server is not None:
            await self.policy_server.stop()
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


async def _close_all(servers: list[asyncio.Server | Blackhole]) -> None:
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
    for scenario in ALL_SCENARIOS:
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
        f"Transport policy (policy.test is DNSSEC-signed; MTA-STS policies on HTTPS port "
        f"{info.https_port}):",
        "  enforce, testing, alias (a CNAME'd MX), mismatch, wrongcert, rolled, plain, ta,",
        "  multi, silent, stall (a tarpit MX), badcert, broken and unsigned .policy.test;",
        "  MX hosts on 127.0.27.1-9. Try:",
        f"  smtp-tui policy wrongcert.policy.test --dns {info.dns} --port {info.smtp_port} "
        f"--https-port {info.https_port} --ca-file {info.ca_file}",
        "",
        "Press Ctrl+C to stop.",
    ]
    return "\n".join(lines)

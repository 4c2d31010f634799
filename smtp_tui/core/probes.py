"""Why does port 25 not answer? Probe the same host on 587 and 465 and tell the cases apart.

If the other mail ports answer while 25 does not, the likely cause is a port 25 block on the
sending side (one's own network, ISP or cloud provider). If nothing answers, the host is down
or unreachable. Probes only connect and read the greeting, then say QUIT.
"""

from __future__ import annotations

import asyncio
import contextlib

from smtp_tui.core.connection import (
    AddressFamily,
    ConnectionRefusedByHost,
    ConnectTimedOut,
    SmtpConnection,
    SmtpError,
    Timeouts,
)
from smtp_tui.core.record import frozen_record
from smtp_tui.core.tls import opportunistic_context
from smtp_tui.core.transcript import Transcript

PROBE_TIMEOUT = 8.0


@frozen_record
class PortProbe:
    port: int
    answered: bool
    detail: str
    role: str = ""  # "submission (587)", "SMTPS (465)"

    @property
    def name(self) -> str:
        return f"{self.role} on port {self.port}" if self.role else f"port {self.port}"

    def line(self) -> str:
        """``Submission (587) on port 587: answered 220 ...``"""
        return f"{self.name[0].upper()}{self.name[1:]}: {self.detail}"


async def _probe(
    address: str, port: int, implicit_tls: bool, timeout: float, family: AddressFamily
) -> PortProbe:
    role = "SMTPS (465)" if implicit_tls else "submission (587)"
    connection = SmtpConnection(Transcript(), timeouts=Timeouts.all(timeout))
    try:
        banner = await connection.connect(
            address,
            port,
            family=family,
            ssl_context=opportunistic_context() if implicit_tls else None,
        )
    except ConnectionRefusedByHost:
        return PortProbe(port, False, "refused", role)
    except ConnectTimedOut:
        return PortProbe(port, False, "no answer (timed out)", role)
    except SmtpError as error:
        return PortProbe(port, False, str(error).split(":")[0], role)
    finally:
        with contextlib.suppress(Exception):
            await connection.close()
    return PortProbe(port, True, f"answered {banner.code} {banner.text[:60]}", role)


async def probe_ports(
    address: str,
    ports: list[tuple[int, bool]],
    *,
    timeout: float = PROBE_TIMEOUT,
    family: AddressFamily = AddressFamily.ANY,
) -> list[PortProbe]:
    """Probe ``(port, implicit_tls)`` pairs on ``address`` at the same time."""
    return list(
        await asyncio.gather(*(_probe(address, port, tls, timeout, family) for port, tls in ports))
    )


def diagnose(probes: list[PortProbe], port: int = 25, *, refused: bool = False) -> str:
    """One sentence on what the probes say about port ``port``.

    ``refused``: port ``port`` itself was refused (an answer: nothing listens, or a firewall
    rejects), rather than timed out (packets dropped, as an outbound block does)."""
    answered = [probe.name for probe in probes if probe.answered]
    if answered and refused:
        listing = " and ".join(answered)
        return (
            f"Port {port} was refused but {listing} answered: the host is up and reachable, "
            f"so nothing listens on its port {port} or its firewall rejects you. That is the "
            "destination's configuration, not a block on your side."
        )
    if answered:
        listing = " and ".join(answered)
        return (
            f"Port {port} timed out but {listing} answered: the host is up, so the likely "
            f"cause is a port {port} block on the sending side (your network, ISP or cloud "
            "provider)."
        )
    return (
        f"Neither port {port} nor the other mail ports answered: the host is down or "
        "unreachable from here."
    )

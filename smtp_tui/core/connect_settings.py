"""How a connection is made: the address family to use and how long each stage may wait.

Shared by every connection (the asyncio one under the screen and any blocking one), so both
read the same ``--ipv4``/``--ipv6`` and ``--timeout`` the same way.
"""

from __future__ import annotations

import socket
from enum import Enum

from smtp_tui.core.record import frozen_record


class AddressFamily(Enum):
    ANY = "any"
    IPV4 = "ipv4"
    IPV6 = "ipv6"

    @property
    def socket_family(self) -> int:
        return {"any": socket.AF_UNSPEC, "ipv4": socket.AF_INET, "ipv6": socket.AF_INET6}[
            self.value
        ]


@frozen_record
class Timeouts:
    """Seconds to wait at each stage. RFC 5321 §4.5.3.2 asks real MTAs for minutes; a tester
    that gives up sooner says so in its message."""

    connect: float = 20.0
    banner: float = 60.0
    command: float = 60.0
    quit: float = 1.0  # a server that ignores QUIT must not hold up leaving

    @classmethod
    def all(cls, seconds: float) -> Timeouts:
        return cls(connect=seconds, banner=seconds, command=seconds, quit=min(seconds, 1.0))

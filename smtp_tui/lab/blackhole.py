"""A port that drops connections, as an outbound port 25 block does: SYNs go unanswered.

Loopback cannot drop packets by itself, so the listener's accept queue is filled and never
served: the kernel then ignores further SYNs, and a client's connect times out, which is
what a sending host behind a port 25 block sees (unlike "refused", which is an answer)."""

from __future__ import annotations

import contextlib
import socket

_FILLERS = 3  # with a backlog of 0, two queued connections fill it; one more to be sure


class Blackhole:
    def __init__(self, address: str, port: int) -> None:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        self.listener = socket.socket(family, socket.SOCK_STREAM)
        self.fillers: list[socket.socket] = []
        try:
            self.listener.bind((address, port))
            self.listener.listen(0)
            for _ in range(_FILLERS):
                filler = socket.socket(family, socket.SOCK_STREAM)
                filler.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    filler.connect((address, port))
                self.fillers.append(filler)
        except OSError:
            self.close()
            raise

    def close(self) -> None:
        for filler in self.fillers:
            filler.close()
        self.fillers = []
        self.listener.close()

    async def wait_closed(self) -> None:
        """As asyncio.Server's: closing a plain socket finishes at once."""

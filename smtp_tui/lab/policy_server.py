"""The lab's MTA-STS policy hosts: one HTTPS server on loopback, certificate from the lab CA.

Every ``mta-sts.<domain>.policy.test`` resolves to one address; the Host header chooses the
policy. The certificate names every policy host but ``mta-sts.badcert.policy.test``, so that
one fails validation. The HTTP is the least that serves a file: one request per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl

from smtp_tui.lab.policy_mx import HTTPS_ADDRESS

POLICY_PATH = "/.well-known/mta-sts.txt"
_ENFORCE = "version: STSv1\r\nmode: enforce\r\nmx: {mx}\r\nmax_age: 86400\r\n"
POLICIES = {
    "mta-sts.enforce.policy.test": _ENFORCE.format(mx="mx1.policy.test"),
    "mta-sts.testing.policy.test": (
        "version: STSv1\nmode: testing\nmx: mx-selfsigned.policy.test\nmax_age: 604800\n"
    ),
    "mta-sts.mismatch.policy.test": _ENFORCE.format(mx="mail.elsewhere.test"),
    "mta-sts.wrongcert.policy.test": _ENFORCE.format(mx="*.policy.test"),
    "mta-sts.plain.policy.test": _ENFORCE.format(mx="mx-plain.policy.test"),
    "mta-sts.multi.policy.test": _ENFORCE.format(mx="mx-multi.policy.test"),
    "mta-sts.badcert.policy.test": _ENFORCE.format(mx="mx1.policy.test"),
    "mta-sts.broken.policy.test": (
        "version: STSv1\r\nmode: enforced\r\nmx: mx1.policy.test\r\nmax_age: 86400\r\n"
    ),
}
_READ_TIMEOUT = 10.0


class PolicyServer:
    """``await start()`` serves the policies on HTTPS_ADDRESS (port 0: a free one)."""

    def __init__(self, context: ssl.SSLContext, *, port: int = 0) -> None:
        self.context = context
        self.port = port
        self.requests = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._serve, HTTPS_ADDRESS, self.port, ssl=self.context
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(_READ_TIMEOUT):
                head = await reader.readuntil(b"\r\n\r\n")
            self.requests += 1
            writer.write(self.response(head))
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except (ConnectionError, ssl.SSLError, OSError):
            pass  # a client that gave up (or failed the handshake) is no concern of the lab's
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    @staticmethod
    def response(head: bytes) -> bytes:
        """The whole HTTP response to a request head."""
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        host = ""
        for line in lines[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == "host":
                host = value.strip().lower().split(":")[0]
        policy = POLICIES.get(host)
        if len(parts) != 3 or parts[0] != "GET":
            status, body = "405 Method Not Allowed", "GET only\n"
        elif parts[1] != POLICY_PATH or policy is None:
            status, body = "404 Not Found", "no such policy\n"
        else:
            status, body = "200 OK", policy
        data = body.encode("ascii")
        return (
            f"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {len(data)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode("ascii") + data

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await self._server.wait_closed()

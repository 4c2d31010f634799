"""The STARTTLS defence's way into asyncio's receive buffer.

Bytes a server sends after its 220 to STARTTLS and before the handshake must be thrown away
unread (CVE-2011-0411): they could be replies injected in clear text that would otherwise be
read as if they came through TLS. asyncio keeps them in a private attribute; this module is
the one place that reaches for it, and fails loudly if it is gone.
"""

from __future__ import annotations

import asyncio


class StreamBufferMissing(RuntimeError):
    """asyncio no longer keeps unread bytes where the STARTTLS defence looks for them."""


def stream_buffer(reader: asyncio.StreamReader) -> bytearray:
    """The bytes asyncio has received but nobody has read yet.

    ``StreamReader`` keeps them in the private ``_buffer``; the STARTTLS defence must empty
    it before the handshake (CVE-2011-0411), so if a Python release changes that, fail
    loudly here instead of letting injected bytes through silently."""
    buffer = getattr(reader, "_buffer", None)
    if not isinstance(buffer, bytearray):
        raise StreamBufferMissing(
            "asyncio.StreamReader has no _buffer bytearray in this Python: the STARTTLS "
            "defence cannot empty the receive buffer, so STARTTLS is refused."
        )
    return buffer

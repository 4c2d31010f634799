"""Does the server's certificate chain to the trust store? Asked on a second connection.

The dialogue itself uses opportunistic TLS (as senders on port 25 do), so it goes on whatever
the certificate. To learn whether the chain verifies without breaking the user's session, a
second, short connection repeats EHLO and STARTTLS (or the implicit TLS handshake) with
verification on, then says QUIT. Its lines are not part of the transcript.
"""

from __future__ import annotations

import contextlib
import ssl

from smtp_tui.core.connection import AddressFamily, SmtpConnection, SmtpError, Timeouts
from smtp_tui.core.tls import error_reason, verifying_context
from smtp_tui.core.transcript import Transcript


async def check_chain(
    address: str,
    port: int,
    *,
    server_hostname: str | None,
    helo: str,
    implicit: bool,
    timeouts: Timeouts,
    cafile: str | None = None,
    family: AddressFamily = AddressFamily.ANY,
) -> str:
    """ "trusted", or why not (the verifier's own words)."""
    context = verifying_context(cafile)
    probe = SmtpConnection(Transcript(), timeouts=timeouts)
    try:
        if implicit:
            await probe.connect(
                address, port, family=family, ssl_context=context, server_hostname=server_hostname
            )
        else:
            await probe.connect(address, port, family=family)
            await probe.send(f"EHLO {helo}")
            reply = await probe.send("STARTTLS")
            if reply.code != 220:
                return f"not checked (STARTTLS answered {reply.code} on the second connection)"
            await probe.start_tls(context, server_hostname)
        return "trusted"
    except SmtpError as error:
        return _why(error)
    except Exception as error:  # a side check: its failure is a line, not a crash
        return f"not checked ({error_reason(error)})"
    finally:
        with contextlib.suppress(Exception):
            await probe.close()


def _why(error: SmtpError) -> str:
    cause = error.__context__ or error.__cause__
    if isinstance(cause, ssl.SSLCertVerificationError):
        return f"no ({cause.verify_message})"
    text = error_reason(error)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        detail = text.split("certificate verify failed:")[-1].split("(")[0].strip(" .")
        return f"no ({detail or 'certificate verify failed'})"
    return f"not checked ({text})"

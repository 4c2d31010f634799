"""One address of one MX, as a policy-enforcing sender sees it: is STARTTLS offered, what
chain does the server present, does that chain validate, and for which names.

Two short connections through :class:`~smtp_tui.core.connection.SmtpConnection`: the first
with opportunistic TLS (any certificate, so a self-signed one under DANE-EE is still seen)
collects the presented chain; the second repeats STARTTLS with verification on (system trust
store plus the extra CA file) to learn whether the chain is trusted in OpenSSL's own words.
Names are compared here, so "untrusted" and "for another name" stay apart.
"""

from __future__ import annotations

import contextlib
import ssl

from cryptography import x509

from smtp_tui.core.connection import SmtpConnection, SmtpError, Timeouts, TlsFailed
from smtp_tui.core.dane import leaf_names, presented_chain
from smtp_tui.core.mta_sts import TrustStore
from smtp_tui.core.record import frozen_record
from smtp_tui.core.sanitize import sanitize_text
from smtp_tui.core.tls import name_matches, opportunistic_context
from smtp_tui.core.transcript import Transcript

PROBE_TIMEOUTS = Timeouts(connect=10.0, banner=30.0, command=30.0, quit=2.0)


@frozen_record
class AddressProbe:
    """What one address presented. ``starttls`` None: the dialogue did not get that far."""

    address: str
    starttls: bool | None
    chain: tuple[bytes, ...] = ()
    trust: str | None = None  # "trusted", or why not; None when no chain was seen
    problem: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        if not self.chain:
            return ()
        leaf = x509.load_der_x509_certificate(self.chain[0])
        return tuple(sanitize_text(name, max_chars=255) for name in leaf_names(leaf))

    def name_valid_for(self, host: str) -> bool:
        return any(name_matches(name, host) for name in self.names)

    def certificate_valid_for(self, host: str) -> bool | None:
        """Trusted chain and the host's name on the certificate; None when not known."""
        if self.trust is None:
            return False if self.starttls is False else None
        return self.trust == "trusted" and self.name_valid_for(host)


class _NoStartTls(Exception):
    """STARTTLS is not offered, or refused; the text says which."""


async def _upgrade(
    connection: SmtpConnection,
    address: str,
    host: str,
    port: int,
    helo: str,
    context: ssl.SSLContext,
) -> ssl.SSLObject:
    banner = await connection.connect(address, port, label=host)
    if banner.code != 220:
        raise SmtpError(f"the greeting was {banner.code}, not 220")
    reply = await connection.send(f"EHLO {helo}")
    if reply.code != 250 or "STARTTLS" not in connection.keywords:
        raise _NoStartTls("STARTTLS is not offered after EHLO")
    reply = await connection.send("STARTTLS")
    if reply.code != 220:
        raise _NoStartTls(f"STARTTLS was answered {reply.code}")
    await connection.start_tls(context, host)
    found = connection.ssl_object()
    if found is None:
        raise TlsFailed("no TLS session after the handshake")
    return found


async def probe_address(
    address: str,
    host: str,
    *,
    port: int = 25,
    helo: str,
    trust: TrustStore,
    timeouts: Timeouts = PROBE_TIMEOUTS,
) -> AddressProbe:
    """STARTTLS on ``address`` (the MX ``host``): the presented chain, then its validation."""
    first = SmtpConnection(Transcript(), timeouts=timeouts)
    try:
        chain = presented_chain(
            await _upgrade(first, address, host, port, helo, opportunistic_context())
        )
    except _NoStartTls as error:
        return AddressProbe(address, False, problem=str(error))
    except TlsFailed as error:
        return AddressProbe(address, True, problem=str(error))
    except SmtpError as error:
        return AddressProbe(address, None, problem=str(error))
    finally:
        with contextlib.suppress(Exception):
            await first.close()
    context = await trust.context()  # names are compared apart, to say which is wrong
    second = SmtpConnection(Transcript(), timeouts=timeouts)
    try:
        await _upgrade(second, address, host, port, helo, context)
        verified = "trusted"
    except TlsFailed as error:
        verified = _why_untrusted(error)
    except (SmtpError, _NoStartTls) as error:
        verified = f"not checked ({error})"
    finally:
        with contextlib.suppress(Exception):
            await second.close()
    return AddressProbe(address, True, chain, verified)


def _why_untrusted(error: TlsFailed) -> str:
    cause = error.__context__ or error.__cause__
    if isinstance(cause, ssl.SSLCertVerificationError):
        return f"no ({cause.verify_message})"
    return f"no ({error})"

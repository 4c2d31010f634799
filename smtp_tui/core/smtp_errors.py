"""The ways an SMTP dialogue can end early, each a class with a message meant for a person.

Kept apart from the connection itself so that every front end and every kind of connection
(asyncio or blocking) classifies a failed connect the same way, in the same words. The
classes also inherit ``TimeoutError`` / ``ConnectionError`` where they are one, so code that
catches the standard errors still works (as aiosmtplib does).
"""

from __future__ import annotations

import errno

from smtp_tui.core.connect_settings import AddressFamily


class SmtpError(Exception):
    """Base of every error the dialogue can end in; ``str()`` is meant for a person."""


class ConnectFailed(SmtpError, ConnectionError):
    """The TCP connection could not be made."""


class ConnectionRefusedByHost(ConnectFailed):
    pass


class HostUnreachable(ConnectFailed):
    pass


class ConnectTimedOut(ConnectFailed, TimeoutError):
    pass


class ConnectionLost(SmtpError, ConnectionError):
    """The server closed or reset a connection that was up."""


class ReplyTimedOut(SmtpError, TimeoutError):
    """No complete reply before the timeout; the connection is closed afterwards."""


class ServerProtocolError(SmtpError):
    """The server sent something that is not an SMTP reply."""


class NotConnected(SmtpError):
    pass


class TlsFailed(SmtpError):
    """The TLS handshake failed (or STARTTLS was refused)."""


def connect_error(error: OSError, host: str, port: int) -> ConnectFailed:
    """A failed ``connect()`` in words: refused, unreachable, or the system's reason.

    ``host`` is the name as shown to the user (``mx.example [192.0.2.1]``)."""
    where = f"{host} port {port}"
    if isinstance(error, ConnectionRefusedError) or error.errno == errno.ECONNREFUSED:
        return ConnectionRefusedByHost(
            f"Connection to {where} refused: the host answered, but nothing accepts connections "
            "on that port (no mail server running, or a firewall rejecting)."
        )
    if error.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL):
        return HostUnreachable(
            f"{where} is unreachable ({error.strerror}): no route from this machine. Check "
            "this machine's network, the address family (IPv4/IPv6) and the source address."
        )
    return ConnectFailed(f"Could not connect to {where}: {error.strerror or error}.")


def connect_timed_out(shown: str, port: int, seconds: float) -> ConnectTimedOut:
    """No answer to the SYN: what that usually means, in words."""
    return ConnectTimedOut(
        f"No answer from {shown} port {port} within {seconds:g} s. "
        "Packets are being dropped: typical of an outbound port 25 block by your own "
        "network, ISP or cloud provider, or of a host that is down."
    )


def family_mismatch(host: str, family: AddressFamily) -> str | None:
    """A plain sentence when an address literal cannot be reached over the chosen family."""
    if family is AddressFamily.ANY:
        return None  # without loading ipaddress: a plain check has no other use for it
    import ipaddress

    try:
        version = ipaddress.ip_address(host.strip("[]")).version
    except ValueError:
        return None  # a name: the resolver picks an address of the right family
    if family is AddressFamily.IPV4 and version == 6:
        return f"{host} is an IPv6 address, but IPv4 only was asked for (--ipv4)."
    if family is AddressFamily.IPV6 and version == 4:
        return f"{host} is an IPv4 address, but IPv6 only was asked for (--ipv6)."
    return None


def error_reason(error: BaseException) -> str:
    """An exception in words, never empty (``str(ssl.SSLError())`` is "()"), no final dot."""
    from smtp_tui.core.tls import error_reason as tls_error_reason

    return tls_error_reason(error).rstrip(".")

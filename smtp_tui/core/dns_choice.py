"""Which resolver to ask, as the user gave it (``--dns``, the config): pure values, no DNS.

Kept apart from :mod:`smtp_tui.core.dns` so that reading options and the config needs no
dnspython: a check with ``--server`` and an IP address looks no name up (issue 15).
"""

from __future__ import annotations

from smtp_tui.core.addresses import InputError
from smtp_tui.core.record import frozen_record

DEFAULT_DNS_TIMEOUT = 5.0


@frozen_record
class ResolverChoice:
    """Which resolver to ask: the system's (``server`` None) or one given address and port."""

    server: str | None = None
    port: int = 53

    def describe(self) -> str:
        if self.server is None:
            return "system resolver"
        host = f"[{self.server}]" if ":" in self.server else self.server
        return f"{host}:{self.port}"


def parse_dns_server(text: str) -> ResolverChoice:
    """``SERVER[:PORT]`` -> ResolverChoice; IPv6 as ``[::1]:5353`` or a bare ``::1``."""
    raw = text.strip()
    host, port = raw, 53
    if raw.startswith("["):
        host, _, rest = raw[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise InputError(f"--dns {raw!r}: expected [IPv6]:PORT.")
            port = _parse_port(rest[1:], raw)
    elif raw.count(":") == 1:
        host, port_text = raw.split(":")
        port = _parse_port(port_text, raw)
    import ipaddress  # only with --dns or a configured resolver (issue 15)

    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise InputError(
            f"--dns {raw!r}: give the resolver's IP address (e.g. 9.9.9.9 or [::1]:5353), "
            "not a name."
        ) from None
    return ResolverChoice(server=host, port=port)


def _parse_port(text: str, whole: str) -> int:
    from smtp_tui.core.numbers import NumberError, parse_port

    try:
        return parse_port(text)
    except NumberError:
        raise InputError(f"{whole!r}: the port must be a number from 1 to 65535.") from None

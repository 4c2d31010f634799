"""What a test session starts with, from the command line, the config file and the lab.

Both front ends build their session from :class:`SessionOptions`, so a flag means the same in
the screen and in plain mode. Precedence: command line, then config file, then defaults.
"""

from __future__ import annotations

import socket

from smtp_tui.core.addresses import (
    InputError,
    check_helo_name,
    check_sending_ip,
    parse_address,
    parse_domain,
)
from smtp_tui.core.config import Config
from smtp_tui.core.connect_settings import AddressFamily, Timeouts
from smtp_tui.core.dns_choice import DEFAULT_DNS_TIMEOUT, ResolverChoice, parse_dns_server
from smtp_tui.core.numbers import PORT_RANGE, NumberError, check_seconds, parse_port, shown
from smtp_tui.core.record import field, frozen_record, replace
from smtp_tui.exit_codes import QUIT_AFTER  # noqa: F401  (re-exported)


@frozen_record
class SessionOptions:
    target: str | None = None
    mail_from: str | None = None
    rcpt_to: str | None = None
    helo: str | None = None
    server: str | None = None
    port: int = 25
    resolver: ResolverChoice = field(default_factory=ResolverChoice)
    timeouts: Timeouts = field(default_factory=Timeouts)
    dns_timeout: float = DEFAULT_DNS_TIMEOUT
    family: AddressFamily = AddressFamily.ANY
    source: str | None = None
    demo: bool = False
    ip: str | None = None  # the sending host's public IP, for the blacklist checks
    zones_enable: tuple[str, ...] = ()
    zones_disable: tuple[str, ...] = ()
    submission_port: int = 587  # probed when port 25 fails
    smtps_port: int = 465  # TLS from the first byte
    tls_cafile: str | None = None  # also trusted when checking certificate chains


def machine_fqdn() -> str:
    """This machine's fully qualified name, as EHLO wants it."""
    name = socket.getfqdn()
    return name if name and name != "localhost" else socket.gethostname() or "localhost"


def default_sender(helo: str) -> str:
    """``postmaster@`` the EHLO name's domain (the name minus its first label, if that leaves
    a domain with a dot)."""
    labels = helo.split(".")
    domain = ".".join(labels[1:]) if len(labels) > 2 else helo
    return f"postmaster@{domain}"


def parse_server(text: str, default_port: int) -> tuple[str, int]:
    """``HOST[:PORT]`` (IPv6 as ``[::1]:25``) -> (host, port); the port in ASCII digits."""
    raw = text.strip()
    if raw.startswith("["):
        host, _, rest = raw[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    elif raw.count(":") == 1:
        host, port_text = raw.split(":")
    else:
        host, port_text = raw, ""
    if not host:
        raise InputError(f"--server {shown(raw)}: no host given.")
    if port_text:
        try:
            return host, parse_port(port_text)
        except NumberError:
            raise InputError(
                f"--server {shown(raw)}: the port must be {PORT_RANGE} (ASCII digits)."
            ) from None
    return host, default_port


def build_options(
    *,
    config: Config | None = None,
    target: str | None = None,
    mail_from: str | None = None,
    rcpt_to: str | None = None,
    helo: str | None = None,
    server: str | None = None,
    port: int | None = None,
    dns: str | None = None,
    timeout: float | None = None,
    demo: bool = False,
    family: AddressFamily = AddressFamily.ANY,
    source: str | None = None,
    ip: str | None = None,
) -> SessionOptions:
    """Merge flags and config into SessionOptions; raise InputError for anything unusable."""
    config = config or Config()
    if port is not None and not 0 < port < 65536:
        raise InputError(f"--port {port}: the port must be {PORT_RANGE}.")
    if timeout is not None:
        try:
            check_seconds(timeout, f"--timeout {timeout:g}")
        except NumberError as error:
            raise InputError(str(error)) from None
    # The config's values were checked when it was read (errors name the file and key); only
    # the command line's are checked here.
    if dns:
        _check_dns(dns)
    dns_text = dns or config.dns
    resolver = parse_dns_server(dns_text) if dns_text else ResolverChoice()
    if helo:
        check_helo_name(helo)
    helo_name = helo or config.helo
    if mail_from and mail_from != "<>":
        parse_address(mail_from)
    sender = mail_from or config.mail_from
    if rcpt_to:
        parse_address(rcpt_to)
    if server:
        parse_server(server, port or 25)
    if ip:
        _check_ip(ip)
    sending_ip = ip or config.ip
    limits = config.timeouts
    timeouts = Timeouts(
        connect=limits.get("connect", Timeouts.connect),
        banner=limits.get("banner", Timeouts.banner),
        command=limits.get("command", Timeouts.command),
    )
    if timeout is not None:
        timeouts = Timeouts.all(timeout)
    return SessionOptions(
        target=target,
        mail_from=sender,
        rcpt_to=rcpt_to,
        helo=helo_name,
        server=server,
        port=port or 25,
        resolver=resolver,
        timeouts=timeouts,
        dns_timeout=timeout or limits.get("dns", DEFAULT_DNS_TIMEOUT),
        family=family,
        source=source,
        demo=demo,
        ip=sending_ip,
        zones_enable=config.blacklists_enable,
        zones_disable=config.blacklists_disable,
    )


def _check_dns(text: str) -> None:
    # int() reads Arabic-Indic digits, so "9.9.9.9:٥٣" would quietly become port 53.
    if not text.isascii():
        raise InputError(
            f"--dns {shown(text)}: give the resolver's IP address and port in ASCII, "
            "e.g. 9.9.9.9 or [::1]:5353."
        )


def _check_ip(text: str) -> None:
    try:
        check_sending_ip(text)
    except InputError as error:
        raise InputError(f"--ip {shown(text)}: {error}") from None


# A type for the checker only: importing typing for Protocol would cost a plain check more
# than the whole of this module (issue 15). Import LabPorts under TYPE_CHECKING.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol

    class LabPorts(Protocol):
        """What options need to know of a running practice lab (smtp_tui.lab.LabInfo)."""

        @property
        def dns(self) -> str: ...
        @property
        def smtp_port(self) -> int: ...
        @property
        def submission_port(self) -> int: ...
        @property
        def smtps_port(self) -> int: ...
        @property
        def recipient(self) -> str: ...
        @property
        def sender(self) -> str: ...
        @property
        def helo(self) -> str: ...


def with_lab(options: SessionOptions, lab: LabPorts) -> SessionOptions:
    """Point options at a running lab; the user's own flags still win where given. The lab
    cannot bind the real 25, 587 and 465, so its own ports stand in for them."""
    ports = {25: lab.smtp_port, 587: lab.submission_port, 465: lab.smtps_port}
    return replace(
        options,
        target=options.target or lab.recipient,
        mail_from=options.mail_from or lab.sender,
        helo=options.helo or lab.helo,
        port=ports.get(options.port, options.port),
        resolver=parse_dns_server(lab.dns),
        submission_port=lab.submission_port,
        smtps_port=lab.smtps_port,
    )


def effective_helo(options: SessionOptions) -> str:
    return options.helo or machine_fqdn()


def effective_sender(options: SessionOptions) -> str:
    return options.mail_from or default_sender(effective_helo(options))


def mail_from_command(options: SessionOptions) -> str:
    """The MAIL FROM line for these options (``MAIL FROM:<>`` for the null sender)."""
    sender = effective_sender(options)
    return "MAIL FROM:<>" if sender == "<>" else f"MAIL FROM:<{sender}>"


def sender_domain(options: SessionOptions) -> str | None:
    """The MAIL FROM domain, for the domain lists and SPF (None: null sender or no domain)."""
    sender = effective_sender(options)
    domain = sender.rpartition("@")[2] if sender != "<>" else ""
    try:
        return parse_domain(domain).ascii if domain else None
    except InputError:
        return None

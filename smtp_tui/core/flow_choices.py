"""What a front end chooses about a guided run, and what a run needs before it starts.

:class:`FlowPolicy` is where the front ends differ (plain mode does a thing by itself, the
screen offers it; :class:`Offer` names what is offered). The functions below decide, from
the options alone, whether a run needs DNS at its start and whether the loopless driver may
run it on a blocking socket (issue 15); :func:`parse_host_port` reads step 2's input.
"""

from __future__ import annotations

from enum import Enum

from smtp_tui.core.addresses import InputError, is_ip_address
from smtp_tui.core.numbers import NumberError, parse_port
from smtp_tui.core.options import SessionOptions, parse_server
from smtp_tui.core.record import frozen_record


class Offer(Enum):
    """What the user may do besides sending the offered command (each has a key on the
    screen; plain mode takes them by itself where its policy says so)."""

    NEXT_MX = "next-mx"
    HELO = "helo"
    PROBE_PORTS = "probe-ports"
    STARTTLS = "starttls"
    DATA = "test-message"


@frozen_record
class FlowPolicy:
    """Where the front ends differ: do a thing by itself, or offer it."""

    next_mx: bool = False  # an MX cannot be reached: try the next one by itself
    helo_fallback: bool = False  # EHLO not understood (500/502): send HELO by itself
    probe_ports: bool = False  # port 25 failed everywhere: probe 587 and 465 by itself
    starttls: bool = False  # take STARTTLS after EHLO (and fail when it is not offered)
    data: bool = False  # send the test message after RCPT TO by itself
    tls_on_connect: bool = False  # TLS from the first byte, whatever the port
    discover_ip: bool = False  # find the sending IP through DNS when none is configured


AUTOMATIC = FlowPolicy(next_mx=True, helo_fallback=True, probe_ports=True)
OFFER = FlowPolicy(discover_ip=True)


def wants_sender_check(options: SessionOptions, policy: FlowPolicy) -> bool:
    """The sending IP is checked when it is known, or when the policy may discover it."""
    return bool(options.ip) or policy.discover_ip or options.demo


def starts_without_dns(options: SessionOptions, policy: FlowPolicy) -> bool:
    """True when a run starts without DNS: --server names an address, and the sending side
    is not checked. (A rejection naming a block list may still ask DNS later.)"""
    if not options.server or wants_sender_check(options, policy):
        return False
    try:
        host, _port = parse_server(options.server, options.port)
    except InputError:
        return False
    return is_ip_address(host)


def blocking_socket_will_do(options: SessionOptions, policy: FlowPolicy) -> bool:
    """True when every step of a run can be done on one blocking socket, so the loopless
    driver may run it (issue 15): no DNS at the start, no TLS (STARTTLS, TLS on connect, port
    465), no source address, not the lab. Whatever turns up later and needs asyncio (a
    rejection naming a block list, the port probes) runs on a loop of its own."""
    if not starts_without_dns(options, policy) or options.source or options.demo:
        return False
    if policy.starttls or policy.tls_on_connect:
        return False
    _host, port = parse_server(options.server or "", options.port)
    return port not in (465, options.smtps_port)


def parse_host_port(text: str, default_port: int) -> tuple[str, int]:
    """``host port``, ``host:port`` or ``telnet host port`` -> (host, port)."""
    words = text.split()
    if words and words[0].lower() == "telnet":
        words = words[1:]
    if not words:
        raise InputError("Give a host name or address to connect to, e.g. mx1.example.com 25.")
    if len(words) > 2:
        raise InputError("Give a host and a port only, e.g. mx1.example.com 25.")
    if len(words) == 2:
        try:
            return words[0], parse_port(words[1])
        except NumberError as error:
            raise InputError(str(error)) from None
    return parse_server(words[0], default_port)

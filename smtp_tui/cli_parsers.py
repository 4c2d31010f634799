"""The command line's parsers, one per command; the one a command line names is built.

Split from :mod:`smtp_tui.cli`, which runs what they parse. Every parser formats its help
at the terminal's width found without shutil (see :func:`_terminal_width`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from smtp_tui import __version__
from smtp_tui.core.numbers import free_port_argument, port_argument, seconds_argument
from smtp_tui.exit_codes import EXIT_CODES_HELP, QUIT_AFTER

TYPE_CHECKING = False  # typing itself is not loaded on the check path (issue 15)
if TYPE_CHECKING:
    from typing import Any


def _terminal_width() -> int:
    """The width argparse takes from ``shutil.get_terminal_size()`` (``$COLUMNS``, else the
    terminal's, else 80), found without importing shutil: argparse makes a formatter for
    every argument it adds, and shutil brings bz2, lzma and zlib, which cost a plain check
    more than its whole parse (issue 15)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0 and sys.__stdout__ is not None:
        with contextlib.suppress(ValueError, OSError):
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
    return (columns or 80) - 2  # argparse leaves two columns free, as it does by itself


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help, at the terminal's width."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
        **more: Any,  # what a later argparse may add
    ) -> None:
        width = _terminal_width() if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width, **more)


class _RawHelpFormatter(argparse.RawDescriptionHelpFormatter, _HelpFormatter):
    """Descriptions and epilogs as written (their lines are laid out by hand)."""


SUBCOMMANDS = ("check", "explain", "bounce", "blacklist", "sender", "policy", "lab")

_MAIN_DESCRIPTION = """\
Be the mail server for a moment: a guided SMTP test (Microsoft KB153119) in five steps:
look up the MX, connect to port 25, EHLO, MAIL FROM, RCPT TO. Every step and every reply
is explained; the transcript is saved as it happens and can be copied into a ticket."""

_MAIN_EPILOG = f"""\
commands:
  smtp-tui check TARGET ...   run the steps without the full screen (see check --help)
  smtp-tui explain TEXT       explain a reply line, a code (550) or an enhanced code (5.7.1)
  smtp-tui bounce FILE|-      read a bounce (NDR): who failed, why, whose side; --retest
  smtp-tui sender             is it me? blacklists, SPF, DMARC, reverse DNS of your sending IP
  smtp-tui policy DOMAIN      MTA-STS, DANE and TLS-RPT against what the MX hosts present
  smtp-tui blacklist TARGET   check an IP address or a domain against DNS blacklists
  smtp-tui lab                run the practice lab in the foreground

examples:
  smtp-tui --demo                         the guided session against the practice lab
  smtp-tui bob@example.com --from me@example.org --helo mail.example.org
  smtp-tui check example.com --quit-after connect

files:
  config      $XDG_CONFIG_HOME/smtp-tui/config.toml (helo, mail_from, dns, theme, [timeouts])
  transcripts $XDG_STATE_HOME/smtp-tui/transcripts/, written line by line as they happen

{EXIT_CODES_HELP}"""


def _session_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="mail_from",
        metavar="ADDR",
        help="MAIL FROM address (default: config, else postmaster@ the EHLO "
        "name's domain); '<>' sends the null sender",
    )
    parser.add_argument(
        "--to",
        dest="rcpt_to",
        metavar="ADDR",
        help="RCPT TO address when TARGET is a bare domain (default: postmaster@DOMAIN)",
    )
    parser.add_argument(
        "--helo", metavar="NAME", help="EHLO name (default: config, else this machine's FQDN)"
    )
    parser.add_argument(
        "--server", metavar="HOST[:PORT]", help="skip the MX look-up and connect to this host"
    )
    parser.add_argument(
        "--port",
        type=port_argument,
        metavar="N",
        help="port for the MX hosts or --server (default 25)",
    )
    parser.add_argument(
        "--dns",
        metavar="SERVER[:PORT]",
        help="ask this resolver instead of the system's (IPv6 as [::1]:53)",
    )
    parser.add_argument(
        "--timeout",
        type=seconds_argument,
        metavar="SECONDS",
        help="one timeout for every network wait (default: connect 20, "
        "greeting 60, each command 60, DNS 5)",
    )
    family = parser.add_mutually_exclusive_group()
    family.add_argument(
        "--ipv4",
        "-4",
        action="store_const",
        const="ipv4",
        dest="family",
        help="connect over IPv4 only",
    )
    family.add_argument(
        "--ipv6",
        "-6",
        action="store_const",
        const="ipv6",
        dest="family",
        help="connect over IPv6 only",
    )
    parser.add_argument("--source", metavar="ADDRESS", help="local address to connect from")
    parser.add_argument(
        "--ip",
        metavar="ADDRESS",
        help="your mail server's public IP, checked against DNS blacklists and for reverse "
        "DNS (default: the config's, else found through DNS)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the practice lab in this process and test against it",
    )


def main_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smtp-tui",
        description=_MAIN_DESCRIPTION,
        epilog=_MAIN_EPILOG,
        formatter_class=_RawHelpFormatter,
    )
    parser.add_argument(
        "target",
        nargs="?",
        metavar="DOMAIN|ADDRESS",
        help="the recipient's address, or the destination domain",
    )
    parser.add_argument("--version", action="version", version=f"smtp-tui {__version__}")
    parser.add_argument(
        "--bounce",
        metavar="FILE",
        help="open the screen with this bounce message (an NDR) read, ready to re-test",
    )
    _session_arguments(parser)
    return parser


def check_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smtp-tui check",
        description="Run the five steps without the full screen. The marked transcript "
        "( -> sent, <-  received, === info, !!! warning, *** error) streams to "
        "stdout; QUIT is sent at the end.",
        epilog=EXIT_CODES_HELP,
        formatter_class=_RawHelpFormatter,
    )
    parser.add_argument(
        "target",
        metavar="TARGET",
        help="the recipient's address (its domain is looked up and it is the "
        "RCPT TO), or a bare domain",
    )
    _session_arguments(parser)
    parser.add_argument(
        "--both",
        action="store_true",
        help="run the dialogue over IPv4 and over IPv6 and compare them (the difference is "
        "the verdict); not with --ipv4/--ipv6",
    )
    parser.add_argument(
        "--quit-after",
        choices=QUIT_AFTER,
        default="rcpt",
        help="stop after this step and say QUIT (default: rcpt; 'data' needs --data)",
    )
    parser.add_argument(
        "--starttls",
        action="store_true",
        help="after EHLO, send STARTTLS, report the certificate, and EHLO "
        "again; exit 10 if it is not offered or the handshake fails",
    )
    parser.add_argument(
        "--tls-on-connect",
        action="store_true",
        help="TLS from the first byte, as on port 465 (exit 10 if the handshake fails)",
    )
    parser.add_argument(
        "--data",
        action="store_true",
        help="after RCPT, send a small, REAL test message (Date, From, To, "
        "Subject, Message-ID) and show the queue id; exit 11 if refused",
    )
    parser.add_argument(
        "--no-fallback",
        action="store_true",
        help="stop at the first MX instead of trying the next one",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print JSON lines instead of text: one object per transcript event "
        '({"time","kind","tls","text"}), and last the verdict '
        '({"verdict","side","category","evidence","next_steps"})',
    )
    return parser


def blacklist_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smtp-tui blacklist",
        description="Check an IPv4 or IPv6 address, or a domain, against DNS blacklists. "
        "Every list is self-tested first (RFC 5782), so a list that refuses the query or "
        "answers 'listed' for everything is reported as such, never as a listing.",
        epilog="exit codes:\n  0  nothing listed\n  1  listed on at least one list\n"
        "  2  usage error\n  3  no list could be checked (each refused, failed, timed out "
        "or unverified)\n\nstatuses: listed, not-listed, unverified, refused, error, timeout, "
        "broken",
        formatter_class=_RawHelpFormatter,
    )
    parser.add_argument("target", metavar="TARGET", help="an IPv4 or IPv6 address, or a domain")
    parser.add_argument(
        "--dns",
        metavar="SERVER[:PORT]",
        help="ask this resolver (best: your mail server's own resolver; public "
        "resolvers are refused by some lists)",
    )
    parser.add_argument(
        "--zone",
        action="append",
        default=[],
        metavar="ZONE",
        help="check this zone (repeatable); replaces the catalogue for this run",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print a JSON list, one object per zone: zone, target, status, "
        "codes, meanings, reason, url",
    )
    parser.add_argument(
        "--timeout",
        type=seconds_argument,
        metavar="SECONDS",
        help="per-query time limit (default 5)",
    )
    parser.add_argument(
        "--helo", metavar="NAME", help="EHLO name to compare with the address's PTR name"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="check against the practice lab's lists (try 127.0.25.66)",
    )
    return parser


def bounce_parser() -> argparse.ArgumentParser:
    from smtp_tui.plain.bounce import BOUNCE_EXIT_CODES_HELP

    parser = argparse.ArgumentParser(
        prog="smtp-tui bounce",
        description="Read a bounce message (an NDR: .eml, an mbox with one message, or the "
        "text pasted from a mail client) and say, per failed recipient, what the remote "
        "server answered, to which command, what it means and whose side must act. With "
        "--retest, run the failing step again now, from this host, and compare.",
        epilog=BOUNCE_EXIT_CODES_HELP + "\n  with --retest: the exit codes of `smtp-tui check`",
        formatter_class=_RawHelpFormatter,
    )
    parser.add_argument("bounce_file", metavar="FILE|-", help="the bounce message; - reads stdin")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--retest",
        action="store_true",
        help="re-run the failing step now against the server that refused (up to RCPT TO; "
        "with --data, the test message too)",
    )
    parser.add_argument(
        "--recipient",
        metavar="ADDR",
        help="with --retest: which failed recipient (default: the first)",
    )
    parser.add_argument(
        "--data",
        action="store_true",
        help="with --retest: also send the test message (a refusal after DATA)",
    )
    _session_arguments(parser)
    return parser


def explain_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smtp-tui explain",
        formatter_class=_HelpFormatter,
        description="Explain a server reply in plain words: what it means, whose side must "
        "act, and what to do next. Paste a whole reply line from an NDR, a basic code such "
        "as 550, or an enhanced code such as 5.7.1.",
    )
    parser.add_argument("text", metavar="TEXT", nargs="+", help="the reply line or code")
    parser.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object: {"code","enhanced","category","side","meaning","next_steps"}',
    )
    return parser


def lab_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smtp-tui lab",
        formatter_class=_HelpFormatter,
        description="Run the practice lab (a DNS server and SMTP servers on loopback) in the "
        "foreground, and print how to point smtp-tui and swaks at it.",
    )
    parser.add_argument(
        "--dns-port",
        type=free_port_argument,
        default=0,
        metavar="N",
        help="DNS port on 127.0.0.1 (default: a free one)",
    )
    parser.add_argument(
        "--smtp-port",
        type=free_port_argument,
        default=0,
        metavar="N",
        help="SMTP port on every lab address (default: a free one)",
    )
    return parser


def sender_parser() -> argparse.ArgumentParser:
    from smtp_tui.plain.sender import sender_parser as make

    return make()


def policy_parser() -> argparse.ArgumentParser:
    from smtp_tui.plain.policy import policy_parser as make

    return make()


PARSERS = {
    "policy": policy_parser,
    "check": check_parser,
    "explain": explain_parser,
    "bounce": bounce_parser,
    "sender": sender_parser,
    "blacklist": blacklist_parser,
    "lab": lab_parser,
}

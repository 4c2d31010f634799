"""Command line: `smtp-tui [TARGET]` opens the screen; `check`, `lab` (and more) run without it.

The Textual front end is imported only when the screen is wanted, so plain mode starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from smtp_tui import __version__
from smtp_tui.core.numbers import free_port_argument, port_argument, seconds_argument
from smtp_tui.exit_codes import EXIT_CODES_HELP, QUIT_AFTER, ExitCode

if TYPE_CHECKING:
    from smtp_tui.core.options import SessionOptions

# Heavy modules (asyncio, dnspython, Textual) are imported only once the arguments are parsed,
# so --help and usage errors answer at once.

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
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        formatter_class=argparse.RawDescriptionHelpFormatter,
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


def _options(args: argparse.Namespace, target: str | None) -> SessionOptions:
    from smtp_tui.core.config import load_config
    from smtp_tui.core.connect_settings import AddressFamily
    from smtp_tui.core.options import build_options

    return build_options(
        config=load_config(),
        target=target,
        mail_from=args.mail_from,
        rcpt_to=args.rcpt_to,
        helo=args.helo,
        server=args.server,
        port=args.port,
        dns=args.dns,
        timeout=args.timeout,
        demo=args.demo,
        family=AddressFamily(args.family or "any"),
        source=args.source,
        ip=args.ip,
    )


def _run_lab(args: argparse.Namespace) -> int:
    import asyncio

    from smtp_tui.lab import Lab
    from smtp_tui.lab.lab import describe_lab

    async def serve() -> None:
        async with Lab(dns_port=args.dns_port, smtp_port=args.smtp_port) as info:
            print(describe_lab(info), flush=True)
            await asyncio.Event().wait()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        return ExitCode.OK
    except OSError as error:
        print(f"smtp-tui lab: could not start: {error}", file=sys.stderr)
        return ExitCode.USAGE
    return ExitCode.OK


def _run_screen(options: SessionOptions, bounce: bytes | None = None) -> int:
    from smtp_tui.core.config import load_config
    from smtp_tui.ui.app import make_app
    from smtp_tui.ui.keymap import config_keymap

    config = load_config()
    app = make_app(options, theme=config.theme, keymap=config_keymap(config), bounce=bounce)
    result = app.run()
    if app.return_code == 1:  # Textual's code for an app that stopped on an exception
        print(
            "smtp-tui: the screen stopped on an unexpected error (above). The transcript "
            "journal written so far is under $XDG_STATE_HOME/smtp-tui/transcripts/.",
            file=sys.stderr,
        )
        return ExitCode.CRASHED
    return int(result or app.return_code or 0)


def _dispatch(command: str | None, args: argparse.Namespace) -> int:
    if command == "lab":
        return _run_lab(args)
    if command == "check":
        from smtp_tui.plain.check import PlainFlags, check_main

        flags = PlainFlags(
            starttls=args.starttls,
            tls_on_connect=args.tls_on_connect,
            data=args.data,
            fallback=not args.no_fallback,
        )
        if args.both:  # both_main refuses --ipv4/--ipv6 with it
            from smtp_tui.plain.both import both_main

            options = _options(args, args.target)
            return both_main(options, args.quit_after, as_json=args.json, flags=flags)
        return check_main(
            _options(args, args.target), args.quit_after, as_json=args.json, flags=flags
        )
    if command == "blacklist":
        from smtp_tui.plain.blacklist import blacklist_main

        return blacklist_main(
            args.target,
            zones=args.zone,
            dns=args.dns,
            timeout=args.timeout,
            as_json=args.json,
            demo=args.demo,
            helo=args.helo,
        )
    if command == "bounce":
        return _run_bounce(args)
    if command == "sender":
        from smtp_tui.plain.sender import run_sender_command

        return run_sender_command(args)
    if command == "policy":
        from smtp_tui.plain.policy import policy_main

        return policy_main(
            args.domain,
            dns=args.dns,
            port=args.port,
            https_port=args.https_port,
            ca_file=args.ca_file,
            demo=args.demo,
            as_json=args.json,
            timeout=args.timeout,
        )
    if command == "explain":
        from smtp_tui.plain.check import explain_main

        return explain_main(" ".join(args.text), as_json=args.json)
    options = _options(args, args.target)
    bounce = None
    if args.bounce:
        from smtp_tui.plain.bounce import BounceInputError, read_source

        try:
            bounce = read_source(args.bounce)  # a file: the screen needs standard input
        except BounceInputError as error:
            print(f"smtp-tui: error: {error}", file=sys.stderr)
            return ExitCode.USAGE
    if not options.demo and not options.target and not bounce and not sys.stdin.isatty():
        main_parser().error("name a recipient address or domain, or use --demo")
    return _run_screen(options, bounce)


def _run_bounce(args: argparse.Namespace) -> int:
    from smtp_tui.plain.bounce import bounce_main

    if not args.retest:
        if args.recipient or args.data:
            bounce_parser().error("--recipient and --data go with --retest")
        return bounce_main(args.bounce_file, as_json=args.json)
    from smtp_tui.plain.retest import retest_main

    return retest_main(args.bounce_file, _options(args, None), args, as_json=args.json)


def sender_parser() -> argparse.ArgumentParser:
    from smtp_tui.plain.sender import sender_parser as make

    return make()


def policy_parser() -> argparse.ArgumentParser:
    from smtp_tui.plain.policy import policy_parser as make

    return make()


_PARSERS = {
    "policy": policy_parser,
    "check": check_parser,
    "explain": explain_parser,
    "bounce": bounce_parser,
    "sender": sender_parser,
    "blacklist": blacklist_parser,
    "lab": lab_parser,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run what it asks for; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = args_list[0] if args_list and args_list[0] in SUBCOMMANDS else None
    parser = _PARSERS[command]() if command else main_parser()
    args = parser.parse_args(args_list[1:] if command else args_list)

    from smtp_tui.core.addresses import InputError
    from smtp_tui.core.config import ConfigError

    try:
        return _dispatch(command, args)
    except (InputError, ConfigError) as error:
        print(f"smtp-tui: error: {error}", file=sys.stderr)
        return ExitCode.USAGE
    except BrokenPipeError:
        # Output piped into something that stopped reading (`| head`): not an error of ours.
        from smtp_tui.plain.output import silence_stdout

        silence_stdout()
        return ExitCode.OK

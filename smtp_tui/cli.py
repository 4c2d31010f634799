"""Command line: `smtp-tui [TARGET]` opens the screen; `check`, `lab` (and more) run without it.

The Textual front end is imported only when the screen is wanted, so plain mode starts fast.
The parsers themselves are in :mod:`smtp_tui.cli_parsers`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from smtp_tui.cli_parsers import PARSERS, SUBCOMMANDS, bounce_parser, main_parser
from smtp_tui.exit_codes import ExitCode

TYPE_CHECKING = False  # as typing's, without importing typing (issue 15)
if TYPE_CHECKING:
    from smtp_tui.core.options import SessionOptions

# Heavy modules (asyncio, dnspython, Textual) are imported only once the arguments are parsed,
# so --help and usage errors answer at once.


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
    app = make_app(
        options,
        theme=config.theme,
        keymap=config_keymap(config),
        bounce=bounce,
        first_frame=True,
    )
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


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run what it asks for; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = args_list[0] if args_list and args_list[0] in SUBCOMMANDS else None
    parser = PARSERS[command]() if command else main_parser()
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

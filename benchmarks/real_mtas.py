"""Ask a real MTA on loopback for its default refusals, and show how smtp-tui reads each one.

Run:  python benchmarks/real_mtas.py 127.0.0.1:2527 --local example.test [--name Postfix]

The server must be one you started on this machine (Postfix, Exim, OpenSMTPD ... from the
distribution's packages; benchmarks/README.md, "Real MTAs on loopback", says how). The script
walks it through the refusals a guided run meets: an unknown local user, a relaying attempt,
HELO without or with a bad name, addresses it cannot parse, commands out of order, an unknown
command and parameter, a size over its limit, a line over 998 octets. It prints one row per
refusal (4xx or 5xx): the scenario, what smtp-tui says (category, side, the rule that decided)
and the reply as the server wrote it, so a reading that goes wrong shows at a glance. Nothing
leaves the machine: a non-loopback address is refused.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import smtplib
import sys
from collections.abc import Callable
from functools import partial

from smtp_tui.core.explain import explain_text
from smtp_tui.core.sanitize import sanitize_text

Connect = Callable[[], smtplib.SMTP]
GOOD_SENDER = "<a@example.org>"
EHLO = "EHLO client.example.org"
MAIL = f"MAIL FROM:{GOOD_SENDER}"


def refusals(
    connect: Connect, local: str, user: str = "postmaster", listed_sender: str | None = None
) -> list[tuple[str, int, str]]:
    """Each scenario on a fresh connection; every 4xx/5xx reply it drew, with its name."""
    scenarios: dict[str, list[str]] = {
        "unknown user": [EHLO, MAIL, f"RCPT TO:<nobody-here-9@{local}>"],
        "relaying": [EHLO, MAIL, "RCPT TO:<x@elsewhere.example>"],
        "HELO without a name": ["EHLO", "HELO"],
        "HELO with a bad name": ["EHLO bad_name!!", MAIL, f"RCPT TO:<{user}@{local}>"],
        "HELO not qualified": ["EHLO client", MAIL, f"RCPT TO:<{user}@{local}>"],
        "MAIL before HELO": [MAIL],
        "commands out of order": [EHLO, f"RCPT TO:<{user}@{local}>", "DATA"],
        "MAIL twice": [EHLO, MAIL, MAIL],
        "sender address malformed": [EHLO, "MAIL FROM:<a@>"],
        "sender not qualified": [EHLO, "MAIL FROM:<a@nofqdn>", f"RCPT TO:<{user}@{local}>"],
        "recipient address malformed": [EHLO, MAIL, "RCPT TO:<@>"],
        "unknown parameter": [EHLO, f"MAIL FROM:{GOOD_SENDER} FOO=BAR"],
        "bad BODY value": [EHLO, f"MAIL FROM:{GOOD_SENDER} BODY=9BIT"],
        "unknown command": [EHLO, "FOOBAR"],
        "AUTH not offered": [EHLO, "AUTH PLAIN AGZvbwBiYXI="],
        "VRFY": [EHLO, f"VRFY {user}"],
        "EXPN": [EHLO, f"EXPN {user}"],
        "size over the limit": [EHLO, f"MAIL FROM:{GOOD_SENDER} SIZE=999999999"],
        "DATA without recipients": [EHLO, MAIL, "DATA"],
    }
    if listed_sender:
        scenarios["sender on its block list"] = [
            EHLO,
            f"MAIL FROM:<{listed_sender}>",
            f"RCPT TO:<{user}@{local}>",
        ]
    found: list[tuple[str, int, str]] = []
    for name, commands in scenarios.items():
        found += _run(connect, name, commands)
    found += _long_line(connect, local, user)
    return found


def _run(connect: Connect, name: str, commands: list[str]) -> list[tuple[str, int, str]]:
    found: list[tuple[str, int, str]] = []
    smtp = _opened(connect, name, found)
    if smtp is None:
        return found
    try:
        for command in commands:
            code, text = smtp.docmd(command)
            if code >= 400:
                found.append((name, code, _text(text)))
            if code in (421, 221):
                break
    except (OSError, UnicodeError, ValueError, smtplib.SMTPException) as error:
        found.append((name, 0, f"(connection: {error})"))
    finally:
        _closed(smtp)
    return found


def _long_line(connect: Connect, local: str, user: str) -> list[tuple[str, int, str]]:
    """A message with a 1,200-octet line: RFC 5322 allows 998."""
    name = "line over 998 octets"
    found: list[tuple[str, int, str]] = []
    body = "Subject: long line\r\n\r\n" + "x" * 1200 + "\r\n"
    smtp = _opened(connect, name, found)
    if smtp is None:
        return found
    try:
        smtp.ehlo("client.example.org")
        smtp.sendmail("a@example.org", [f"{user}@{local}"], body)
    except smtplib.SMTPResponseException as error:
        found.append((name, error.smtp_code, _text(error.smtp_error)))
    except smtplib.SMTPRecipientsRefused as error:
        found += [(name, code, _text(text)) for code, text in error.recipients.values()]
    except (OSError, UnicodeError, ValueError, smtplib.SMTPException) as error:
        found.append((name, 0, f"(connection: {error})"))
    finally:
        _closed(smtp)
    return found


def _opened(connect: Connect, name: str, found: list[tuple[str, int, str]]) -> smtplib.SMTP | None:
    """A connection, or None with what refused it in ``found`` (a refusal at the greeting is a
    reply like any other: it is read too)."""
    try:
        return connect()
    except smtplib.SMTPConnectError as error:
        found.append((name, error.smtp_code, _text(error.smtp_error)))
    except (OSError, smtplib.SMTPException) as error:
        found.append((name, 0, f"(connection: {error})"))
    return None


def _closed(smtp: smtplib.SMTP) -> None:
    """QUIT, whatever the server answers to it, then close: its answer is not a scenario's."""
    with contextlib.suppress(OSError, smtplib.SMTPException):
        smtp.docmd("QUIT")
    smtp.close()


def _text(words: bytes | str) -> str:
    return words.decode(errors="replace") if isinstance(words, bytes) else words


def reply_lines(code: int, text: str) -> str:
    """smtplib joins a multi-line reply's texts with newlines and drops the codes: put them back."""
    parts = text.split("\n")
    return "\n".join(
        f"{code}{'-' if i < len(parts) - 1 else ' '}{part}" for i, part in enumerate(parts)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("server", help="HOST:PORT on loopback")
    parser.add_argument("--local", required=True, help="a domain the server takes mail for")
    parser.add_argument("--name", default="", help="the MTA's name, for the heading")
    parser.add_argument(
        "--user",
        default="postmaster",
        help="a mailbox there (default postmaster; some rules accept postmaster before any check)",
    )
    parser.add_argument(
        "--listed-sender", help="a sender address the server's own block list names (optional)"
    )
    parser.add_argument(
        "--source",
        help="connect from this loopback address (127.0.0.5, say): many MTAs trust 127.0.0.1",
    )
    args = parser.parse_args()
    given = (args.local, args.user, args.listed_sender or "")
    if any(not word.isprintable() or not word.isascii() or " " in word for word in given):
        print("--local, --user and --listed-sender take plain ASCII words only", file=sys.stderr)
        return 2
    host, _, port = args.server.rpartition(":")
    host = host.strip("[]")
    try:
        addresses = [host] + ([args.source] if args.source else [])
        loopback = all(ipaddress.ip_address(a).is_loopback for a in addresses)
        loopback = loopback and 0 < int(port) < 65536
    except ValueError:
        loopback = False
    if not loopback:
        print("give HOST:PORT (and --source) on loopback (127.0.0.0/8, ::1) only", file=sys.stderr)
        return 2
    source = (args.source, 0) if args.source else None
    connect = partial(smtplib.SMTP, host, int(port), timeout=30, source_address=source)
    print(f"# {args.name or args.server}: what it refused, and how smtp-tui reads it")
    for name, code, text in refusals(connect, args.local, args.user, args.listed_sender):
        # A server's words are untrusted: shown with escape sequences made visible.
        if code == 0:
            print(f"{name:28} {sanitize_text(text)}")
            continue
        reply = reply_lines(code, text)
        got = explain_text(reply)
        rule = sanitize_text(got.decided_by.removeprefix("Decided by: "))
        shown = sanitize_text(reply.replace("\n", " | "))
        print(f"{name:28} {got.category!s:18} {got.side!s:8} {shown}")
        print(f"{'':28} {rule}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Exit codes of every command (documented in --help and the README)."""

from __future__ import annotations

from enum import IntEnum

# The steps --quit-after can name, in order.
QUIT_AFTER = ("mx", "connect", "ehlo", "mail", "rcpt", "data")


class ExitCode(IntEnum):
    """Plain mode's exit codes (documented in --help and the README)."""

    OK = 0
    LISTED = 1  # `smtp-tui blacklist`: something is listed
    USAGE = 2
    DNS = 3
    CONNECT = 4
    BANNER_REJECTED = 5
    EHLO_REJECTED = 6
    MAIL_REJECTED = 7
    RCPT_REJECTED = 8
    DIALOGUE_BROKEN = 9
    TLS_FAILED = 10
    MESSAGE_REJECTED = 11
    CRASHED = 70  # the full screen stopped on an unexpected error (EX_SOFTWARE)
    HANGUP = 129  # SIGHUP: the terminal went away (a dropped SSH session)
    INTERRUPTED = 130
    TERMINATED = 143  # SIGTERM


EXIT_CODES_HELP = """\
exit codes:
  0  every step up to --quit-after was accepted
  2  usage error (bad option, malformed domain or address)
  3  DNS failure (no such domain, null MX, no MX host with an address, SERVFAIL, timeout)
  4  could not connect to any MX (refused, timed out, unreachable, no greeting)
  5  the server's greeting was a rejection (e.g. 554)
  6  EHLO (and HELO) rejected
  7  MAIL FROM rejected
  8  RCPT TO rejected
  9  the server broke off the dialogue after greeting (closed, timed out, not SMTP)
  10 TLS failed: STARTTLS not offered or refused, or the handshake failed (--starttls,
     --tls-on-connect)
  11 the test message was refused (--data)
  70  the full screen stopped on an unexpected error (the journal is still on disk)
  129 ended by SIGHUP (the terminal went away), after QUIT and the journal's last line
  130 interrupted (Ctrl+C)
  143 ended by SIGTERM, after QUIT and the journal's last line"""

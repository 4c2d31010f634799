"""Find the reply in a line as users paste it, and bound what the explainer reads.

A pasted line may be a bare reply (``550 5.1.1 ...``), a bounce's ``Diagnostic-Code: smtp; 550
...``, Postfix's ``host mx.example.com[192.0.2.1] said: 552 5.3.4 ... (in reply to RCPT TO
command)``, Exchange's ``Remote Server returned '550 5.7.606 ...'``, or a multi-line reply whose
continuation lines repeat ``550-5.7.1``. The reply code is found anywhere in it; the words are
joined into one line for matching. The bouncing MTA's words also say which command the reply
answered (``find_stage``), which the explainer reads when the codes name nothing.

Only a bounded prefix is read (``MAX_EXPLAINED_CHARS``): the reason is always near the start, and
a 16 MB reply must cost no more than a short one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from smtp_tui.core.explain_kinds import Stage
from smtp_tui.core.record import frozen_record
from smtp_tui.core.sanitize import is_unsafe_char

MAX_EXPLAINED_CHARS = 4096

# A line's own "550-" / "550 " prefix, and the enhanced code repeated after it.
_LINE_PREFIX = re.compile(r"^\s*(?:[2-5]\d\d(?:[ -]|$))?\s*(?:#?[245]\.\d{1,3}\.\d{1,3}\s+)?")
_WRAPPERS = re.compile(
    r"\(\s*in\s+reply\s+to\s+[^)]*\)"  # Postfix: (in reply to RCPT TO command)
    r"|\(\s*state\s+\d+\s*\)"  # Gmail: (state 14)
    # A DSN's diagnostic type, also pasted without its "Diagnostic-Code:" field name.
    r"|(?:\bdiagnostic-code:\s*|^\s*)(?:smtp|x-[\w-]+)\s*;"
    r"|\bremote-mta:\s*dns;\s*\S+"
    # The bouncing MTA's own words around the remote reply: Postfix, Exim, qmail, Exchange.
    r"|\bhost\s+\S+\s*(?:\[[^\]]*\])?\s+said:"
    r"|\bsmtp error from remote (?:mail )?server (?:after|for) [^:]{0,80}:"
    # Exim 4.9x: "SMTP error from remote server for RCPT TO command, host: mx (192.0.2.1) reason:"
    r"|(?:\bhost:\s*)?(?<!\S)\S++\s+\(\s*[\d.:a-f]+\s*\)\s+reason:"
    r"|\bsmtp error from remote mailer after [^:]{0,80}:"
    r"|\bremote host said(?:\[[^\]]*\])?:"
    r"|\bremote server returned\b"
    # (Possessive, anchored at a word's start: a 4 KiB run of letters costs one pass, not n².)
    # qmail-remote's own words around the remote reply ("192.0.2.1 does not like recipient.",
    # "Connected to 192.0.2.1 but sender was rejected.", "Giving up on 192.0.2.1."): they name
    # the recipient or the sender whatever the reply says, so they are not read as its words.
    r"|(?<!\S)\S++ does not like recipient\."
    r"|(?<!\S)\S++ failed (?:after I sent the message|on DATA command)\."
    r"|\bconnected to \S++ but (?:sender|my name) was rejected\."
    r"|\bgiving up on \S++",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_ENHANCED_ONLY = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})\s*$")
# A line that starts with a code may use one RFC 5321 does not define (Verizon's 571, Telstra's
# 558): the first digit still says what it is. "550.5.7.0" glues the enhanced code on with a dot.
_CODE_AT_START = re.compile(r"^\s*['\"]?([2-5]\d\d)(?=[\s\-:'\"]|\.[245]\.\d|$)")
# A code elsewhere in the line: after words that introduce a reply, or before an enhanced code.
_CODE_ANYWHERE = re.compile(
    r"(?:(?:said|smtp;|returned|reason|error|response|reply|replied|answer|status|<<<|:|;|'|\")"
    r"\s*['\"]?)([2-5][0-5]\d)(?=[\s\-'\"]|$)"
    r"|(?<![\w.\-/#\[(=+])([2-5][0-5]\d)[ -]+#?(?=[245]\.\d{1,3}\.\d{1,3}(?![\d]|\.\d))",
    re.IGNORECASE,
)
_ENHANCED_NEXT = re.compile(r"^[\s\-.]*['\"]?#?([245])\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)")
_ENHANCED_ANYWHERE = re.compile(r"(?<![\w.])#?([245])\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)")

# Which command the reply answered, as the reporting MTA says it: Postfix's "(in reply to RCPT TO
# command)" and "refused to talk to me", Exim's "SMTP error from remote mail server after MAIL
# FROM:", "after initial connection" and (4.9x) "from remote server for MAIL FROM command", qmail's
# "Connected to ... but sender was rejected" / "but my name was rejected" / "but greeting failed".
_STAGE = re.compile(
    r"in\s+reply\s+to\s+(?P<reply>mail\s+from|rcpt\s+to|end\s+of\s+data|data|ehlo|helo|starttls)\b"
    r"|remote\s+(?:mail\s+server|mailer)\s+after\s+(?:pipelined\s+)?(?P<after>mail\s+from|rcpt\s+to"
    r"|end\s+of\s+data|data|initial\s+connection|ehlo|helo)"
    # Exim 4.9x: "SMTP error from remote server for MAIL FROM command" ("TEXT" is the message).
    r"|remote\s+server\s+for\s+(?P<for>mail\s+from|rcpt\s+to|text|data|ehlo|helo|starttls)"
    r"\s+command"
    r"|(?P<connect>refused\s+to\s+talk\s+to\s+me|initial\s+server\s+greeting"
    r"|but\s+greeting\s+failed)"
    r"|(?P<sender>but\s+sender\s+was\s+rejected)"
    r"|(?P<helo>but\s+my\s+name\s+was\s+rejected)",
    re.IGNORECASE,
)
_STAGE_WORDS = {
    "mail from": Stage.MAIL,
    "rcpt to": Stage.RCPT,
    "data": Stage.DATA,
    "end of data": Stage.DATA,
    "initial connection": Stage.CONNECT,
    "helo": Stage.HELO,
    "ehlo": Stage.HELO,
    "starttls": Stage.STARTTLS,
    "text": Stage.DATA,
}


def find_stage(text: str) -> Stage | None:
    """The command a pasted reply answered, from the bouncing MTA's words around it; None when
    not said."""
    found = _STAGE.search(text[:MAX_EXPLAINED_CHARS])
    if found is None:
        return None
    if found.group("connect"):
        return Stage.CONNECT
    if found.group("sender"):
        return Stage.MAIL
    if found.group("helo"):
        return Stage.HELO
    said = found.group("reply") or found.group("after") or found.group("for") or ""
    words = " ".join(said.lower().split())
    return _STAGE_WORDS.get(words)


@frozen_record
class PastedReply:
    """What was found in a pasted line: its codes (None when absent) and its words, on one
    bounded, printable line."""

    code: int | None
    enhanced: str | None
    text: str
    stage: Stage | None = None  # the command the reply answered, when the paste says (find_stage)


def bounded_lines(lines: Iterable[str], limit: int = MAX_EXPLAINED_CHARS) -> list[str]:
    """The first lines of ``lines`` up to ``limit`` characters in all (the last one cut)."""
    kept: list[str] = []
    room = limit
    for line in lines:
        if room <= 0:
            break
        kept.append(line[:room])
        room -= len(line) + 1
    return kept


# The local part of an e-mail address in the reply ("<spammer@example.org>"): the sender's or
# recipient's chosen name, not the server's words, so no family may read it ("... Access
# denied" is not spam for naming spammer@). Masked with as many x's, which keeps every span where
# it was (the words shown are the line's own). RFC 2142's role mailboxes stay when the server
# names them ("contact abuse@..." points at your behaviour), not when it echoes one as an
# envelope address ("<abuse@...>... Access denied"). A URL is left whole: its query may carry an
# address, but its host and path are the server's words ("spamhaus.org/query/...").
_URL_OR_LOCAL_PART = re.compile(
    r"(?P<url>https?://\S+)"
    r"|(?<![\w.+%!#$&'*^`{|}~-])"
    r"(?:(?<=<)|(?!(?:abuse|postmaster|hostmaster|security|noc|webmaster|mailer-daemon)@))"
    r"(?P<local>[\w.+%!#$&'*^`{|}~-]+)(?=@(?:[\w-]+(?:\.[\w-]+)*|\[[^\]]*\]))",
    re.IGNORECASE,
)


def without_local_parts(text: str) -> str:
    """``text`` with the local part of every e-mail address made x's (same length): the line
    every reader of the explainer reads, from the known texts to the learned words."""
    if "@" not in text:
        return text
    return _URL_OR_LOCAL_PART.sub(
        lambda found: found.group() if found.group("url") else "x" * len(found.group()), text
    )


def led_by_code(line: str, code: int | None) -> str:
    """The reply's words as a pasted line has them, led by the basic code. A reply from the
    wire comes without it (``Reply.lines`` hold the text after the code), a pasted line or a
    DSN's Diagnostic-Code with it; a pattern anchored on the code ("^501 ...") must read a
    session's reply as it reads the same reply pasted into F2."""
    if code is None or not line or _CODE_AT_START.match(line):
        return line
    return f"{code} {line}"


def one_line(text: str, limit: int = MAX_EXPLAINED_CHARS) -> str:
    """``text`` cut to ``limit`` characters, each line's repeated code prefix removed, wrappers
    of the bouncing software removed, unsafe characters made spaces, joined with single spaces."""
    # Cut first: splitting a 16 MB reply into lines would already cost more than explaining it.
    lines = bounded_lines(text[:limit].splitlines(), limit)
    pieces = [lines[0]] if lines else []
    pieces += [_LINE_PREFIX.sub("", line, count=1) for line in lines[1:]]
    joined = " ".join(pieces)
    joined = "".join(" " if is_unsafe_char(char) else char for char in joined)
    joined = _WRAPPERS.sub(" ", joined)
    return _SPACES.sub(" ", joined).strip()


def _enhanced_near(rest: str, code: int | None) -> str | None:
    match = _ENHANCED_NEXT.match(rest)
    if match and (code is None or int(match.group(1)) == code // 100):
        return ".".join(match.groups())
    return None


def find_enhanced(text: str, code: int | None) -> str | None:
    """The first enhanced status code anywhere in ``text`` whose class fits ``code``."""
    for match in _ENHANCED_ANYWHERE.finditer(text):
        if code is None or int(match.group(1)) == code // 100:
            return ".".join(match.groups())
    return None


def parse_pasted(text: str) -> PastedReply:
    """Find the reply code and enhanced code anywhere in a pasted line (see the module doc)."""
    line = one_line(text)
    stage = find_stage(text)
    only = _ENHANCED_ONLY.match(line)
    if only:
        return PastedReply(None, ".".join(only.groups()), "")
    start = _CODE_AT_START.match(line)
    if start:
        code = int(start.group(1))
        enhanced = _enhanced_near(line[start.end() :], code) or find_enhanced(line, code)
        return PastedReply(code, enhanced, line, stage)
    for match in _CODE_ANYWHERE.finditer(line):
        group = 1 if match.group(1) else 2
        code = int(match.group(group))
        enhanced = _enhanced_near(line[match.end(group) :], code) or find_enhanced(line, code)
        return PastedReply(code, enhanced, line, stage)
    return PastedReply(None, find_enhanced(line, None), line, stage)

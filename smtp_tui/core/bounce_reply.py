"""What one diagnostic text says: the remote reply's code and enhanced status, the host that
answered, and the SMTP command the reply answered.

Bouncing MTAs wrap the remote server's reply in words of their own: Postfix's "host X said:
... (in reply to RCPT TO command)", Exim's "SMTP error from remote mail server after RCPT
TO:<...>: host X [ip]: 550 ...", Sendmail's ">>> DATA / <<< 550 ...", qmail's "remote host X
said: ...". The patterns below are data about those wrappers, tried in order.
"""

from __future__ import annotations

import re

from smtp_tui.core.record import frozen_record

_HOST = r"([A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9]|\[?[0-9a-fA-F.:]+\]?)"
# The remote host named in a diagnostic text, most specific wrapper first.
_HOST_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\bhost {_HOST}\.?\s*\[[^\]]*\]\s*said:",  # Postfix
        rf"\bhost {_HOST}\.?\s*\[[^\]]*\]\s*:",  # Exim
        rf"\bhost {_HOST}\.?\s*said:",
        rf"\bhost {_HOST}\.?\s*\[[^\]]*\]",  # Exim, other wordings
        rf"^\s*{_HOST}\.?\s*\[[^\]]*\]\s*did not like",  # DragonFly
        rf"\bremote host {_HOST}\.?\s+said",  # qmail
        rf"while talking to {_HOST}\.?:",  # Sendmail
        rf"rejected by the server for the recipient domain \S+ by {_HOST}\.?\s*\[",  # Gmail
        rf"\bby {_HOST}\.?\s*\[[0-9a-fA-F.:]+\]\.?\s*(?:$|The error)",
        rf"\bconnect(?:ion)? to {_HOST}\.?\s*\[[^\]]*\]",  # Postfix, no connection
        rf"\b(?:conversation|lost connection) with {_HOST}\.?\s*\[",
        rf"\bMX host {_HOST}\.?\s*(?:\[|said)",
        rf"\bfrom remote (?:mail )?server {_HOST}\.?\s*\[",
        rf"\bremote server \[?{_HOST}\]? said",
        rf"\bRemote-MTA:\s*(?:dns;\s*)?{_HOST}",
        rf"(?:^|\s){_HOST}\.?\s+Remote Server returned",  # Exchange: the host above the reply
        rf"\bConnected to {_HOST} but",  # qmail
        rf"(?:^|\s){_HOST} (?:does not like|failed after|failed on|didn't understand)",  # qmail
        rf"\bSMTP Server <{_HOST}>",
        rf"\bServer {_HOST}\s*\[[^\]]*\] failed with",
        rf"\bSMTP:[A-Z]+ host {_HOST}",
        # Exchange 2007/2010: "Remote Server at mx.example (192.0.2.1) returned '...'".
        rf"\bRemote Server at {_HOST}\.?\s*\(",
    )
)
# The SMTP command a reply answered, from the words around it.
_COMMAND_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), command)
    for pattern, command in (
        (r"in reply to (?:the )?(?:end of )?DATA\b", "DATA"),
        (r"in reply to (?:the )?RCPT\b", "RCPT"),
        (r"in reply to (?:the )?MAIL\b", "MAIL"),
        (r"in reply to (?:the )?EHLO\b", "EHLO"),
        (r"in reply to (?:the )?HELO\b", "HELO"),
        (r"in reply to (?:the )?STARTTLS\b", "STARTTLS"),
        (r"in reply to (?:the )?(?:initial )?(?:greeting|banner|connect)", "CONN"),
        (r"after (?:pipelined )?(?:end of data|DATA\b|sending (?:end of )?data)", "DATA"),
        (r"after (?:pipelined )?RCPT\b", "RCPT"),
        (r"after (?:pipelined )?MAIL\b", "MAIL"),
        (r"after EHLO\b", "EHLO"),
        (r"after HELO\b", "HELO"),
        (r"after STARTTLS\b", "STARTTLS"),
        (r"after (?:the )?initial connection|in the initial connection|greeting", "CONN"),
        (r"\bfor (?:the )?TEXT command|sending (?:end of )?data|in reply to end of data", "DATA"),
        (
            r"\bfor (?:the )?RCPT TO command|most progress was RCPT|\[RCPT_TO\]|RCPT TO response",
            "RCPT",
        ),
        (
            r"\bfor (?:the )?MAIL FROM command|most progress was MAIL|\[MAIL_FROM\]|"
            r"MAIL FROM response",
            "MAIL",
        ),
        (r"most progress was DATA|DATA response|\[DATA\]", "DATA"),
        (r"Error following (?:the )?(?:end of )?DATA\b", "DATA"),
        (r"Error following (?:the )?RCPT\b", "RCPT"),
        (r"Error following (?:the )?MAIL\b", "MAIL"),
        (r"did not like our (?:final )?DATA", "DATA"),
        (r"did not like our RCPT", "RCPT"),
        (r"did not like our MAIL", "MAIL"),
        (r"did not like our (?:EHLO|HELO)", "EHLO"),
        (r"does not like recipient|SMTP:RCPT\b", "RCPT"),
        (r"sender was rejected|SMTP:MAIL\b", "MAIL"),
        (r"my name was rejected", "EHLO"),
        (r"failed after I sent the message|refused to accept your message \(DATA\)", "DATA"),
        (r"refused to talk to me|greeting failed|rejected the connection", "CONN"),
        # Postfix: the connection broke during a step.
        (r"while receiving the initial server greeting", "CONN"),
        (r"while performing the (?:HELO|EHLO) handshake", "HELO"),
        (r"while performing the (?:TLS|STARTTLS) handshake", "STARTTLS"),
        (r"while sending MAIL FROM", "MAIL"),
        (r"while sending RCPT TO", "RCPT"),
        (r"while sending (?:message body|end of data|DATA)", "DATA"),
        # Gmail's own state numbers (as sisimai reads them).
        (r"\(state (?:17|18)\)", "DATA"),
        (r"\(state 14\)", "RCPT"),
        (r"\(state 6\)", "MAIL"),
        (r"\(state (?:9|13)\)", "EHLO"),
        (r"SMTP command:?\s+DATA\b|\bin DATA\s*$", "DATA"),
        (r"SMTP command:?\s+RCPT\b|\bin RCPT TO\s*$", "RCPT"),
        (r"SMTP command:?\s+MAIL\b|\bin MAIL FROM\s*$", "MAIL"),
        (r">>> DATA|>>> \.\s", "DATA"),
        (r">>> RCPT", "RCPT"),
        (r">>> MAIL", "MAIL"),
        (r">>> EHLO", "EHLO"),
        (r">>> HELO", "HELO"),
        (r">>> STARTTLS", "STARTTLS"),
    )
)
# Where the remote server's words begin, most specific wrapper first.
_REPLY_STARTS = tuple(
    re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    for pattern in (
        r"<<<\s*(?=[45]\d\d\b)",  # Sendmail transcript
        r"\bsaid:?\s*(?=[45]\d\d\b)",  # Postfix, qmail
        r"\]:\s*(?=[45]\d\d\b)",  # Exim "host x [ip]: 550"
        r"returned:?\s*'?\s*#?(?=[45]\d\d\b)",  # Exchange, Gmail
        r"server was:\s*(?=[45]\d\d\b)",
        r"ERROR_CODE\s*:\s*(?=[45]\d\d\b)",  # Zoho
        r"ResponseCode\s+(?=[45]\d\d\b)",  # Zoho: "[Status: Error, ..., ResponseCode 421, ...]"
        r"did not like our [^:]*:\s*(?=[45]\d\d\b)",  # DragonFly
        r"(?:^|[\s'\"(#:\[])(?=[45][0-5]\d[ -](?:\s*[45]\.\d{1,3}\.\d{1,3}\b))",
        r"(?:^|[\s'\"(#])(?=[45][0-5]\d(?:[ -]|: )\S)",
        r"(?:^|[\s'\"(#])(?=[45][0-5]\d$)",
    )
)
_NESTED_REPLY = re.compile(r"<\s*([45]\d\d[ -][245]\.\d{1,3}\.\d{1,3}\b[^<>]*)>")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_CODE = re.compile(r"([45][0-5]\d)(?![\d.])")
_STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)")
# The bouncing MTA's words around a reply, dropped before the reply is explained.
_WRAPPERS = re.compile(
    r"\s*\((?:in reply to [^)]*|state \d+)\)|\s*\[(?:RCPT_TO|MAIL_FROM|DATA)\]|"
    r"\s*\(#\d\.\d+\.\d+\)|'\s*$|\s*Giving up on \S+$|\s*I'm not going to try again.*$|"
    r"\s*No action is required on your part.*$|\s*Original message headers:.*$",
    re.IGNORECASE,
)


@frozen_record
class ReplyFacts:
    """What a diagnostic text says; every field None when it does not say it."""

    code: int | None = None
    status: str | None = None
    host: str | None = None
    command: str | None = None
    reply_text: str | None = None  # from the reply code on, the MTA's wrappers removed
    reply_status: str | None = None  # the enhanced code right after the reply code


def find_status(text: str) -> str | None:
    """The first enhanced status code (x.y.z) in ``text``."""
    match = _STATUS.search(text)
    return ".".join(match.groups()) if match else None


def _is_host(name: str) -> bool:
    """A host name with a dot, an IPv4 address, or an IPv6 address (not "2002" or "host")."""
    if ":" in name:
        return name.count(":") >= 2
    return ("." in name and not name.replace(".", "").isdigit()) or _IPV4.fullmatch(
        name
    ) is not None


def find_host(text: str) -> str | None:
    for pattern in _HOST_PATTERNS:
        for match in pattern.finditer(text):
            host = match.group(1).strip("[]").rstrip(".")
            if _is_host(host):
                return host
    return None


def find_command(text: str) -> str | None:
    for pattern, command in _COMMAND_PATTERNS:
        if pattern.search(text):
            return command
    return None


def find_reply(text: str) -> tuple[int | None, str | None]:
    """The remote reply's code and its text (from the code on), if ``text`` holds one."""
    for pattern in _REPLY_STARTS:
        match = pattern.search(text)
        if match is None:
            continue
        rest = text[match.end() :]
        code = _CODE.match(rest)
        if code is None:
            continue
        if match.end() > 0 and text[match.end() - 1] == "[" and "]" in rest:
            rest = rest[: rest.index("]")]  # "It responded as follows: [550 5.1.1 ...]"
        reply = _WRAPPERS.sub("", rest).strip()
        if reply.endswith(")") and reply.count(")") > reply.count("("):
            # The reply closes a parenthesis the MTA opened: Sendmail's "(reason: 550 ...)".
            reply = reply[:-1].rstrip()
        return int(code.group(1)), " ".join(reply.split()) or None
    return None, None


def read_reply(text: str) -> ReplyFacts:
    """Read a diagnostic text (one line or several) for the facts above."""
    if not text:
        return ReplyFacts()
    nested = _NESTED_REPLY.search(text)
    # "554 4.4.7 Message expired ... <421 4.4.2 Connection timed out>": the bouncing MTA's
    # words wrap the remote server's last reply, which is the one that says why.
    code, reply = find_reply(nested.group(1) if nested else text)
    reply_status = None
    if reply is not None and code is not None:
        reply_status = find_status(reply[3:].lstrip(" -:")[:20])
    status = reply_status or find_status(text)
    return ReplyFacts(
        code=code,
        status=status,
        reply_status=reply_status,
        host=find_host(text),
        command=find_command(text),
        reply_text=reply,
    )

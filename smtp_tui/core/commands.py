"""Build and check the commands the user is about to send.

Everything typed is checked before a byte leaves: control characters are refused (an
embedded CR LF would smuggle a second command past the user's eyes), over-long lines and
addresses without angle brackets are warned about but may be sent as typed, since seeing the
server's answer to them is the lesson.
"""

from __future__ import annotations

import re

from smtp_tui.core.record import frozen_record
from smtp_tui.core.sanitize import hidden_character_problem

# RFC 5321 §4.5.3.1.4: a command line is at most 512 octets including CR LF.
MAX_COMMAND_OCTETS = 512

_PATH_COMMAND = re.compile(r"^(MAIL\s+FROM|RCPT\s+TO)\s*:\s*(.*)$", re.IGNORECASE)
_CONTROL_NAMES = {0: "NUL", 9: "TAB", 10: "LF (line feed)", 13: "CR (carriage return)", 27: "ESC"}


class CommandRefused(ValueError):
    """A command that must not be sent; the message says why in plain words."""


@frozen_record
class CommandCheck:
    """What the validator found in one command line."""

    text: str
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the command may be sent (warnings allowed)."""
        return not self.errors

    @property
    def verb(self) -> str:
        return command_verb(self.text)

    def wire_bytes(self) -> bytes:
        """The bytes to write, CR LF included; raises CommandRefused if not ok."""
        if self.errors:
            raise CommandRefused(self.errors[0])
        return self.text.encode("utf-8") + b"\r\n"


def command_verb(text: str) -> str:
    """The command's verb in upper case: ``"MAIL"`` for ``"mail from:<a@b>"``."""
    head = text.strip().split(None, 1)
    return head[0].split(":", 1)[0].upper() if head else ""


def _describe_control(code: int) -> str:
    name = _CONTROL_NAMES.get(code)
    return f"{name} (\\x{code:02x})" if name else f"\\x{code:02x}"


def check_command(text: str, *, smtputf8: bool = False) -> CommandCheck:
    """Check one command line as the user typed it, without its line ending."""
    errors: list[str] = []
    warnings: list[str] = []
    controls = sorted({ord(ch) for ch in text if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F})
    if controls:
        names = ", ".join(_describe_control(code) for code in controls)
        if 10 in controls or 13 in controls:
            errors.append(
                f"The command contains {names}. A line break inside a command would send a "
                "second command the server sees but you did not mean to type; remove it."
            )
        else:
            errors.append(f"The command contains the control character(s) {names}; remove them.")
    if not text.strip():
        errors.append("The command is empty.")
    hidden = hidden_character_problem(text)
    if hidden:
        errors.append(hidden)
    if not text.isascii():
        if smtputf8:
            warnings.append("Non-ASCII characters: allowed because the server announced SMTPUTF8.")
        else:
            errors.append(
                "The command contains non-ASCII characters, which SMTP allows only when the "
                "server announces SMTPUTF8 (it has not). Use the ASCII (xn--) form of the domain."
            )
    octets = len(text.encode("utf-8")) + 2
    if octets > MAX_COMMAND_OCTETS:
        warnings.append(
            f"The command is {octets} octets with CR LF; RFC 5321 allows 512. "
            "Many servers will answer 500 (line too long)."
        )
    match = _PATH_COMMAND.match(text.strip())
    if match:
        path = match.group(2).split(" ", 1)[0]
        if not (path.startswith("<") and path.endswith(">")):
            warnings.append(
                "The address has no angle brackets. RFC 5321 requires them (MAIL FROM:<a@b>) "
                "and many servers reject the command without them; it will be sent as typed."
            )
    return CommandCheck(text=text, errors=tuple(errors), warnings=tuple(warnings))


def ehlo(name: str) -> str:
    return f"EHLO {name}"


def helo(name: str) -> str:
    return f"HELO {name}"


def mail_from(address: str) -> str:
    return f"MAIL FROM:<{address}>"


def rcpt_to(address: str) -> str:
    return f"RCPT TO:<{address}>"

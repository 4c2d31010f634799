"""What both SMTP connections do around a command, whatever their waiting: validate it with
what the server announced, refuse it before anything is sent, and learn the EHLO keywords
from the reply (forgotten after HELO, a refused EHLO, or STARTTLS)."""

from __future__ import annotations

from smtp_tui.core.commands import CommandCheck, CommandRefused, check_command
from smtp_tui.core.replies import Reply, parse_ehlo_keywords
from smtp_tui.core.smtp_errors import NotConnected


class SmtpCommands:
    """The command side shared by the asyncio and the blocking connection."""

    keywords: dict[str, str]

    @property
    def is_open(self) -> bool:
        raise NotImplementedError

    def check(self, text: str) -> CommandCheck:
        """Validate a command with what this server announced (SMTPUTF8)."""
        return check_command(text, smtputf8="SMTPUTF8" in self.keywords)

    def checked(self, command: str | CommandCheck) -> CommandCheck:
        """``command`` validated; CommandRefused (nothing sent) or NotConnected otherwise."""
        check = command if isinstance(command, CommandCheck) else self.check(command)
        if not check.ok:
            raise CommandRefused(check.errors[0])
        if not self.is_open:
            raise NotConnected("Not connected: connect to a server first.")
        return check

    def learn(self, check: CommandCheck, reply: Reply) -> None:
        """The EHLO keywords, from a 250 to EHLO; none after HELO or a refused EHLO."""
        if check.verb == "EHLO" and reply.code == 250:
            self.keywords = parse_ehlo_keywords(reply)
        elif check.verb in ("EHLO", "HELO"):
            self.keywords = {}

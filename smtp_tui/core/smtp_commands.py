"""What both SMTP connections do around a command, whatever their waiting: validate it with
what the server announced, refuse it before anything is sent, and learn the EHLO keywords
from the reply (forgotten after HELO, a refused EHLO, or STARTTLS)."""

from __future__ import annotations

from smtp_tui.core.commands import CommandCheck, CommandRefused, check_command
from smtp_tui.core.connect_settings import Timeouts
from smtp_tui.core.replies import Reply, parse_ehlo_keywords
from smtp_tui.core.reply_reading import ReplyReading
from smtp_tui.core.smtp_errors import NotConnected
from smtp_tui.core.transcript import Transcript


class SmtpCommands:
    """The command side shared by the asyncio and the blocking connection, and the state both
    keep about the connection."""

    def __init__(self, transcript: Transcript, *, timeouts: Timeouts | None = None) -> None:
        self.transcript = transcript
        self.timeouts = timeouts or Timeouts()
        self._reading = ReplyReading(transcript)
        self.keywords: dict[str, str] = {}
        self.peer: tuple[str, int] | None = None
        self.local: tuple[str, int] | None = None  # the source address really used
        self.tls = False
        self.connected_at: float | None = None
        self.banner_seconds: float | None = None

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

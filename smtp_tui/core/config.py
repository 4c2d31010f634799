"""User defaults from ``$XDG_CONFIG_HOME/smtp-tui/config.toml``.

A broken file gives a :class:`ConfigError` that names the file and the line, never a traceback.
Example::

    helo = "mail.example.com"          # EHLO name
    mail_from = "postmaster@example.com"
    dns = "9.9.9.9"                    # resolver, SERVER[:PORT]
    theme = "textual-dark"

    ip = "192.0.2.25"                  # your mail server's public IP (blacklist checks)

    [timeouts]                         # seconds
    connect = 20
    banner = 60
    command = 60
    dns = 5

    [blacklists]
    enable = ["dnsbl-1.uceprotect.net"] # zones (names or ids) to add to the default set
    disable = ["all.spamrats.com"]      # zones to leave out

    [keys]                             # binding id = keys (comma-separated)
    copy-ticket = "ctrl+k"
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from smtp_tui.core.addresses import (
    InputError,
    check_helo_name,
    check_sending_ip,
    parse_address,
)
from smtp_tui.core.numbers import NumberError, check_seconds, shown
from smtp_tui.core.record import field, frozen_record

TYPE_CHECKING = False  # as typing's, without importing typing (issue 15)
if TYPE_CHECKING:
    from pathlib import Path

_TOP_KEYS = ("helo", "mail_from", "dns", "theme", "ip")
_BLACKLIST_KEYS = ("enable", "disable")
_TIMEOUT_KEYS = ("connect", "banner", "command", "dns")
# No setting needs more (a domain is at most 255 octets, an address 320); anything longer is
# refused before it is parsed, so no message ever echoes a megabyte.
MAX_VALUE_CHARS = 512
# Room for the explanation; a message longer than this is cut.
_MAX_REASON_CHARS = 300


class ConfigError(ValueError):
    """The config file is unreadable or wrong; the message names the file and what to fix."""


@frozen_record
class Config:
    helo: str | None = None
    mail_from: str | None = None
    dns: str | None = None
    theme: str | None = None
    ip: str | None = None
    timeouts: dict[str, float] = field(default_factory=dict)
    blacklists_enable: tuple[str, ...] = ()
    blacklists_disable: tuple[str, ...] = ()
    keymap: dict[str, str] = field(default_factory=dict)  # checked by smtp_tui.ui.keymap
    path: Path | None = None


def _config_file() -> str | None:
    # Text, not a Path: pathlib (with urllib and ipaddress) is imported only when a config
    # file exists (issue 15).
    base = os.environ.get("XDG_CONFIG_HOME")
    if not base:
        home = os.path.expanduser("~")
        if home == "~":  # no HOME and no passwd entry: no config (not "./~/.config/...")
            return None
        base = os.path.join(home, ".config")
    return os.path.join(base, "smtp-tui", "config.toml")


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file is an empty config."""
    where = _config_file() if path is None else os.fspath(path)
    if where is None:
        return Config()
    try:
        with open(where, encoding="utf-8") as file:
            text = file.read()
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{where}: cannot be read ({error}).") from None
    import tomllib  # only when a config file exists (issue 15)
    from pathlib import Path

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{where}: not valid TOML: {error}.") from None
    return _ConfigReader(Path(where), text).read(data)


def _cut(text: str, limit: int = _MAX_REASON_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


class _ConfigReader:
    """Turns the parsed TOML into a Config; every error names the file, the line and the key."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def where(self, key: str, table: str | None = None) -> str:
        """``<path> (line N) [table] key`` for messages."""
        line = ""
        for number, content in enumerate(self.text.splitlines(), start=1):
            if content.strip().startswith(key):
                line = f" (line {number})"
                break
        label = f"[{table}] {shown(key)[1:-1]}" if table else shown(key)[1:-1]
        return f"{self.path}{line}: {label}"

    def read(self, data: dict[str, object]) -> Config:
        values: dict[str, str] = {}
        timeouts: dict[str, float] = {}
        blacklists: dict[str, tuple[str, ...]] = {}
        keymap: dict[str, str] = {}
        for key, value in data.items():
            if key == "blacklists":
                blacklists = self.blacklists(value)
            elif key == "keys":
                keymap = self.keys(value)
            elif key == "timeouts":
                timeouts = self.timeouts(value)
            elif key in _TOP_KEYS:
                values[key] = self.setting(key, value)
            else:
                raise ConfigError(
                    f"{self.where(key)}: unknown setting; "
                    f"known: {', '.join([*_TOP_KEYS, 'timeouts', 'blacklists', 'keys'])}."
                )
        return Config(
            helo=values.get("helo"),
            mail_from=values.get("mail_from"),
            dns=values.get("dns"),
            theme=values.get("theme"),
            ip=values.get("ip"),
            timeouts=timeouts,
            blacklists_enable=blacklists.get("enable", ()),
            blacklists_disable=blacklists.get("disable", ()),
            keymap=keymap,
            path=self.path,
        )

    def setting(self, key: str, value: object) -> str:
        if not isinstance(value, str):
            raise ConfigError(f"{self.where(key)}: must be a string.")
        if len(value) > MAX_VALUE_CHARS:
            raise ConfigError(
                f"{self.where(key)} = {shown(value)}: {len(value)} characters is far too long."
            )
        check = _VALUE_CHECKS.get(key)
        if check is not None:
            try:
                check(value)
            except (InputError, ValueError) as error:
                # The checks were written for the command line: say "it", not "--dns 'x'".
                reason = str(error).replace(repr(value.strip()), "it").replace(repr(value), "it")
                reason = re.sub(r"^--[a-z-]+ (it: )?", "", reason)
                raise ConfigError(f"{self.where(key)} = {shown(value)}: {_cut(reason)}") from None
        return value

    def timeouts(self, value: object) -> dict[str, float]:
        if not isinstance(value, dict):
            raise ConfigError(f"{self.where('timeouts')}: must be a table.")
        found: dict[str, float] = {}
        for name, seconds in value.items():
            if name not in _TIMEOUT_KEYS:
                raise ConfigError(
                    f"{self.where(name, 'timeouts')}: unknown timeout; "
                    f"known: {', '.join(_TIMEOUT_KEYS)}."
                )
            number = isinstance(seconds, int | float) and not isinstance(seconds, bool)
            what = f"{self.where(name, 'timeouts')} = {_cut(str(seconds), 80)}"
            if not number:
                raise ConfigError(f"{what}: must be a finite, positive number of seconds.")
            try:
                # TOML allows nan and inf; neither is a timeout (nan would wait forever).
                found[name] = check_seconds(float(seconds), what)
            except (NumberError, OverflowError):
                raise ConfigError(
                    f"{what}: must be a finite, positive number of seconds."
                ) from None
        return found

    def keys(self, value: object) -> dict[str, str]:
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ConfigError(
                f"{self.where('keys')}: [keys] maps binding ids to keys, "
                'e.g. copy-ticket = "ctrl+k".'
            )
        for name, keys in value.items():
            if len(keys) > MAX_VALUE_CHARS:
                raise ConfigError(f"{self.where(name, 'keys')} = {shown(keys)}: far too long.")
        return dict(value)

    def blacklists(self, value: object) -> dict[str, tuple[str, ...]]:
        if not isinstance(value, dict):
            raise ConfigError(f"{self.where('blacklists')}: must be a table.")
        found: dict[str, tuple[str, ...]] = {}
        for name, zones in value.items():
            if name not in _BLACKLIST_KEYS:
                raise ConfigError(
                    f"{self.where(name, 'blacklists')}: unknown blacklist setting; "
                    "known: enable, disable."
                )
            if not isinstance(zones, list) or not all(
                isinstance(z, str) and len(z) <= MAX_VALUE_CHARS for z in zones
            ):
                raise ConfigError(
                    f"{self.where(name, 'blacklists')}: must be a list of zone names."
                )
            found[name] = tuple(zones)
        return found


def _check_mail_from(text: str) -> None:
    if text != "<>":
        parse_address(text)


def _check_dns(text: str) -> None:
    # ASCII first: "9.9.9.9:٥٣" must not become port 53 through int().
    if not text.isascii():
        raise InputError("give the resolver's IP address, e.g. 9.9.9.9 or [::1]:5353 (ASCII).")
    from smtp_tui.core.dns import parse_dns_server  # dnspython: only when there is a dns

    parse_dns_server(text)


_VALUE_CHECKS: dict[str, Callable[[str], None]] = {
    "helo": check_helo_name,
    "mail_from": _check_mail_from,
    "ip": check_sending_ip,
    "dns": _check_dns,
}

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
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

_TOP_KEYS = {"helo": str, "mail_from": str, "dns": str, "theme": str, "ip": str}
_BLACKLIST_KEYS = ("enable", "disable")
# Binding ids that [keys] may remap (see the README).
_TIMEOUT_KEYS = ("connect", "banner", "command", "dns")


class ConfigError(ValueError):
    """The config file is unreadable or wrong; the message names the file and what to fix."""


@dataclass(frozen=True)
class Config:
    helo: str | None = None
    mail_from: str | None = None
    dns: str | None = None
    theme: str | None = None
    ip: str | None = None
    timeouts: dict[str, float] = field(default_factory=dict)
    blacklists_enable: tuple[str, ...] = ()
    blacklists_disable: tuple[str, ...] = ()
    keymap: dict[str, str] = field(default_factory=dict)
    path: Path | None = None


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "smtp-tui" / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file is an empty config."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read ({error}).") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}.") from None
    return _from_data(data, path, text)


def _line_of(text: str, key: str) -> str:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(key):
            return f" (line {number})"
    return ""


def _from_data(data: dict[str, object], path: Path, text: str) -> Config:
    values: dict[str, object] = {}
    timeouts: dict[str, float] = {}
    for key, value in data.items():
        if key == "blacklists":
            values.update(_blacklists(value, path, text))
            continue
        if key == "keys":
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                raise ConfigError(
                    f"{path}{_line_of(text, 'keys')}: [keys] maps binding ids "
                    'to keys, e.g. copy-ticket = "ctrl+k".'
                )
            values["keymap"] = dict(value)
            continue
        if key == "timeouts":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}{_line_of(text, key)}: 'timeouts' must be a table.")
            for name, seconds in value.items():
                if name not in _TIMEOUT_KEYS:
                    raise ConfigError(
                        f"{path}{_line_of(text, name)}: unknown timeout {name!r}; "
                        f"known: {', '.join(_TIMEOUT_KEYS)}."
                    )
                number = isinstance(seconds, int | float) and not isinstance(seconds, bool)
                if not number or seconds <= 0:
                    raise ConfigError(
                        f"{path}{_line_of(text, name)}: timeout {name!r} must be a positive number."
                    )
                timeouts[name] = float(seconds)
            continue
        expected = _TOP_KEYS.get(key)
        if expected is None:
            raise ConfigError(
                f"{path}{_line_of(text, key)}: unknown setting {key!r}; "
                f"known: {', '.join([*_TOP_KEYS, 'timeouts', 'blacklists', 'keys'])}."
            )
        if not isinstance(value, expected):
            raise ConfigError(f"{path}{_line_of(text, key)}: {key!r} must be a string.")
        values[key] = value
    return Config(timeouts=timeouts, path=path, **values)  # type: ignore[arg-type]


def _blacklists(value: object, path: Path, text: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}{_line_of(text, 'blacklists')}: 'blacklists' must be a table.")
    found: dict[str, tuple[str, ...]] = {}
    for name, zones in value.items():
        if name not in _BLACKLIST_KEYS:
            raise ConfigError(
                f"{path}{_line_of(text, name)}: unknown blacklist setting "
                f"{name!r}; known: enable, disable."
            )
        if not isinstance(zones, list) or not all(isinstance(z, str) for z in zones):
            raise ConfigError(
                f"{path}{_line_of(text, name)}: {name!r} must be a list of zone names."
            )
        found[f"blacklists_{name}"] = tuple(zones)
    return found

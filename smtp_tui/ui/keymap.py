"""Check the config's ``[keys]`` table before the screen starts.

Textual accepts any string as a key and any id in a keymap, so ``quit = "ctrl+nonsense"`` would
silently leave Quit without a key, and a misspelt id would change nothing. Here every binding id
must be one smtp-tui has, and every key one Textual can deliver; otherwise a ConfigError names
the file and the key to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from textual.keys import REPLACED_KEYS, Keys, key_to_character

from smtp_tui.core.config import Config, ConfigError
from smtp_tui.core.numbers import shown

# The ids of the bindings a user may remap (README, Configuration). Kept here as data so the
# config can be checked without building the screens; a test compares it with the BINDINGS.
BINDING_IDS = (
    "help",
    "quit",
    "cancel",
    "copy-ticket",
    "save",
    "timestamps",
    "explain",
    "recheck",
    "next-mx",
    "starttls",
    "test-message",
    "probe-ports",
    "bounce",
    "both-families",
    "wrap",
    "pane-wizard",
    "pane-steps",
    "pane-transcript",
    "pane-mx",
)
# Old ids still accepted, and the id they now stand for.
BINDING_ALIASES = {"skip-tls": "starttls"}

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


@cache
def _named_keys() -> frozenset[str]:
    """Key names Textual knows without a modifier: escape, f1, pageup, space, ..."""
    names = {key.value.rpartition("+")[2] for key in Keys}
    return frozenset(name for name in names if not name.startswith("<"))


def key_problem(key: str) -> str | None:
    """Why ``key`` (one key, e.g. ``ctrl+k``) cannot be bound, or None if it can."""
    if not key:
        return "an empty key"
    *modifiers, name = key.split("+")
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            return f"{shown(modifier)} is not a modifier ({', '.join(sorted(MODIFIERS))})"
    if not name:
        return f"{shown(key)} has no key after its modifiers"
    if len(name) == 1:
        return None if name.isprintable() and not name.isspace() else f"{shown(name)} is no key"
    if name in _named_keys() or name in REPLACED_KEYS or key_to_character(name) is not None:
        return None
    return f"{shown(name)} is not a key name Textual knows (e.g. ctrl+k, f5, escape, pageup)"


def checked_keymap(keymap: Mapping[str, str], where: str) -> dict[str, str]:
    """``keymap`` with aliases replaced by current ids; raises ConfigError naming ``where``
    (the file) and the binding id for an unknown id or a key that cannot be bound."""
    checked: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        target = BINDING_ALIASES.get(binding_id, binding_id)
        if target not in BINDING_IDS:
            raise ConfigError(
                f"{where}: [keys] {shown(binding_id)} is not a binding id; "
                f"known: {', '.join(BINDING_IDS)}."
            )
        for key in keys.split(","):
            problem = key_problem(key.strip())
            if problem:
                raise ConfigError(
                    f"{where}: [keys] {binding_id} = {shown(keys)}: {problem}. "
                    'Several keys are separated by commas, e.g. "ctrl+k,f5".'
                )
        checked[target] = keys
    return checked


def config_keymap(config: Config) -> dict[str, str]:
    """The config's ``[keys]``, checked (see :func:`checked_keymap`)."""
    return checked_keymap(config.keymap, str(config.path or "config"))

"""The key bound to a binding id right now, as people read it (remapped keys read right)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App
from textual.dom import DOMNode

# xterm, tmux and SSH send Alt+digit as ESC and the digit, which Textual reads as the character
# macOS types for Option+digit (ESC 1 arrives as "¡", ESC 2 as "™"): the pane keys answer to
# these names too, and the command line does not take them as text.
ESC_DIGIT = {
    1: "inverted_exclamation_mark",
    2: "trade_mark_sign",
    3: "pound_sign",
    4: "cent_sign",
}


def key_for(app: App[object], nodes: Iterable[DOMNode], binding_id: str) -> str:
    """The first key bound to ``binding_id`` on ``nodes`` (searched in order), e.g. "F7" or
    "^y"; the id itself when nothing binds it."""
    for node in nodes:
        for bindings in node._bindings.key_to_bindings.values():
            for binding in bindings:
                if binding.id == binding_id:
                    shown = app.get_key_display(binding)
                    return shown.upper() if shown[:1] == "f" and shown[1:].isdigit() else shown
    return binding_id

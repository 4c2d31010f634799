"""Untrusted bytes and strings -> safe, printable text.

Server replies and DNS answers come from strangers. Before they are shown anywhere, every
character that could drive a terminal (C0 and C1 controls, ESC, DEL), reorder text (bidi
controls) or hide in it (format characters, zero-width and tag characters) is replaced by a
visible escape such as ``\\x1b`` or ``\\u200b``. Square brackets
are left alone: the front ends show this text with markup turned off.
"""

from __future__ import annotations

import unicodedata

# Characters that render as nothing (or as blank) without being format characters: line and
# paragraph separators, Hangul fillers, variation selectors. With every format character (Cf:
# bidi controls, ZWJ/ZWNJ, soft hyphen, U+061C, the BOM, the tag characters U+E0000-E007F) they
# are shown as \\uXXXX so a reader sees them and text cannot be disguised or reordered.
_INVISIBLE = frozenset(
    [
        0x115F,
        0x1160,
        0x2028,
        0x2029,
        0x3164,
        0xFFA0,
        *range(0xFE00, 0xFE10),
        *range(0xE0100, 0xE01F0),
    ]
)
# Cc: controls; Cf: format characters (invisible by design); Cs: lone surrogates (from
# surrogateescape); Zl/Zp: line and paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

DEFAULT_MAX_CHARS = 4096
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def is_printable_ascii(text: str) -> bool:
    """True when ``text`` is printable ASCII only (nothing to escape), checked at C speed:
    ``bytes.translate`` deleting the printable bytes is several times faster than
    ``str.isprintable`` on long texts (a flood's lines, checked in blocks)."""
    return text.isascii() and not text.encode("ascii").translate(None, _PRINTABLE_ASCII)


def is_printable_ascii_lines(block: bytes) -> bool:
    """True when ``block`` is whole lines of printable ASCII, each ending in CR LF."""
    rest = block.translate(None, _PRINTABLE_ASCII)
    pairs = len(rest) // 2
    return rest == b"\r\n" * pairs and block.count(b"\r\n") == pairs and block.endswith(b"\n")


def _escape_char(char: str) -> str:
    code = ord(char)
    if code < 0xA0:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def is_unsafe_char(char: str) -> bool:
    """True for a character that must not reach a terminal as it is: a control, or one that
    is invisible or reorders text (every format character, Unicode category Cf)."""
    code = ord(char)
    if code < 0x20 or code == 0x7F or 0x80 <= code <= 0x9F:
        return True
    if code < 0xA0:
        return False  # printable ASCII: the common case, decided without a table look-up
    return code in _INVISIBLE or unicodedata.category(char) in _UNSAFE_CATEGORIES


def hidden_character_problem(text: str) -> str | None:
    """Why ``text`` (typed by the user) cannot be sent as it is, or None.

    For the input box's validator: a command with an invisible or direction-changing character
    would not be what the user sees, so it is refused (the typed value is left unchanged).
    """
    for char in text:
        if ord(char) >= 0x20 and ord(char) != 0x7F and is_unsafe_char(char):
            name = unicodedata.name(char, "no name")
            return (
                f"The command holds an invisible character, {_escape_char(char)} ({name}); "
                "retype it without."
            )
    return None


def sanitize_text(text: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Return ``text`` with every unsafe character made visible, cut to ``max_chars``.

    A backslash is left as it is; the result is for reading, not for decoding back.
    """
    cut = len(text) > max_chars
    if cut:
        text = text[:max_chars]
    # The common case, printable ASCII, needs no per-character work at all.
    plain = is_printable_ascii(text)
    result = text if plain else text.translate(_ESCAPES)
    if cut:
        result += " [...cut]"
    return result


class _EscapeTable(dict[int, str]):
    """``str.translate`` table filled on first sight of each code point: unsafe ones map to
    their escape, safe ones to themselves. One C-level pass per text, not a Python loop."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = _escape_char(char) if is_unsafe_char(char) else char
        self[code] = value
        return value


_ESCAPES = _EscapeTable()


def sanitize_bytes(data: bytes, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Decode bytes from the network (UTF-8, bad bytes shown as ``\\xNN``) and sanitize."""
    text = data.decode("utf-8", errors="backslashreplace")
    return sanitize_text(text, max_chars=max_chars)

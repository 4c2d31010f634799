"""Untrusted bytes and strings -> safe, printable text.

Server replies and DNS answers come from strangers. Before they are shown anywhere, every
character that could drive a terminal (C0 and C1 controls, ESC, DEL) or reorder text
(bidirectional overrides) is replaced by a visible escape such as ``\\x1b``. Square brackets
are left alone: the front ends show this text with markup turned off.
"""

from __future__ import annotations

import unicodedata

# Characters that are printable but can disguise text: bidi embeddings/overrides/isolates,
# zero-width joiners and the BOM. They are shown as \\uXXXX so a reader sees them.
_INVISIBLE = frozenset(
    [
        0x200B,
        0x200C,
        0x200D,
        0x200E,
        0x200F,
        0x2028,
        0x2029,
        0x2060,
        0xFEFF,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
)

DEFAULT_MAX_CHARS = 4096


def _escape_char(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def is_unsafe_char(char: str) -> bool:
    """True for a character that must not reach a terminal as it is."""
    code = ord(char)
    if code < 0x20 or code == 0x7F or 0x80 <= code <= 0x9F:
        return True
    if code in _INVISIBLE:
        return True
    category = unicodedata.category(char)
    # Cc: any control the ranges above missed; Cs: lone surrogates (from surrogateescape).
    return category in ("Cs", "Cc")


def sanitize_text(text: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Return ``text`` with every unsafe character made visible, cut to ``max_chars``.

    A backslash is left as it is; the result is for reading, not for decoding back.
    """
    cut = len(text) > max_chars
    if cut:
        text = text[:max_chars]
    out = [(_escape_char(ch) if is_unsafe_char(ch) else ch) for ch in text]
    result = "".join(out)
    if cut:
        result += " [...cut]"
    return result


def sanitize_bytes(data: bytes, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Decode bytes from the network (UTF-8, bad bytes shown as ``\\xNN``) and sanitize."""
    text = data.decode("utf-8", errors="backslashreplace")
    return sanitize_text(text, max_chars=max_chars)

from smtp_tui.core.sanitize import sanitize_bytes, sanitize_text


def test_escape_sequences_become_visible_text():
    assert sanitize_text("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert sanitize_text("bell\x07") == "bell\\x07"
    assert sanitize_text("del\x7f") == "del\\x7f"


def test_c1_controls_and_bidi_overrides_become_visible():
    assert sanitize_text("\x9b31m") == "\\x9b31m"
    assert sanitize_text("abc\u202edcba") == "abc\\u202edcba"


def test_ordinary_unicode_and_brackets_stay():
    assert sanitize_text("Grüße [bold]x[/]") == "Grüße [bold]x[/]"


def test_invalid_utf8_is_shown_as_bytes():
    assert sanitize_bytes(b"ok\xff\xfe") == "ok\\xff\\xfe"


def test_long_text_is_cut():
    assert sanitize_text("x" * 50, max_chars=10).startswith("x" * 10)
    assert sanitize_text("x" * 50, max_chars=10).endswith("[...cut]")


# Each is invisible (or reorders what follows) and must be shown as an escape.
HIDDEN = {
    "\u061c": "\\u061c",  # ARABIC LETTER MARK
    "\u00ad": "\\u00ad",  # SOFT HYPHEN
    "\u200b": "\\u200b",  # ZERO WIDTH SPACE
    "\u200c": "\\u200c",  # ZWNJ
    "\u200d": "\\u200d",  # ZWJ
    "\u202a": "\\u202a",  # LRE
    "\u202d": "\\u202d",  # LRO
    "\u202e": "\\u202e",  # RLO
    "\u202c": "\\u202c",  # PDF
    "\u2066": "\\u2066",  # LRI
    "\u2067": "\\u2067",  # RLI
    "\u2068": "\\u2068",  # FSI
    "\u2069": "\\u2069",  # PDI
    "\ufeff": "\\ufeff",  # BOM / ZWNBSP
    "\u2028": "\\u2028",  # LINE SEPARATOR
    "\u180e": "\\u180e",  # MONGOLIAN VOWEL SEPARATOR
    "\U000e0001": "\\U000e0001",  # LANGUAGE TAG
    "\U000e0041": "\\U000e0041",  # TAG LATIN CAPITAL LETTER A
    "\U000e007f": "\\U000e007f",  # CANCEL TAG
}


def test_every_format_and_bidi_character_is_shown():
    for char, escape in HIDDEN.items():
        assert sanitize_text(f"a{char}b") == f"a{escape}b", hex(ord(char))


def test_every_format_character_in_unicode_is_caught():
    import sys
    import unicodedata

    from smtp_tui.core.sanitize import is_unsafe_char

    format_chars = [
        chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"
    ]
    assert format_chars and all(is_unsafe_char(ch) for ch in format_chars)


def test_a_tag_sequence_cannot_hide_a_message():
    hidden = "".join(chr(0xE0000 + ord(ch)) for ch in "ignore this")
    shown = sanitize_text(f"250 OK{hidden}")
    assert shown.startswith("250 OK\\U000e0069") and all(ord(ch) < 0x80 for ch in shown)


def test_the_input_box_refuses_a_command_with_a_hidden_character():
    from smtp_tui.core.sanitize import hidden_character_problem

    assert hidden_character_problem("RCPT TO:<bob@example.com>") is None
    assert hidden_character_problem("EHLO bücher.example") is None
    problem = hidden_character_problem("RCPT TO:<bob\u200b@example.com>")
    assert problem is not None and "\\u200b" in problem and "ZERO WIDTH SPACE" in problem
    for char in HIDDEN:
        assert hidden_character_problem(f"MAIL FROM:<a{char}@b.example>") is not None

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

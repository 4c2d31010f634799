from hypothesis import given, settings
from hypothesis import strategies as st

from smtp_tui.core.replies import (
    MAX_LINE_BYTES,
    ProtocolError,
    Reply,
    ReplyParser,
    parse_ehlo_keywords,
)

EHLO_STREAM = (
    b"220 mx.example.test ESMTP\r\n"
    b"250-mx.example.test\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250 SMTPUTF8\r\n"
    b"550 5.1.1 <bob@example.test>: User unknown\r\n"
    b"250\r\n"
)


def replies(data: bytes) -> list[Reply | ProtocolError]:
    return ReplyParser().feed(data)


def test_single_line_reply_has_code_text_and_raw_bytes():
    [reply] = replies(b"220 mx.example.test ESMTP ready\r\n")
    assert isinstance(reply, Reply)
    assert reply.code == 220
    assert reply.lines == ("mx.example.test ESMTP ready",)
    assert reply.raw == b"220 mx.example.test ESMTP ready\r\n"
    assert not reply.multiline


def test_multiline_reply_keeps_every_line():
    [reply] = replies(b"250-mx.example.test\r\n250-SIZE 100\r\n250 HELP\r\n")
    assert reply.multiline
    assert reply.lines == ("mx.example.test", "SIZE 100", "HELP")
    assert parse_ehlo_keywords(reply) == {"SIZE": "100", "HELP": ""}


def test_text_beginning_with_digits_is_text_not_a_code():
    [reply] = replies(b"250-First line\r\n250-234 Text beginning with numbers\r\n250 last\r\n")
    assert reply.lines[1] == "234 Text beginning with numbers"


def test_bare_code_without_text_is_valid():
    assert [r.code for r in replies(b"250\r\n250 \r\n")] == [250, 250]


def test_enhanced_status_code_is_found_when_its_class_matches():
    [reply] = replies(b"550 5.1.1 <bob@example.test>: User unknown\r\n")
    assert reply.enhanced == "5.1.1"
    [mismatch] = replies(b"250 5.1.1 odd\r\n")
    assert mismatch.enhanced is None


def test_bare_lf_line_endings_are_accepted_and_flagged():
    [reply] = replies(b"220 hello\n")
    assert reply.code == 220 and reply.bare_lf
    [proper] = replies(b"220 hello\r\n")
    assert not proper.bare_lf


def test_reply_arrives_only_when_complete():
    parser = ReplyParser()
    assert parser.feed(b"250-one\r\n25") == []
    assert parser.has_partial
    [reply] = parser.feed(b"0 two\r\n")
    assert reply.lines == ("one", "two")


def test_line_that_is_not_a_reply_becomes_a_protocol_error_with_raw_bytes():
    [error] = replies(b"HELLO? this is not SMTP\r\n")
    assert isinstance(error, ProtocolError)
    assert error.raw == b"HELLO? this is not SMTP\r\n"


def test_codes_outside_rfc_range_are_errors():
    for bad in (b"199 low\r\n", b"600 high\r\n", b"2x0 odd\r\n", b"25\r\n"):
        [error] = replies(bad)
        assert isinstance(error, ProtocolError), bad


def test_missing_separator_is_an_error():
    [error] = replies(b"250OK\r\n")
    assert isinstance(error, ProtocolError)
    assert "space or hyphen" in error.reason


def test_code_changing_inside_a_multiline_reply_is_an_error():
    [error] = replies(b"250-first\r\n251 second\r\n")
    assert isinstance(error, ProtocolError)
    assert error.raw == b"250-first\r\n251 second\r\n"


def test_parser_recovers_after_junk():
    events = replies(b"junk\r\n220 fine\r\n")
    assert isinstance(events[0], ProtocolError)
    assert isinstance(events[1], Reply) and events[1].code == 220


def test_over_long_line_is_cut_and_reported():
    parser = ReplyParser()
    events = parser.feed(b"250 " + b"A" * (MAX_LINE_BYTES * 3))
    events += parser.feed(b"AAAA\r\n221 bye\r\n")
    first, second = events
    assert isinstance(first, Reply) and first.long_lines_cut == 1
    assert len(first.lines[0]) <= MAX_LINE_BYTES
    assert isinstance(second, Reply) and second.code == 221


def test_reply_with_too_many_lines_is_cut_and_reported():
    parser = ReplyParser(max_reply_lines=5)
    [reply] = parser.feed(b"250-x\r\n" * 20 + b"250 end\r\n")
    assert len(reply.lines) == 5
    assert reply.lines_cut == 16


def test_endless_continuation_lines_do_not_grow_memory():
    parser = ReplyParser(max_reply_lines=10)
    for _ in range(1000):
        assert parser.feed(b"250-flood\r\n" * 10) == []
    assert len(parser._pending.lines) == 10
    assert len(parser._pending.raw) <= MAX_LINE_BYTES * 4


def test_control_characters_in_replies_are_made_visible():
    [reply] = replies(b"220 evil \x1b]52;c;AAAA\x07 [bold]x[/bold]\r\n")
    assert "\x1b" not in reply.text and "\x07" not in reply.text
    assert "\\x1b]52;c;AAAA\\x07" in reply.text
    assert "[bold]x[/bold]" in reply.text  # left as text; the screen shows it without markup


def test_eof_in_the_middle_of_a_reply_is_reported():
    parser = ReplyParser()
    parser.feed(b"250-partial\r\n")
    [error] = parser.feed_eof()
    assert isinstance(error, ProtocolError)
    assert b"250-partial" in error.raw


def _summaries(events: list[Reply | ProtocolError]) -> list[tuple[object, ...]]:
    return [
        (e.code, e.lines, e.enhanced) if isinstance(e, Reply) else ("error", e.raw) for e in events
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(EHLO_STREAM)), max_size=12))
def test_any_split_of_a_valid_stream_gives_the_same_replies(cuts):
    expected = _summaries(ReplyParser().feed(EHLO_STREAM))
    parser = ReplyParser()
    events: list[Reply | ProtocolError] = []
    previous = 0
    for cut in sorted(cuts):
        events += parser.feed(EHLO_STREAM[previous:cut])
        previous = cut
    events += parser.feed(EHLO_STREAM[previous:])
    assert _summaries(events) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=20))
def test_arbitrary_bytes_never_raise(chunks):
    parser = ReplyParser(max_line_bytes=64, max_reply_lines=8)
    for chunk in chunks:
        for event in parser.feed(chunk):
            assert isinstance(event, Reply | ProtocolError)
    parser.feed_eof()

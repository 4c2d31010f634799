"""A bounce is untrusted: whatever bytes arrive, the reader returns a report and never raises."""

from hypothesis import given, settings
from hypothesis import strategies as st

from smtp_tui.core.bounce import BounceReport, read_bounce
from smtp_tui.core.bounce_verdict import bounce_json
from smtp_tui.core.sanitize import is_unsafe_char

# Pieces of real bounces, so that generated inputs reach deep into the parsers.
PIECES = [
    b'Content-Type: multipart/report; boundary="b"\n\n--b\n',
    b"Content-Type: message/delivery-status\n\n",
    b"Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\n",
    b"Diagnostic-Code: smtp; 550 5.1.1 no\n",
    b"<a@b.example>: host mx.b.example[192.0.2.1] said: 550 (in reply to RCPT TO command)\n",
    b"  a@b.example\n    SMTP error from remote mail server after pipelined end of data:\n",
    b"<<< 550 5.7.1 x\n>>> DATA\n... while talking to mx.b.example.:\n",
    b"Remote Server returned '550 5.1.10'\n",
    b"--- Below this line is a copy of the message.\n",
    b"Content-Transfer-Encoding: base64\n\n=?utf-8?b?////?=\n",
    b"\x1b[2J\x00\xff\xfe",
    b"Content-Type: text/\x1b[31mred\n",
    b"Subject: \x1b]52;c;AAAA\x07\n",
    b"\n\n",
    b"From x Thu Jan  1 00:00:00 2024\n",
]


def assert_harmless(report: BounceReport) -> None:
    assert isinstance(report, BounceReport)
    for recipient in report.recipients:
        for text in (recipient.recipient, recipient.diagnostic or "", recipient.remote_mta or ""):
            assert not any(is_unsafe_char(char) for char in text)
    for item in report.seen:
        assert not any(is_unsafe_char(char) for char in item)
    bounce_json(report)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_never_make_the_reader_raise(data):
    assert_harmless(read_bounce(data))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.binary(max_size=40), max_size=30))
def test_shuffled_pieces_of_bounces_never_make_the_reader_raise(pieces):
    assert_harmless(read_bounce(b"".join(pieces)))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_never_makes_the_reader_raise(text):
    assert_harmless(read_bounce(text))

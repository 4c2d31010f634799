"""MTA-STS: the TXT record, the policy's strict parse, mx patterns, and the HTTP answer."""

import asyncio

import pytest

from smtp_tui.core.mta_sts import (
    MAX_POLICY_BYTES,
    PolicyError,
    StsMode,
    mx_matches,
    parse_policy,
    parse_sts_record,
    read_response,
)

GOOD = (
    b"version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
    b"max_age: 604800\r\n"
)


def test_a_policy_is_parsed_with_every_mx_pattern():
    policy = parse_policy(GOOD)
    assert policy.mode is StsMode.ENFORCE
    assert policy.mx_patterns == ("mail.example.com", "*.example.net")
    assert policy.max_age == 604800


def test_lf_line_ends_and_unknown_keys_are_accepted():
    policy = parse_policy(b"version: STSv1\nmode: testing\nmx: a.example\nmax_age: 0\nextra: x\n")
    assert policy.mode is StsMode.TESTING


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (b"mode: enforce\nmx: a.example\nmax_age: 1\n", "version"),
        (b"version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n", "version"),
        (b"version: STSv1\nmode: enforced\nmx: a.example\nmax_age: 1\n", "mode"),
        (b"version: STSv1\nmode: enforce\nmx: a.example\n", "max_age"),
        (b"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n", "max_age"),
        (b"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -5\n", "max_age"),
        (b"version: STSv1\nmode: enforce\nmax_age: 86400\n", "mx"),
        (b"version: STSv1\nmode: enforce\nmx: bad_host!\nmax_age: 86400\n", "mx pattern"),
        (b"version: STSv1\nthis line has no colon\n", "line 2"),
        ("version: STSv1\nmode: enforce\nmx: bücher.example\n".encode(), "ASCII"),
    ],
)
def test_a_malformed_policy_is_refused_with_the_reason(body, complaint):
    with pytest.raises(PolicyError, match=complaint):
        parse_policy(body)


def test_mode_none_needs_no_mx():
    assert parse_policy(b"version: STSv1\nmode: none\nmax_age: 86400\n").mx_patterns == ()


@pytest.mark.parametrize(
    ("pattern", "host", "matches"),
    [
        ("mail.example.com", "mail.example.com", True),
        ("mail.example.com", "MAIL.example.com.", True),
        ("*.example.com", "mx1.example.com", True),
        ("*.example.com", "example.com", False),
        ("*.example.com", "a.b.example.com", False),
        ("mail.example.com", "mx.example.com", False),
    ],
)
def test_mx_patterns_match_one_leftmost_label(pattern, host, matches):
    assert mx_matches(pattern, host) is matches


def test_the_txt_record_gives_its_id():
    record = parse_sts_record(["v=spf1 -all", "v=STSv1; id=20260101T01;"])
    assert record.policy_id == "20260101T01" and record.problem is None


@pytest.mark.parametrize(
    ("texts", "problem"),
    [
        (["v=STSv1; id=1;", "v=STSv1; id=2;"], "several"),
        (["v=STSv1;"], "no id"),
        (["v=STSv1; id=not-alnum;"], "letters and digits"),
    ],
)
def test_unusable_txt_records_say_why(texts, problem):
    assert problem in (parse_sts_record(texts).problem or "")


def test_no_sts_record_is_no_policy():
    assert parse_sts_record(["v=spf1 -all"]).text is None


def _reader(data: bytes) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    return reader


async def test_a_plain_200_with_content_length_gives_the_body():
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
    assert await read_response(_reader(raw), "mta-sts.example") == b"hello"


async def test_a_chunked_body_is_joined():
    raw = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    )
    assert await read_response(_reader(raw), "h") == b"hello world"


async def test_a_body_read_to_the_close():
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nversion: STSv1\n"
    assert await read_response(_reader(raw), "h") == b"version: STSv1\n"


async def test_redirects_are_not_followed():
    raw = b"HTTP/1.1 301 Moved\r\nLocation: https://elsewhere.example/\r\n\r\n"
    with pytest.raises(PolicyError, match="redirects"):
        await read_response(_reader(raw), "h")


async def test_a_policy_that_is_not_text_plain_is_refused():
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nhi"
    with pytest.raises(PolicyError, match="text/plain"):
        await read_response(_reader(raw), "h")


async def test_an_oversized_policy_is_refused():
    raw = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
        + f"Content-Length: {MAX_POLICY_BYTES + 1}\r\n\r\n".encode()
    )
    with pytest.raises(PolicyError, match="over"):
        await read_response(_reader(raw), "h")


async def test_an_answer_that_is_not_http_is_refused():
    with pytest.raises(PolicyError, match="did not answer HTTP"):
        await read_response(_reader(b"SSH-2.0-OpenSSH\r\n\r\n"), "h")

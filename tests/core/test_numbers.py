"""Numbers are ASCII digits, and seconds are finite and positive, wherever they come from."""

import math

import pytest

from smtp_tui.cli import main
from smtp_tui.core.addresses import InputError
from smtp_tui.core.config import Config
from smtp_tui.core.numbers import (
    NumberError,
    ascii_int,
    check_seconds,
    is_port,
    parse_port,
    parse_seconds,
    shown,
)
from smtp_tui.core.options import build_options, parse_server

# Each passes str.isdigit() (and the Arabic-Indic ones pass int()), none is an ASCII number.
NOT_ASCII_DIGITS = ["²", "٢٥", "۲۵", "２５", "25²", "𝟐𝟓"]


@pytest.mark.parametrize("text", [*NOT_ASCII_DIGITS, "", " 25", "25 ", "+25", "-25", "2_5", "0x19"])
def test_only_ascii_digits_are_a_number(text):
    assert ascii_int(text) is None
    assert not is_port(text)
    with pytest.raises(NumberError):
        parse_port(text)


def test_ports_are_one_to_65535():
    assert parse_port("25") == 25 and parse_port("65535") == 65535
    for text in ("0", "65536", "9" * 1000):
        with pytest.raises(NumberError, match="not a port"):
            parse_port(text)


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "-1", "0", "0.0", "1e3", "٣", "", "."])
def test_seconds_must_be_finite_and_positive(text):
    with pytest.raises(NumberError):
        parse_seconds(text)


def test_good_seconds():
    assert parse_seconds("20") == 20.0 and parse_seconds("2.5") == 2.5
    assert parse_seconds(".5") == 0.5


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, -1.0, 0.0])
def test_a_float_of_seconds_is_checked_too(value):
    with pytest.raises(NumberError, match="connect"):
        check_seconds(value, "connect")


def test_shown_cuts_long_values():
    assert shown("abc") == "'abc'"
    long = shown("x" * 10_000)
    assert len(long) < 90 and long.endswith("…'")


@pytest.mark.parametrize("port", NOT_ASCII_DIGITS)
def test_server_host_port_needs_an_ascii_port(port):
    with pytest.raises(InputError, match="--server"):
        parse_server(f"mx.example.com:{port}", 25)
    with pytest.raises(InputError, match="--server"):
        parse_server(f"[::1]:{port}", 25)


def test_server_host_port_still_reads_a_port():
    assert parse_server("mx.example.com:2525", 25) == ("mx.example.com", 2525)
    assert parse_server("[::1]:587", 25) == ("::1", 587)
    assert parse_server("mx.example.com", 25) == ("mx.example.com", 25)


@pytest.mark.parametrize("dns", ["9.9.9.9:٥٣", "9.9.9.9:²", "[::1]:５３"])
def test_dns_option_needs_an_ascii_port(dns):
    with pytest.raises(InputError, match="--dns"):
        build_options(config=Config(), target="a@example.com", dns=dns)


@pytest.mark.parametrize("timeout", [math.nan, math.inf, -1.0, 0.0])
def test_build_options_refuses_a_timeout_that_means_nothing(timeout):
    with pytest.raises(InputError, match="--timeout"):
        build_options(config=Config(), target="a@example.com", timeout=timeout)


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "a@example.com", "--timeout", "nan"],
        ["check", "a@example.com", "--timeout", "inf"],
        ["check", "a@example.com", "--timeout=-1"],
        ["check", "a@example.com", "--port", "٢٥"],
        ["check", "a@example.com", "--port", "²"],
        ["blacklist", "127.0.0.2", "--timeout", "nan"],
        ["lab", "--smtp-port", "٢٥"],
    ],
)
def test_the_command_line_refuses_them_as_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as leaving:
        main(argv)
    assert leaving.value.code == 2
    option = next(word for word in argv if word.startswith("--")).split("=")[0]
    assert f"argument {option}:" in capsys.readouterr().err

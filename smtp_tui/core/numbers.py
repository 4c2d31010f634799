"""Strict number parsing: ASCII digits only, for ports, sizes and seconds.

``str.isdigit()`` is true for ``²`` and Arabic-Indic digits, and ``int()`` accepts Arabic-Indic
digits, spaces and underscores; ``float()`` accepts ``nan`` and ``inf``. A port typed by a user
or a size sent by a server must be plain ASCII digits, and a number of seconds must be finite
and positive, or it is refused with a message that says what was wrong.
"""

from __future__ import annotations

import argparse
import math
import re

# re.ASCII: without it \d (and str.isdigit) would accept any Unicode decimal digit.
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)

# Long enough for any real number; stops int() from working on a megabyte of digits.
MAX_DIGITS = 30

PORT_RANGE = "a number from 1 to 65535"


class NumberError(ValueError):
    """The text is not the kind of number asked for; the message says why, in words."""


def ascii_int(text: str) -> int | None:
    """``text`` as a non-negative integer if it is ASCII digits alone (no sign, space or
    underscore), else None."""
    if len(text) > MAX_DIGITS or not _DIGITS.fullmatch(text):
        return None
    return int(text)


def parse_port(text: str) -> int:
    """A TCP port from text such as ``"25"``; raises NumberError unless ASCII digits 1-65535."""
    value = ascii_int(text)
    if value is None or not 0 < value < 65536:
        raise NumberError(f"{shown(text)} is not a port ({PORT_RANGE}).")
    return value


def is_port(text: str) -> bool:
    """True if ``text`` is a port that :func:`parse_port` accepts."""
    value = ascii_int(text)
    return value is not None and 0 < value < 65536


def parse_seconds(text: str) -> float:
    """A timeout in seconds from text such as ``"20"`` or ``"2.5"``; finite and positive.

    Raises NumberError for anything else (``nan``, ``inf``, ``-1``, ``0``, ``1e3``, ``٣``).
    """
    if len(text) > MAX_DIGITS or not _DECIMAL.fullmatch(text):
        raise NumberError(f"{shown(text)} is not a number of seconds (e.g. 20 or 2.5).")
    return check_seconds(float(text), shown(text))


def check_seconds(value: float, what: str) -> float:
    """``value`` if it is a finite, positive number of seconds; else NumberError naming ``what``."""
    if math.isnan(value) or math.isinf(value) or value <= 0:
        raise NumberError(f"{what} must be a finite, positive number of seconds.")
    return value


def shown(text: str, limit: int = 80) -> str:
    """``repr`` of a value typed or configured by someone, cut to ``limit`` characters so a
    megabyte of input is not echoed back."""
    if len(text) > limit:
        return repr(text[:limit])[:-1] + "…" + repr(text[:limit])[-1]
    return repr(text)


# argparse ``type=`` functions: argparse turns ArgumentTypeError into a usage error (exit 2)
# that names the option, e.g. "argument --timeout: 'nan' is not a number of seconds".


def port_argument(text: str) -> int:
    """``type=`` for a port option (1-65535, ASCII digits)."""
    try:
        return parse_port(text)
    except NumberError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def free_port_argument(text: str) -> int:
    """``type=`` for a port to listen on, where 0 means "any free port"."""
    value = ascii_int(text)
    if value is None or value > 65535:
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a port (0 to 65535).")
    return value


def seconds_argument(text: str) -> float:
    """``type=`` for a timeout option: finite, positive seconds."""
    try:
        return parse_seconds(text)
    except NumberError as error:
        raise argparse.ArgumentTypeError(str(error)) from None

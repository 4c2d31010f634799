"""Round thirteen of issue 11 (stop 14): what a third blind labelling and a thirteenth batch of
real replies taught.

As in the earlier rounds' tables, the texts are written for these tests (not lines of the
corpus), each with the family or code that must decide it, so a row fails when its pattern goes.
"""

import pytest

from tests.core.explain_reading import assert_read_as

# 454 is TLS in RFC 3207, a temporary authentication failure in RFC 4954, and in the field a
# general "try later" as well: the basic code alone no longer decides when the text says more,
# and a text that names TLS as not available there still reads as their TLS.
FOUR_FIVE_FOUR = [
    ("454 4.3.0 Try again later", "other", "unclear", "4.3.0"),
    ("454 4.7.0 Temporary authentication failure", "authentication", "yours", "keywords"),
    ("454 TLS currently unavailable", "tls-required", "theirs", "no TLS there"),
    ("454 4.7.0 STARTTLS temporarily unavailable", "tls-required", "theirs", "no TLS there"),
    ("454 4.7.0", "tls-required", "theirs", "454"),
]


@pytest.mark.parametrize(("text", "category", "side", "decided"), FOUR_FIVE_FOUR)
def test_round_thirteen_wordings_are_read(
    text: str, category: str, side: str, decided: str
) -> None:
    assert_read_as(text, category, side, decided)

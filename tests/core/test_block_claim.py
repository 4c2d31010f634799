"""A rejection that names a block list is a claim smtp-tui can check."""

import pytest

from smtp_tui.core.block_claim import BlockClaim, find_block_claim


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        (
            "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using "
            "zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.7",
            BlockClaim("192.0.2.7", "zen.spamhaus.org"),
        ),
        (
            "550 5.7.1 [198.51.100.2] is listed on bl.spamcop.net",
            BlockClaim("198.51.100.2", "bl.spamcop.net"),
        ),
        (
            "554 [2001:db8::25] blocked by b.barracudacentral.org",
            BlockClaim("2001:db8::25", "b.barracudacentral.org"),
        ),
        ("550 5.1.1 <bob@example.org>: Recipient address rejected", None),
        ("554 [not.an.address] blocked using zen.spamhaus.org", None),
    ],
)
def test_the_address_and_the_list_are_read_from_the_reply(text, claim):
    assert find_block_claim(text) == claim

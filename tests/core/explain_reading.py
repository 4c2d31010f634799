"""One check for the tables of wordings each round of issue 11 added: what the explainer says,
and which family (or code) decided it, so a table row fails when its own pattern goes even if
another rule or the learned words would still guess right."""

from smtp_tui.core.explain import explain_text


def assert_read_as(text: str, category: str, side: str, decided: str) -> None:
    got = explain_text(text)
    assert (str(got.category), str(got.side)) == (category, side), got.decided_by
    assert decided in got.decided_by

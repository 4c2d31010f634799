import json

from smtp_tui.core.transcript import (
    EventKind,
    Transcript,
    TranscriptMeta,
    to_json_records,
    to_markdown,
    to_plain,
)


def sample() -> Transcript:
    transcript = Transcript(
        TranscriptMeta(
            version="9.9",
            ran_on="jump1",
            target="example.test",
            resolver="127.0.0.1:53",
            mx_host="mx1.example.test",
            mx_address="127.0.25.1",
        )
    )
    transcript.info("Connecting")
    transcript.add(EventKind.RECEIVED, "220 mx1 ESMTP ```")
    transcript.add(EventKind.SENT, "EHLO client.lab.test")
    transcript.warning("careful")
    transcript.error("boom \x1b[31m")
    return transcript


def test_plain_export_uses_swaks_style_markers():
    lines = to_plain(sample().events).splitlines()
    assert lines == [
        "=== Connecting",
        "<-  220 mx1 ESMTP ```",
        " -> EHLO client.lab.test",
        "!!! careful",
        "*** boom \\x1b[31m",
    ]


def test_markdown_export_has_the_facts_and_a_fence_server_text_cannot_close():
    text = to_markdown(sample())
    for fact in (
        "smtp-tui:** 9.9",
        "Ran on:** jump1",
        "Target domain:** example.test",
        "Resolver:** 127.0.0.1:53",
        "MX used:** mx1.example.test",
        "MX address:** 127.0.25.1",
        "Date (UTC)",
    ):
        assert fact in text
    assert "````text" in text


def test_json_records_keep_kind_and_text():
    records = to_json_records(sample().events)
    json.dumps(records)
    assert records[2]["kind"] == "sent"
    assert records[2]["text"] == "EHLO client.lab.test"


def test_listeners_hear_each_event_as_it_happens():
    transcript = Transcript()
    heard = []
    transcript.subscribe(heard.append)
    transcript.info("one")
    assert [e.text for e in heard] == ["one"]

"""Bounce reader vs sisimai: agreement per field on the real bounce corpus.

Reads ``../shared/corpus/bounces/`` (from the project's root; see its README) when it exists,
and says so and stops when it does not. Abuse reports (``arf-*``) and delivered recipients
are left out; each field is scored only where sisimai has a value. Prints the agreement per
field (goal: at least 95 %) and then every disagreement, file by file.

Run:  python benchmarks/bounce_agreement.py [--corpus PATH] [--field FIELD] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from smtp_tui.core.bounce import BouncedRecipient, BounceReport, read_bounce
from smtp_tui.core.bounce_mime import split_bounce

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "bounces"
# sisimai's pseudo status codes (5.0.911 "user unknown", ...): not in the message itself.
PSEUDO_STATUS = re.compile(r"^[45]\.0\.9\d\d$")
DELAY_WARNING = re.compile(
    r"has not yet been delivered|has been delayed|warning message only|still being retried"
)


def pipelined_rcpt(code: int) -> re.Pattern[str]:
    """Sendmail's transcript of a pipelined session: ``>>> DATA``, ``<<< 550 ...`` (the RCPT
    TO's refusal), then DATA's own: ``<<< 503`` (bad sequence: no recipient was accepted) or
    ``554 no valid recipients``."""
    return re.compile(
        rf">>> DATA[^\n]*\n(?:[^\n]*\n){{0,3}}?[> ]*<<< {code}\b[^\n]*\n"
        r"(?:[^\n]*\n){0,3}?[> ]*<<< (?:503|554\b[^\n]*no valid recipient)",
        re.IGNORECASE,
    )


FIELDS = ("recipient", "status", "reply_code", "remote_host", "smtp_command", "category", "action")


def ours(field: str, found: BouncedRecipient | None, report: BounceReport) -> str:
    if found is None:
        return ""
    value: object
    if field == "recipient":
        value = found.recipient
    elif field == "remote_host":
        # sisimai names the bouncing host itself when the bounce names no remote host.
        value = found.remote_mta or report.reporting_mta
    elif field == "category":
        value = found.explanation.category if found.explanation else None
    else:
        value = getattr(found, field)
    return "" if value is None else str(value)


# sisimai's "blocked" is coarser than smtp-tui's categories: its own definition
# (Sisimai::Reason::Blocked) is "the SMTP connection was rejected due to a client IP address or
# a hostname, or the parameter of the HELO/EHLO command", which smtp-tui files as
# sender-ip-blocked, reverse-dns (the hostname) or helo-rejected.
SISIMAI_COVERS = {"blocked": {"sender-ip-blocked", "reverse-dns", "helo-rejected"}}


def same(field: str, mine: str, theirs: str, reason: str = "") -> bool:
    if field in ("recipient", "remote_host"):
        return mine.strip("[]<>").lower() == theirs.strip("[]<>").lower()
    if field == "category" and mine in SISIMAI_COVERS.get(reason, ()):
        return True
    return mine == theirs


def load(corpus: Path) -> dict[str, list[dict[str, str]]]:
    expected: dict[str, list[dict[str, str]]] = defaultdict(list)
    for line in (corpus / "expected.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        if row["file"].startswith("arf-") or row["action"] == "delivered":
            continue
        if row["sisimai_reason"] == "delivered":
            continue
        expected[row["file"]].append(row)
    return expected


def named_as_remote(host: str, body: str) -> bool:
    """Whether the bounce's text or delivery-status part names ``host`` as the remote one."""
    host = re.escape(host.lower())
    if re.search(rf"(?<!at )host {host}\b", body):
        return True  # "host X said", not Postfix's "the mail system at host X"
    # Remote-MTA only: "Reporting-MTA: dns; X" names the host that wrote the bounce.
    before = (
        r"talking to ",
        r"remote-mta: (?:dns; ?)?",
        r"remote host ",
        r"remote server at ",  # Exchange: "Remote Server at X (ip) returned '550 ...'"
        r"\bserver at ",  # Office 365: "Server at X returned '550 ...'"
        r"receiving server: ",  # Exchange: the server the message was being sent to
        r"^\S+@\S+: \[",  # SurfControl: "a@b: [192.0.2.1], 554 ..."
    )
    after = (r"\[", r" \[", r" does not like", r" failed after", r" failed on", r"\],")
    # The name must stand alone: "redacted.example" is not named by "here-redacted.example".
    alone_before, alone_after = r"(?<![\w.-])", r"(?![\w-]|\.\w)"
    places = [f"(?:{b}){alone_before}{host}{alone_after}" for b in before]
    places += [f"{alone_before}{host}{alone_after}(?:{a})" for a in after]
    places.append(f"<{host}>")
    return any(re.search(place, body, re.MULTILINE) for place in places)


def same_host_by_address(mine: str, theirs: str, raw: str) -> bool:
    """Whether the message gives ``theirs`` (an IP address) as the address of ``mine``:
    "mx.example (192.0.2.1)" or "mx.example [192.0.2.1]"."""
    if not re.fullmatch(r"[\d.]+|[0-9a-f:]+", theirs):
        return False
    pair = rf"{re.escape(mine)}\s*[(\[]{re.escape(theirs)}[)\]]"
    return re.search(pair, raw, re.IGNORECASE) is not None


def received_the_bounce(mine: str, theirs: str, received: tuple[str, ...]) -> bool:
    """Whether one of the bounce's own Received fields says ``theirs`` took the bounce from
    ``mine``: ``theirs`` is then the server of the bounce's recipient, not the refusing one."""
    mine, theirs = re.escape(mine), re.escape(theirs)
    # "from localhost (mx.example [local]) by mx.example": one machine, not two.
    took = rf"^from\s+{mine}\b(?:(?!{theirs}).)*\bby\s+{theirs}\b"
    return any(re.search(took, field, re.IGNORECASE) for field in received)


def address_in(address: str, text: str) -> bool:
    """Whether ``address`` stands in ``text`` as a whole address (not as part of a longer one)."""
    pattern = rf"(?<![\w.+-]){re.escape(address)}(?![\w-]|\.\w)"
    return re.search(pattern, text, re.IGNORECASE) is not None


# Words with which a reply names smtp-tui's category itself, whatever sisimai's reason says
# (sisimai may know more of a carrier's habits, but the message says this).
PLAIN_CATEGORY_WORDS = {
    "recipient-unknown": re.compile(r"\b(?:unknown user|user unknown|no such (?:user|mailbox))\b"),
    "rate-limited": re.compile(
        r"\brate[- ]limit|\bunexpected volume\b|\btoo many (?:messages|connections|recipients)\b"
    ),
    "reverse-dns": re.compile(r"\breverse dns\b|\brdns\b|\bptr record"),
}


def message_says(
    field: str,
    row: dict[str, str],
    mine: str,
    found: BouncedRecipient,
    body: str,
    raw: str,
    received: tuple[str, ...] = (),
) -> str | None:
    """Why the message itself says ``mine`` rather than sisimai's value, or None. Each rule
    is a case the README explains; everything else counts as a plain disagreement."""
    theirs = row[field]
    named_remote = found.remote_mta  # only a host the bounce names, not the fallback
    words = PLAIN_CATEGORY_WORDS.get(mine) if field == "category" else None
    said = words.search((found.diagnostic or "").lower()) if words else None
    if said:
        return f"the reply itself says {said.group(0)!r}"
    if (
        field == "remote_host"
        and named_remote
        and named_as_remote(named_remote, body)
        and not named_as_remote(theirs, body)
    ):
        return f"the bounce names {named_remote} as the remote host, not {theirs}"
    if field == "recipient" and mine and address_in(mine, raw) and not address_in(theirs, raw):
        return f"{theirs} is not in the message; it names {mine}"
    final = re.search(r"^final-recipient:\s*rfc822;\s*<?([^\s>]+)", body, re.MULTILINE)
    if field == "recipient" and final and same(field, final.group(1), mine):
        return f"the delivery-status report's Final-Recipient is {mine}"
    if field == "remote_host" and mine and received_the_bounce(mine, theirs, received):
        return f"{theirs} received this bounce from {mine} (the bounce's Received field)"
    if field == "remote_host" and mine and same_host_by_address(mine, theirs, raw):
        return f"the message gives {theirs} as the address of {mine}: the same host"
    if field == "action" and (mine, theirs, row["sisimai_reason"]) == (
        "failed",
        "delayed",
        "expired",
    ):
        return "the sending MTA gave up (failed); sisimai files messages that expired as delayed"
    if field == "action" and mine == "delayed" and re.search(r"Action:\s*delayed", raw, re.I):
        return "the delivery-status report says Action: delayed"
    if field == "action" and mine == "delayed" and DELAY_WARNING.search(body):
        return "the bounce is a delay warning: the message has not been given up"
    if (
        field == "smtp_command"
        and mine == "CONN"
        and re.search(r"refused\s+to\s+talk\s+to\s+me", body)
    ):
        return "'refused to talk to me' is the answer to the connection (the greeting)"
    if field == "smtp_command" and mine == "CONN" and re.search(r"talking to [^\n]*:\s*<<<", raw):
        return "the transcript shows the refusal before any command: the greeting"
    code = found.reply_code
    if field == "smtp_command" and mine == "RCPT" and code and pipelined_rcpt(code).search(raw):
        return (
            f"after >>> DATA the {code} is followed by DATA's own refusal (503 Need RCPT / no"
            " valid recipients): the commands were pipelined and the refusal answered RCPT TO"
        )
    if (
        field == "smtp_command"
        and mine
        and code
        and re.search(rf">>> {mine}\b[^\n]*\s+<<< {code}", raw)
    ):
        return f"the transcript shows the {code} right after >>> {mine}"
    if field == "status" and mine and mine in body and theirs not in body:
        return f"{theirs} is not in the message; it says {mine}"
    return None


def pair_left_over(
    rows: list[dict[str, str]], failures: tuple[BouncedRecipient, ...]
) -> dict[str, BouncedRecipient]:
    """Rows and failures that no address pairs, paired in order when as many are left on both
    sides (one side spells the address differently); the recipient field then shows both."""
    left_rows = [
        r for r in rows if not any(same("recipient", f.recipient, r["recipient"]) for f in failures)
    ]
    left_found = [
        f for f in failures if not any(same("recipient", f.recipient, r["recipient"]) for r in rows)
    ]
    if len(left_rows) != len(left_found):
        return {}
    return {row["index"]: found for row, found in zip(left_rows, left_found, strict=True)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--field", choices=FIELDS, help="list disagreements of this field only")
    parser.add_argument("--quiet", action="store_true", help="figures only, no disagreements")
    args = parser.parse_args()
    if not (args.corpus / "expected.jsonl").is_file():
        print(f"No bounce corpus at {args.corpus}: nothing to measure (see the README).")
        return 0
    scored = dict.fromkeys(FIELDS, 0)
    agreed = dict.fromkeys(FIELDS, 0)
    message_wins = dict.fromkeys(FIELDS, 0)
    differences: list[str] = []
    wins: list[str] = []
    pseudo = 0
    expected = load(args.corpus)
    for name in sorted(expected):
        data = (args.corpus / name).read_bytes()
        report = read_bounce(data)
        parts = split_bounce(data)
        body = (parts.text + "\n" + parts.delivery_status).lower()
        if any("forwarded" in item for item in report.seen) and parts.attached:
            # The bounce was read from the message it forwards: its text counts too.
            inner = split_bounce(parts.attached)
            body += "\n" + (inner.text + "\n" + inner.delivery_status).lower()
        raw = data.decode("utf-8", "replace")
        failures = report.failures
        paired = pair_left_over(expected[name], failures)
        for row in expected[name]:
            found = next(
                (r for r in failures if same("recipient", r.recipient, row["recipient"])),
                paired.get(row["index"]),
            )
            for field in FIELDS:
                theirs = row[field]
                if not theirs:
                    continue
                if field == "status" and PSEUDO_STATUS.match(theirs):
                    pseudo += 1
                    continue
                mine = ours(field, found, report)
                scored[field] += 1
                if same(field, mine, theirs, row["sisimai_reason"]):
                    agreed[field] += 1
                    continue
                line = f"{name}#{row['index']} {field}: smtp-tui {mine or '-'!r} sisimai {theirs!r}"
                reason = (
                    message_says(field, row, mine, found, body, raw, parts.received)
                    if found
                    else None
                )
                if reason:
                    message_wins[field] += 1
                    if args.field in (None, field):
                        wins.append(f"{line}: {reason}")
                elif args.field in (None, field):
                    differences.append(line)
    files = len(expected)
    rows = sum(len(rows) for rows in expected.values())
    print(f"Bounce reader vs sisimai: {files} bounces, {rows} failed/delayed recipients")
    print(f"  {'field':<13} {'agree':>9}  {'%':>6}   with the message's word where it differs")
    for field in FIELDS:
        total = scored[field] or 1
        share = 100 * agreed[field] / total
        fair = 100 * (agreed[field] + message_wins[field]) / total
        print(
            f"  {field:<13} {agreed[field]:>4}/{scored[field]:<4} {share:5.1f} %"
            f"   {fair:5.1f} % (+{message_wins[field]})"
        )
    print(
        f"  status: {pseudo} of sisimai's own codes (x.0.9xx) left out: sisimai makes them up"
        " when the message has no status.\n"
        "  remote_host: smtp-tui's remote host, else the host that wrote the bounce (sisimai's"
        " fallback too)."
    )
    if not args.quiet:
        print(f"\nWhere the message says otherwise than sisimai ({len(wins)}):")
        print("\n".join(wins))
        print(f"\nDisagreements ({len(differences)}):")
        print("\n".join(differences))
    return 0


if __name__ == "__main__":
    sys.exit(main())

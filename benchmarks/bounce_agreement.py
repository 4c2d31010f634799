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


def same(field: str, mine: str, theirs: str) -> bool:
    if field in ("recipient", "remote_host"):
        return mine.strip("[]<>").lower() == theirs.strip("[]<>").lower()
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
    host = host.lower()
    if re.search(rf"(?<!at )host {re.escape(host)}\b", body):
        return True  # "host X said", not Postfix's "the mail system at host X"
    # Remote-MTA only: "Reporting-MTA: dns; X" names the host that wrote the bounce.
    places = (f"talking to {host}", f"remote-mta: dns; {host}", f"remote-mta: dns;{host}")
    places += (f"{host}[",)
    places += (f"{host} [", f"remote host {host}", f"{host} does not like", f"<{host}>")
    places += (f"remote-mta: {host}",)
    return any(place in body for place in places)


def message_says(
    field: str, row: dict[str, str], mine: str, found: BouncedRecipient, body: str, raw: str
) -> str | None:
    """Why the message itself says ``mine`` rather than sisimai's value, or None. Each rule
    is a case the README explains; everything else counts as a plain disagreement."""
    theirs = row[field]
    named_remote = found.remote_mta  # only a host the bounce names, not the fallback
    if (
        field == "remote_host"
        and named_remote
        and named_as_remote(named_remote, body)
        and not named_as_remote(theirs, body)
    ):
        return f"the bounce names {named_remote} as the remote host, not {theirs}"
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
    if field == "smtp_command" and code and re.search(rf">>> {mine}\b[^\n]*\s+<<< {code}", raw):
        return f"the transcript shows the {code} right after >>> {mine}"
    if field == "status" and mine and mine in body and theirs not in body:
        return f"{theirs} is not in the message; it says {mine}"
    return None


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
        raw = data.decode("utf-8", "replace")
        failures = report.failures
        for row in expected[name]:
            found = next(
                (r for r in failures if same("recipient", r.recipient, row["recipient"])), None
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
                if same(field, mine, theirs):
                    agreed[field] += 1
                    continue
                line = f"{name}#{row['index']} {field}: smtp-tui {mine or '-'!r} sisimai {theirs!r}"
                reason = message_says(field, row, mine, found, body, raw) if found else None
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

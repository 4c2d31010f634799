"""Amazon SES bounce notifications: the JSON that SES sends through SNS (by mail or webhook).

``{"notificationType": "Bounce", "bounce": {"bouncedRecipients": [{"emailAddress", "action",
"status", "diagnosticCode"}], "reportingMTA"}, "mail": {"commonHeaders": {...}}}``.
"""

from __future__ import annotations

import json
import re

from smtp_tui.core.bounce_dsn import typed_value
from smtp_tui.core.bounce_mime import clean_value
from smtp_tui.core.bounce_text import TextRecipient
from smtp_tui.core.record import frozen_record

# Mail gateways fold JSON lines longer than 998 characters with "!" and a line break.
_FOLD = re.compile(r"!\r?\n ")
MAX_JSON_CHARS = 1_000_000


@frozen_record
class SesNotification:
    reporting_mta: str | None
    recipients: tuple[TextRecipient, ...]
    original: dict[str, str]


def _text(value: object) -> str | None:
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    return clean_value(str(value)) if value not in (None, "") else None


def _mapping(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _notification(text: str) -> dict[str, object]:
    """The SES notification in ``text``: bare, or as the ``Message`` string of the SNS
    envelope that carries it (``{"Type" : "Notification", ..., "Message" : "{...}"}``)."""
    unfolded = _FOLD.sub("", text)
    start = unfolded.find('{"notificationType"')
    envelope = re.search(r'\{\s*"Type"\s*:\s*"Notification"', unfolded)
    try:
        if start >= 0:
            data, _end = json.JSONDecoder().raw_decode(unfolded[start:])
        elif envelope is not None:
            outer, _end = json.JSONDecoder().raw_decode(unfolded[envelope.start() :])
            message = _mapping(outer).get("Message")
            data = json.loads(message) if isinstance(message, str) else None
        else:
            return {}
    except (ValueError, RecursionError):
        return {}
    return _mapping(data)


def read_ses_notification(text: str) -> SesNotification | None:
    """The bounce in an SES notification found in ``text``, or None when there is none."""
    if len(text) > MAX_JSON_CHARS:
        return None
    data = _notification(text)
    bounce = data.get("bounce")
    if data.get("notificationType") != "Bounce" or not isinstance(bounce, dict):
        return None
    recipients = []
    for entry in bounce.get("bouncedRecipients") or []:
        if not isinstance(entry, dict) or not entry.get("emailAddress"):
            continue
        diagnostic = entry.get("diagnosticCode")
        recipients.append(
            TextRecipient(
                recipient=clean_value(str(entry["emailAddress"])),
                action=_text(entry.get("action")) or "failed",
                status=_text(entry.get("status")),
                diagnostic=_text(typed_value(str(diagnostic))) if diagnostic else None,
            )
        )
    mail = _mapping(data.get("mail"))
    common = _mapping(mail.get("commonHeaders"))
    original = {
        name: value
        for name, value in (
            ("from", _text(common.get("from"))),
            ("to", _text(common.get("to"))),
            ("subject", _text(common.get("subject"))),
            ("message-id", _text(common.get("messageId") or mail.get("messageId"))),
            ("date", _text(common.get("date"))),
        )
        if value
    }
    reporting = bounce.get("reportingMTA")
    return SesNotification(
        reporting_mta=_text(typed_value(str(reporting))) if reporting else None,
        recipients=tuple(recipients),
        original=original,
    )

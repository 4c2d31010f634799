"""Reply code -> plain words: what it means, whose side must act, what to do next."""

from __future__ import annotations

from dataclasses import dataclass

from smtp_tui.core.replies import Reply

_CLASS_MEANINGS = {
    2: "Accepted: the server did what was asked.",
    3: "Go on: the server waits for more (the message text after DATA).",
    4: "Temporary failure: not now, try again later.",
    5: "Permanent failure: the server refuses; repeating the same command will not help.",
}


@dataclass(frozen=True)
class Explanation:
    code: int | None
    enhanced: str | None
    category: str
    side: str
    meaning: str
    next_steps: tuple[str, ...] = ()


def explain_reply(reply: Reply) -> Explanation:
    """A first reading of a reply from its code class."""
    meaning = _CLASS_MEANINGS.get(reply.code // 100, "Unknown reply class.")
    category = "accepted" if reply.is_positive else "other"
    side = "theirs" if reply.is_positive else "unclear"
    return Explanation(reply.code, reply.enhanced, category, side, meaning)

"""The DNS answers of SPF checks: asked once, shared, and started early.

Answers are kept as futures keyed by (name, type), so a question asked by prefetching and
again by evaluation, or by the MAIL FROM and the HELO check, goes out once. A failure is kept
as its :class:`DnsError` value (never raised), so an unneeded speculative look-up can fail
without harm.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

import dns.asyncresolver

from smtp_tui.core.dns import DnsError, query
from smtp_tui.core.record import field, mutable_record

Found = list[str] | DnsError


@mutable_record
class SpfLookups:
    """The DNS answers of one report's SPF checks, shared so that MAIL FROM and HELO checks
    (and prefetching) never ask the same question twice."""

    resolver: dns.asyncresolver.Resolver
    answers: dict[tuple[str, str], asyncio.Future[Found]] = field(default_factory=dict)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    queries: int = 0

    def ask(self, name: str, rdtype: str) -> asyncio.Future[Found]:
        key = (name.lower().rstrip("."), rdtype)
        if key not in self.answers:
            self.answers[key] = self.spawn(self._ask(key[0], rdtype))
        return self.answers[key]

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _ask(self, name: str, rdtype: str) -> Found:
        self.queries += 1
        try:
            answer = await query(self.resolver, name + ".", rdtype)
        except DnsError as error:
            return error
        if rdtype == "TXT":
            return [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer]
        if rdtype in ("MX",):
            return [rdata.exchange.to_text(omit_final_dot=True) for rdata in answer]
        if rdtype == "PTR":
            return [rdata.target.to_text(omit_final_dot=True) for rdata in answer]
        return [rdata.to_text() for rdata in answer]

    async def close(self) -> None:
        """Cancel the speculative look-ups nobody needed."""
        for task in list(self.tasks):
            task.cancel()
        for task in list(self.tasks):
            with contextlib.suppress(BaseException):
                await task

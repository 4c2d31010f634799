"""Running the guided run's coroutines without an event loop (a plain `--server IP` check).

Importing asyncio costs more than swaks's whole run on a small machine (issue 15). A check
that needs no DNS and no TLS only ever waits on one socket, so plain mode can drive the same
:class:`~smtp_tui.core.flow.GuidedRun` coroutines with :func:`run_loopless`: they run on a
:class:`~smtp_tui.core.blocking_connection.BlockingConnection`, whose ``async`` methods block
on the socket (every wait with its timeout) and never suspend. The flow stays the one place
that decides what happens next; only the I/O underneath differs.

What a cancelled task is under asyncio, :class:`Interrupted` (a signal) and
``KeyboardInterrupt`` (Ctrl+C) are here: the signal handlers hand them to
:data:`interruptions`, which raises them inside the current wait, or at the start of the
next one, as asyncio delivers a cancellation at the next ``await``.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar

# typing is only for the type checker: a loopless check does not import it (issue 15).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    from smtp_tui.core.blocking_connection import BlockingConnection
    from smtp_tui.core.connect_settings import Timeouts
    from smtp_tui.core.connection import SmtpConnection
    from smtp_tui.core.transcript import Transcript

    T = TypeVar("T")

_LOOPLESS: ContextVar[bool] = ContextVar("smtp_tui_loopless", default=False)


class Interrupted(BaseException):
    """A signal (SIGTERM, SIGHUP) ended a wait of a loopless run: what ``task.cancel()`` is
    under asyncio. A BaseException, so no ``except Exception`` swallows it."""


class LooplessRunSuspended(RuntimeError):
    """A coroutine driven without an event loop tried to suspend: something on the loopless
    path awaited asyncio. That is a bug in choosing the driver, never the user's doing."""


def is_loopless() -> bool:
    """True while :func:`run_loopless` drives the current code."""
    return _LOOPLESS.get()


def cancellations() -> tuple[type[BaseException], ...]:
    """What ends a wait early, for ``except`` clauses on both paths: asyncio's CancelledError
    (when asyncio is loaded at all; nothing can raise it otherwise) and, under the loopless
    driver, Ctrl+C and the signals."""
    loaded = sys.modules.get("asyncio")
    found: tuple[type[BaseException], ...] = (loaded.CancelledError,) if loaded else ()
    if is_loopless():
        found += (KeyboardInterrupt, Interrupted)
    return found


class WaitInterruptions:
    """Delivers a signal's exception where asyncio would deliver a cancellation: inside a
    wait (the handler raises it, so the blocking call ends at once) or, when none is going
    on, at the start of the next wait. A second signal is raised at once, wherever the run
    is: the way out when closing hangs. Signals reach the main thread only, so there is one
    of these for the process (:data:`interruptions`) and one loopless run at a time."""

    def __init__(self) -> None:
        self.waiting = 0
        self.pending: BaseException | None = None
        self.delivered = False

    def deliver(self, error: BaseException) -> None:
        """Called from a signal handler (the main thread, between two bytecodes)."""
        if self.waiting or self.delivered:
            self.delivered = True
            raise error
        self.pending = error

    @contextlib.contextmanager
    def wait(self, *, pending_first: bool = True) -> Iterator[None]:
        """Around every blocking call of the loopless path. A signal that came between two
        waits ends this one before it blocks; with ``pending_first=False`` (a write, which
        asyncio queues at once and waits on afterwards) only once the call is done."""
        if pending_first:
            self._raise_pending()
        self.waiting += 1
        try:
            yield
        finally:
            self.waiting -= 1
        self._raise_pending()

    def _raise_pending(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            self.delivered = True
            raise pending

    def reset(self) -> None:
        self.waiting = 0
        self.pending = None
        self.delivered = False


interruptions = WaitInterruptions()


def run_loopless(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end without an event loop and return its result.

    Every await underneath must complete without suspending (the blocking connection's
    do); if one suspends, the coroutine is closed and :class:`LooplessRunSuspended` raised.
    Exceptions (KeyboardInterrupt, :class:`Interrupted`) come out as they would from a call.
    """
    token = _LOOPLESS.set(True)
    interruptions.reset()
    try:
        try:
            awaited = coroutine.send(None)
        except StopIteration as done:
            result: T = done.value
            return result
        with contextlib.suppress(RuntimeError):  # a finally clause that suspends too
            coroutine.close()
        raise LooplessRunSuspended(
            f"A step of the loopless check waited on {awaited!r}, which needs an event loop: "
            "this run should have been given to asyncio (please report it)."
        )
    finally:
        _LOOPLESS.reset(token)
        interruptions.reset()


async def on_a_loop(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Await ``make()``, which needs asyncio (DNS, the port probes): in the running loop, or,
    under the loopless driver, on a short-lived loop of its own (asyncio is imported then,
    and only then). Ctrl+C and the signals still end it."""
    if not is_loopless():
        return await make()
    import asyncio

    token = _LOOPLESS.set(False)  # the nested loop's tasks copy this context
    try:
        with interruptions.wait():
            return asyncio.run(make())
    finally:
        _LOOPLESS.reset(token)


def new_connection(
    transcript: Transcript, timeouts: Timeouts
) -> SmtpConnection | BlockingConnection:
    """The connection for the driver running now: blocking under :func:`run_loopless`,
    asyncio streams otherwise. Each is imported only when chosen."""
    if is_loopless():
        from smtp_tui.core.blocking_connection import BlockingConnection

        return BlockingConnection(transcript, timeouts=timeouts)
    from smtp_tui.core.connection import SmtpConnection

    return SmtpConnection(transcript, timeouts=timeouts)

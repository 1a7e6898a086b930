"""The change feed: what happened in a class, for the live streams.

A change is published inside the transaction that makes it (so an event is never seen
before its change is committed, nor lost after), and every worker process delivers the
events of the classes its clients watch to their subscriptions. The SSE routes only
subscribe. `EventFeed` is the interface; app/events/sqlite.py is the SQLite backend (an
`events` table read a few times a second). A PostgreSQL backend would publish with
INSERT + NOTIFY and deliver on LISTEN, behind the same verbs.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

CLASS_KINDS = frozenset({"pause", "resume", "activity", "spotlight"})
"""Kinds about the class as a whole; the others ("join", "change", "answer", "reset") are
about one student."""


@dataclass(frozen=True)
class Event:
    seq: int
    """Increases with every event published, across all workers."""
    class_id: str
    kind: str
    student_id: str | None = None


@dataclass(eq=False)
class Subscription:
    """One stream's events: `since` is the last sequence number before it began; `queue`
    receives each later event of its class, and None when the server shuts down."""

    class_id: str
    since: int
    kinds: frozenset[str] | None = None
    """Only events of these kinds (None: all): a student's page skips every step of the
    others, and 60 of them would otherwise wake for each."""
    queue: asyncio.Queue[Event | None] = field(default_factory=asyncio.Queue)

    async def batch(self) -> list[Event] | None:
        """The next events (at least one, all that are waiting), or None at shutdown."""
        first = await self.queue.get()
        events = [first]
        while not self.queue.empty():
            events.append(self.queue.get_nowait())
        if any(event is None for event in events):
            return None
        return [event for event in events if event is not None]


class EventFeed(Protocol):
    def publish(
        self, conn: object, class_id: str, kind: str, student_id: str | None = None
    ) -> None:
        """Record an event inside the caller's open write transaction `conn`."""
        ...

    async def subscribe(
        self, class_id: str, kinds: frozenset[str] | None = None
    ) -> Subscription: ...

    def unsubscribe(self, subscription: Subscription) -> None: ...

    async def start(self) -> None:
        """Begin delivering (called in the worker's event loop, at start-up)."""
        ...

    def shutting_down(self) -> None:
        """End every subscription now: the server is stopping."""
        ...

    async def close(self) -> None:
        """End every subscription (their queues get None) and stop delivering."""
        ...

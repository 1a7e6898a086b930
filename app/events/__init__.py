"""The change feed: what happened in a class, for the live streams.

A change is published inside the transaction that makes it (so an event is never seen
before its change is committed, nor lost after), and every worker process delivers the
events of the classes its clients watch to their subscriptions. The SSE routes only
subscribe. `EventFeed` is the interface; app/events/sqlite.py is the SQLite backend (an
`events` table read a few times a second), app/events/postgres.py PostgreSQL's (NOTIFY in
the change's transaction, one LISTEN per worker process).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
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


class Subscribers:
    """A worker's open subscriptions, by class: what both feeds fan their events out to."""

    def __init__(self) -> None:
        self._by_class: dict[str, set[Subscription]] = defaultdict(set)

    def __bool__(self) -> bool:
        return bool(self._by_class)

    def add(self, subscription: Subscription) -> None:
        self._by_class[subscription.class_id].add(subscription)

    def discard(self, subscription: Subscription) -> None:
        watching = self._by_class.get(subscription.class_id)
        if watching is not None:
            watching.discard(subscription)
            if not watching:
                del self._by_class[subscription.class_id]

    def deliver(self, event: Event, after_since: bool = True) -> None:
        """Queue `event` for each subscription of its class that wants its kind (and, with
        `after_since`, began before it: its `seq` is above the subscription's `since`)."""
        for subscription in self._by_class.get(event.class_id, ()):
            if (not after_since or event.seq > subscription.since) and (
                subscription.kinds is None or event.kind in subscription.kinds
            ):
                subscription.queue.put_nowait(event)

    def end_all(self) -> None:
        """None on every queue: each stream ends (and its `unsubscribe` finds nothing)."""
        for watching in self._by_class.values():
            for subscription in watching:
                subscription.queue.put_nowait(None)
        self._by_class.clear()


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

    @property
    def closing(self) -> bool:
        """The server is stopping: a stream that ends stays ended."""
        ...

    async def close(self) -> None:
        """End every subscription (their queues get None) and stop delivering."""
        ...

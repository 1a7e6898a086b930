"""The feed on SQLite: an `events` table, and one poller task per worker process.

`publish` inserts a row in the caller's transaction. While any stream of this worker is
open, the poller reads the rows after the last one it saw every `interval` seconds (one
indexed query, in a thread, not on the event loop) and puts each on the queues of the
streams that watch its class. Rows older than `keep` seconds are deleted, at most once a
minute: a stream that reconnects starts from a fresh snapshot, never from old rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from app.events import Event, Subscribers, Subscription

PRUNE_EVERY = 60.0

log = logging.getLogger("backprop.events")


class SQLiteFeed:
    def __init__(self, store: Any, interval: float = 0.1, keep: float = 600.0) -> None:
        """`store`: the SQLiteStore whose file (and connections) the feed shares; its table
        is made with the others (app/store/schema.py)."""
        self.store, self.interval, self.keep = store, interval, keep
        self._subscribers = Subscribers()
        self._last: int | None = None
        """The last row delivered; None while nobody listens."""
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._wake = asyncio.Event()
        """Set to end the wait between polls at once (the feed is closing)."""
        self._next_prune = 0.0

    # -- writing -----------------------------------------------------------------------------
    def publish(self, conn: Any, class_id: str, kind: str, student_id: str | None = None) -> None:
        conn.run(
            "INSERT INTO events (class_id, student_id, kind, at) "
            "VALUES (:class_id, :student_id, :kind, :at)",
            class_id=class_id,
            student_id=student_id,
            kind=kind,
            at=time.time(),
        )

    # -- reading -----------------------------------------------------------------------------
    def _latest(self) -> int:
        with self.store.reading() as conn:
            return int(conn.one("SELECT MAX(seq) FROM events")[0] or 0)

    def _after(self, seq: int) -> list[Event]:
        with self.store.reading() as conn:
            rows = conn.all(
                "SELECT seq, class_id, kind, student_id FROM events WHERE seq > :seq "
                "ORDER BY seq LIMIT 10000",
                seq=seq,
            )
        return [Event(int(r[0]), r[1], r[2], r[3]) for r in rows]

    def _prune(self) -> None:
        with self.store.writing() as conn:
            conn.run("DELETE FROM events WHERE at < :before", before=time.time() - self.keep)

    async def subscribe(self, class_id: str, kinds: frozenset[str] | None = None) -> Subscription:
        await self.start()
        since = await asyncio.to_thread(self._latest)
        subscription = Subscription(class_id, since, kinds)
        if self._closing:
            subscription.queue.put_nowait(None)
            return subscription
        if self._last is None or not self._subscribers:
            self._last = since
        self._subscribers.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscribers.discard(subscription)

    def _deliver(self, events: list[Event]) -> None:
        for event in events:
            self._subscribers.deliver(event)

    async def _poll_forever(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            if self._closing:
                return
            try:
                if self._subscribers and self._last is not None:
                    events = await asyncio.to_thread(self._after, self._last)
                    if events:
                        self._last = events[-1].seq
                        self._deliver(events)
                if time.time() >= self._next_prune:
                    self._next_prune = time.time() + PRUNE_EVERY
                    await asyncio.to_thread(self._prune)
            except Exception as error:  # the database is down: keep trying, never die
                log.warning("cannot read the events: %s", error)

    # -- life cycle --------------------------------------------------------------------------
    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._poll_forever(), name="backprop-events")

    @property
    def closing(self) -> bool:
        return self._closing

    def shutting_down(self) -> None:
        """End every stream now (the server is stopping: open streams would hold it up)."""
        self._closing = True
        self._subscribers.end_all()

    async def close(self) -> None:
        """End the streams, then wait for a read already under way on a worker thread: the
        store closes next, and a cancelled task would leave that thread reading."""
        self.shutting_down()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

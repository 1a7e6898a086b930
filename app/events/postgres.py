"""The feed on PostgreSQL: NOTIFY inside the change's transaction, one LISTEN per worker.

`publish` runs `pg_notify` in the caller's transaction, so PostgreSQL delivers the event to
every listening session when (and only if) that transaction commits, in commit order, to
every server at once. Each worker process keeps one connection of its own (not the pool's)
listening, and puts each event on the queues of its streams that watch the event's class.
No table is written and nothing is polled: a step costs one more statement.

`seq` comes from a sequence (`nextval` in the same statement): it grows with every event,
across servers, but a transaction that took its number earlier may commit later, so events
are not filtered by `seq` as on SQLite. A stream receives every event that arrives after it
subscribed: each one committed after the stream's snapshot was read arrives then (perhaps
also one already in the snapshot, which only sends a card again).

The listening connection can be lost (PostgreSQL restarted, the network cut). Events of that
gap cannot be recovered, so every open stream then ends: pages reconnect and start from a
fresh snapshot. The listener connects again every `retry` seconds until it succeeds; a
stream opened meanwhile waits up to `timeout` seconds for it, else ends at once (its page
reconnects a moment later). No request fails for it, and the server never restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import psycopg

from app.events import Event, Subscribers, Subscription

CHANNEL = "backprop_events"
CHECK_EVERY = 10.0
"""Seconds without a notification after which the listener checks its connection (SELECT 1):
a connection cut without a word would otherwise look like a quiet class forever."""

log = logging.getLogger("backprop.events")


class PostgresFeed:
    def __init__(self, store: Any, url: str, timeout: float = 5.0, retry: float = 1.0) -> None:
        """`store`: the PostgresStore whose database the feed shares (its sequence is made
        with the tables, app/store/schema.py); `url` its address (the listener's own
        connection)."""
        self.store, self.url, self.timeout, self.retry = store, url, timeout, retry
        self._subscribers = Subscribers()
        self._last = 0
        """The highest `seq` received: a new stream's `since` (its first frames' `id:`)."""
        self._task: asyncio.Task[None] | None = None
        self._listening: asyncio.Event | None = None
        self._closing = False

    # -- writing -----------------------------------------------------------------------------
    def publish(self, conn: Any, class_id: str, kind: str, student_id: str | None = None) -> None:
        conn.run(
            "SELECT pg_notify(:channel, json_build_array(nextval('class_events'), "
            "CAST(:class_id AS text), CAST(:kind AS text), CAST(:student_id AS text))::text)",
            channel=CHANNEL,
            class_id=class_id,
            kind=kind,
            student_id=student_id,
        )

    # -- reading -----------------------------------------------------------------------------
    async def subscribe(self, class_id: str, kinds: frozenset[str] | None = None) -> Subscription:
        await self.start()
        assert self._listening is not None
        subscription = Subscription(class_id, self._last, kinds)
        if not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._listening.wait(), self.timeout)
        if self._closing or not self._listening.is_set():
            subscription.queue.put_nowait(None)  # it could miss events: its page reconnects
            return subscription
        self._subscribers.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscribers.discard(subscription)

    def _deliver(self, payload: str) -> None:
        try:
            seq, class_id, kind, student_id = json.loads(payload)
        except (ValueError, TypeError):
            log.warning("an event that is not this release's: %r", payload[:200])
            return
        self._last = max(self._last, int(seq))
        self._subscribers.deliver(Event(int(seq), class_id, kind, student_id), after_since=False)

    async def _listen(self) -> None:
        """One connection's life: LISTEN, then deliver until it fails."""
        assert self._listening is not None
        conn = await psycopg.AsyncConnection.connect(
            self.url, autocommit=True, connect_timeout=max(1, int(self.timeout))
        )
        async with conn:
            await conn.execute(f"LISTEN {CHANNEL}")
            self._listening.set()
            log.info("listening for class events")
            while not self._closing:
                received = 0
                async for notify in conn.notifies(timeout=CHECK_EVERY):
                    self._deliver(notify.payload)
                    received += 1
                if not received:
                    await conn.execute("SELECT 1")  # raises if the connection is gone

    async def _listen_forever(self) -> None:
        assert self._listening is not None
        while not self._closing:
            try:
                await self._listen()
            except (psycopg.Error, OSError) as error:
                if self._listening.is_set():
                    log.warning("lost the class events' connection: %s", error)
            finally:
                self._listening.clear()
                self._subscribers.end_all()  # they may have missed events: pages reconnect
            if not self._closing:
                await asyncio.sleep(self.retry)

    # -- life cycle --------------------------------------------------------------------------
    async def start(self) -> None:
        if self._task is None:
            self._listening = asyncio.Event()
            self._task = asyncio.create_task(self._listen_forever(), name="backprop-events")

    @property
    def closing(self) -> bool:
        return self._closing

    def shutting_down(self) -> None:
        """End every stream now (the server is stopping: open streams would hold it up)."""
        self._closing = True
        self._subscribers.end_all()

    async def close(self) -> None:
        self.shutting_down()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

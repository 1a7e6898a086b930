"""The events feeds on their own: what a subscription receives, old rows pruned (SQLite),
events only once committed and to every server, a restarted database (PostgreSQL), and
shutdown ending every subscription."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from app.events.sqlite import SQLiteFeed
from app.store import SQLiteStore
from tests.postgres import PostgresServer


def run_alone(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """asyncio.run in a thread of its own: the browser tests' driver may hold a running
    event loop in this one (pytest-xdist puts tests of several files in one process)."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(scenario())
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    if errors:
        raise errors[0]


def publish(feed: SQLiteFeed, class_id: str, kind: str, student: str | None = None) -> None:
    with feed.store.writing() as conn:
        feed.publish(conn, class_id, kind, student)


def test_a_subscription_gets_its_class_events_after_it_began(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "feed.sqlite3"))
    feed = SQLiteFeed(store, interval=0.01)

    async def scenario() -> None:
        publish(feed, "A", "change", "s1")  # before: not delivered
        everything = await feed.subscribe("A")
        student = await feed.subscribe("A", frozenset({"pause"}))
        publish(feed, "B", "change", "s9")  # another class
        publish(feed, "A", "change", "s1")
        publish(feed, "A", "pause")
        got = await asyncio.wait_for(everything.batch(), 5)
        while len(got or []) < 2:
            got = [*(got or []), *(await asyncio.wait_for(everything.batch(), 5) or [])]
        assert [(e.class_id, e.kind, e.student_id) for e in got] == [
            ("A", "change", "s1"),
            ("A", "pause", None),
        ]
        assert got[0].seq > everything.since and got[1].seq > got[0].seq
        only = await asyncio.wait_for(student.batch(), 5)
        assert [e.kind for e in only or []] == ["pause"]
        feed.shutting_down()
        assert await asyncio.wait_for(everything.batch(), 5) is None
        await feed.close()

    run_alone(scenario)
    store.close()


def test_old_events_are_pruned(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "feed.sqlite3"))
    feed = SQLiteFeed(store, keep=60.0)
    publish(feed, "A", "change", "s1")
    with store.writing() as conn:
        conn.run("UPDATE events SET at = :at", at=time.time() - 61)
    publish(feed, "A", "change", "s2")
    feed._prune()
    with store.reading() as conn:
        rows = conn.all("SELECT student_id FROM events")
    assert [r[0] for r in rows] == ["s2"]
    store.close()


# -- PostgreSQL: NOTIFY in the change's transaction, LISTEN per worker --------------------
def pg_publish(store: Any, feed: Any, class_id: str, kind: str, student: str | None = None) -> None:
    with store.writing() as conn:
        feed.publish(conn, class_id, kind, student)


async def events_until(subscription: Any, count: int) -> list[tuple[str, str, str | None]]:
    got: list[Any] = []
    while len(got) < count:
        batch = await asyncio.wait_for(subscription.batch(), 5)
        assert batch is not None, "the subscription ended"
        got.extend(batch)
    return [(e.class_id, e.kind, e.student_id) for e in got]


def test_postgres_delivers_what_commits_after_the_subscription_to_every_worker(
    postgres_url: str,
) -> None:
    """Two feeds on one database stand for two servers: an event published by one reaches
    the other's subscription, after its commit only; a rolled-back change publishes nothing."""
    from app.events.postgres import PostgresFeed
    from app.store.postgres import PostgresStore

    stores = [PostgresStore(postgres_url, pool_min=0) for _ in range(2)]
    feeds = [PostgresFeed(store, postgres_url) for store in stores]

    async def scenario() -> None:
        watching = await feeds[1].subscribe("A")
        pauses = await feeds[1].subscribe("A", frozenset({"pause"}))
        with stores[0].writing() as conn:
            feeds[0].publish(conn, "A", "change", "s1")
            await asyncio.sleep(0.3)  # not committed yet: nothing may arrive
            assert watching.queue.empty()
        with pytest.raises(RuntimeError), stores[0].writing() as conn:
            feeds[0].publish(conn, "A", "change", "rolled back")
            raise RuntimeError
        pg_publish(stores[0], feeds[0], "B", "change", "s9")  # another class
        pg_publish(stores[0], feeds[0], "A", "pause")
        assert await events_until(watching, 2) == [("A", "change", "s1"), ("A", "pause", None)]
        assert await events_until(pauses, 1) == [("A", "pause", None)]
        feeds[1].shutting_down()
        assert await asyncio.wait_for(watching.batch(), 5) is None
        for feed in feeds:
            await feed.close()

    run_alone(scenario)
    for store in stores:
        store.close()


def test_postgres_restarted_ends_the_streams_and_the_feed_listens_again(
    own_postgres: PostgresServer,
) -> None:
    """The database stops: open subscriptions end (their events could be lost), and one
    made while it is down ends at once; once it is back the feed listens again by itself."""
    from app.events.postgres import PostgresFeed
    from app.store.postgres import PostgresStore

    url = own_postgres.database()
    store = PostgresStore(url, pool_min=0, timeout=1)
    feed = PostgresFeed(store, url, timeout=1, retry=0.1)

    async def scenario() -> None:
        before = await feed.subscribe("A")
        await asyncio.to_thread(own_postgres.stop)
        assert await asyncio.wait_for(before.batch(), 10) is None
        during = await feed.subscribe("A")
        assert await asyncio.wait_for(during.batch(), 5) is None
        await asyncio.to_thread(own_postgres.start)
        deadline = time.monotonic() + 30
        while True:  # the first subscription after the restart may still end at once
            after = await feed.subscribe("A")
            if after.queue.empty() or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        await asyncio.to_thread(pg_publish, store, feed, "A", "change", "s1")
        assert await events_until(after, 1) == [("A", "change", "s1")]
        await feed.close()

    run_alone(scenario)
    store.close()

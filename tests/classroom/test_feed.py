"""The SQLite events feed on its own: what a subscription receives, old rows pruned, and
shutdown ending every subscription."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from app.events.sqlite import SQLiteFeed
from app.store import SQLiteStore


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
    with feed.store._write() as conn:
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
    with store._write() as conn:
        conn.execute("UPDATE events SET at = ?", (time.time() - 61,))
    publish(feed, "A", "change", "s2")
    feed._prune()
    rows = store._connection().execute("SELECT student_id FROM events").fetchall()
    assert [r[0] for r in rows] == ["s2"]
    store.close()

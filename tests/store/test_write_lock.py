"""Nothing that computes runs while a change holds the write lock, on SQLite (whose write lock
is the whole database's) and on PostgreSQL (the network's row): J of the new state, a forward
pass over the stored dataset, is computed before the write transaction begins, once, for the
history and the classroom's card alike."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from app import nn
from app.events.sqlite import SQLiteFeed
from app.schemas import engine_config
from app.store.classroom import ClassroomDB
from tests.store.test_contract import bump, network


def write_at_once(backend: str, where: str, network_id: str) -> bool:
    """Another writer changes the network's row, waiting for no lock: False if it would
    have to wait."""
    if backend == "sqlite":
        conn = sqlite3.connect(where, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE networks SET last_used = last_used WHERE id = ?", (network_id,))
            conn.execute("COMMIT")
            return True
        except sqlite3.OperationalError:  # database is locked
            return False
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(where, autocommit=True) as pg:
        try:
            pg.execute(
                "UPDATE networks SET last_used = last_used WHERE id = "
                "(SELECT id FROM networks WHERE id = %s FOR UPDATE NOWAIT)",
                (network_id,),
            )
            return True
        except psycopg.errors.LockNotAvailable:
            return False


def where(store: Any, backend: str, request: pytest.FixtureRequest) -> str:
    return str(store.path) if backend == "sqlite" else str(request.getfixturevalue("postgres_url"))


def test_another_writer_is_not_kept_waiting_while_j_is_computed(
    make_store, backend, request, monkeypatch
):
    """A PATCH of a network with a dataset: while its J is being computed (held here until
    the other writer is done), another writer changes the same network's row at once."""
    store = make_store()
    store.create(network("n", examples=50))
    computing, done = threading.Event(), threading.Event()
    forward = nn.forward

    def held_forward(*args: Any) -> Any:
        if threading.current_thread() is changer:
            computing.set()
            done.wait(10)
        return forward(*args)

    def rename(n):
        n.settings = n.settings.model_copy(update={"name": "renamed"})

    monkeypatch.setattr(nn, "forward", held_forward)
    changer = threading.Thread(target=store.modify, args=("n", rename))
    changer.start()
    try:
        assert computing.wait(10)
        written = write_at_once(backend, where(store, backend, request), "n")
    finally:
        done.set()
        changer.join(10)
    assert written
    assert store.get("n").settings.name == "renamed"


@contextmanager
def spying(store: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Each forward pass, as whether it ran inside one of the store's write transactions."""
    calls: list[bool] = []
    inside = threading.local()
    forward, writing = nn.forward, store.writing

    def spied_forward(*args: Any) -> Any:
        calls.append(getattr(inside, "now", False))
        return forward(*args)

    @contextmanager
    def spied_writing() -> Iterator[Any]:
        with writing() as conn:
            inside.now = True
            try:
                yield conn
            finally:
                inside.now = False

    monkeypatch.setattr(nn, "forward", spied_forward)
    monkeypatch.setattr(store, "writing", spied_writing)
    yield calls


def test_a_class_network_s_j_is_computed_once_outside_the_transaction(
    make_store, backend, monkeypatch
):
    """A student joins, steps, gets a new activity's network: each time one forward pass,
    before the write transaction, whose J the history and the card both show."""
    store = make_store()
    if backend == "sqlite":
        feed: Any = SQLiteFeed(store)
    else:
        from app.events.postgres import PostgresFeed

        feed = PostgresFeed(store, url="")  # publishes in the store's transactions only
    db = ClassroomDB(store, feed)
    db.create_class(dict(id="c", title="T", join_code="ABCDEF", key_hash="k"), "{}", 10)
    with spying(store, monkeypatch) as calls:
        db.add_student(db.get_class("c"), "s", str, "key", network("n1", examples=20), 10, 10)
        assert calls == [False]
        store.modify("n1", bump)
        assert calls == [False, False]
        db.push_activity(db.get_class("c"), "{}", {"s": network("n2", examples=20)}, 10)
        assert calls == [False, False, False]
        store.modify("n2", bump)
        assert calls == [False, False, False, False]
    stepped = store.get("n2")
    assert stepped.dataset is not None
    config = engine_config(stepped.settings)
    x, y = stepped.dataset
    j = nn.objective(stepped.params, config, nn.forward(stepped.params, config, x), y)
    card, entry = db.student("s"), store.history("n2")[1][-1]
    assert card.loss == entry.loss == j
    assert card.losses[-1] == j and card.updates == entry.updates == 1

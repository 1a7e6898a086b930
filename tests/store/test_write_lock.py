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
from app.networks.history import rewind
from app.schemas import engine_config
from app.store import classroom as classroom_db
from app.store import rows
from app.store.classroom import ClassroomDB
from app.store.postgres import NAMED_LOCKS
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


def test_a_rewind_s_j_is_computed_outside_the_transaction(make_store, monkeypatch):
    """A rewind reads the recorded state, then saves it as a change: its J, a forward pass
    over the restored dataset, runs before the write transaction, as a step's does."""
    store = make_store()
    store.create(network("n", examples=30))
    store.modify("n", bump)
    with spying(store, monkeypatch) as calls:
        rewound = rewind(store, "n", 0, None, lambda fields: None)
    assert rewound.updates == 0 and store.get("n").updates == 0
    assert calls == [False]


def classroom(store: Any, backend: str) -> ClassroomDB:
    if backend == "sqlite":
        feed: Any = SQLiteFeed(store)
    else:
        from app.events.postgres import PostgresFeed

        feed = PostgresFeed(store, url="")  # publishes in the store's transactions only
    return ClassroomDB(store, feed)


def test_a_push_writes_its_networks_in_bounded_transactions(make_store, backend, monkeypatch):
    """A push to 25 students: no write transaction inserts more than PUSH_BATCH networks,
    and the one that makes them the students' inserts none; a push that finds the class
    changed (a student joined meanwhile) answers False and leaves no network behind."""
    store = make_store()
    db = classroom(store, backend)
    db.create_class(dict(id="c", title="T", join_code="ABCDEF", key_hash="k"), "{}", 10)
    for k in range(25):
        made = network(f"a{k}", examples=5)
        assert db.add_student(db.get_class("c"), f"s{k}", str, f"key{k}", made, 100, 1000)
    inserted: list[list[str]] = []
    writing, insert = store.writing, store.insert

    @contextmanager
    def counted() -> Iterator[Any]:
        inserted.append([])
        with writing() as conn:
            yield conn

    def counted_insert(conn: Any, made: Any, staged: Any = None) -> bool:
        inserted[-1].append(made.id)
        return bool(insert(conn, made, staged))

    monkeypatch.setattr(store, "writing", counted)
    monkeypatch.setattr(store, "insert", counted_insert)
    pushed = {f"s{k}": network(f"b{k}", examples=5) for k in range(25)}
    assert db.push_activity(db.get_class("c"), "{}", pushed, 1000)
    batch = classroom_db.PUSH_BATCH
    assert [len(t) for t in inserted] == [min(batch, 25 - at) for at in range(0, 25, batch)] + [0]
    assert {s.network_id for s in db.students("c")} == {f"b{k}" for k in range(25)}
    assert db.get_class("c").activity_number == 2

    stale = db.get_class("c")
    db.add_student(stale, "late", str, "key-late", network("late", examples=5), 100, 1000)
    again = {f"s{k}": network(f"c{k}", examples=5) for k in range(25)}
    assert not db.push_activity(stale, "{}", again, 1000)
    assert store.count() == 51  # a…, b… and the late student's: no c… left
    assert db.get_class("c").activity_number == 2


def lock_free(backend: str, where: str) -> bool:
    """Whether a writer that creates a network would get the lock at once: SQLite's write
    lock, or on PostgreSQL the advisory lock every insert takes (`lock(conn, "networks")`)."""
    if backend == "sqlite":
        conn = sqlite3.connect(where, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:  # database is locked
            return False
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(where, autocommit=True) as pg, pg.transaction():
        found = pg.execute(
            "SELECT pg_try_advisory_xact_lock(%s, hashtext('networks'))", (NAMED_LOCKS,)
        ).fetchone()
        return bool(found and found[0])


def test_a_push_stages_without_the_lock_and_compresses_shared_examples_once(
    make_store, backend, request, monkeypatch
):
    """A push to 25 students who share one dataset (the same arrays, as a push builds them):
    while each network is staged (J computed, the row encoded) another writer would get the
    lock at once; the examples are compressed once, and every student's reads back bit for
    bit."""
    store = make_store()
    db = classroom(store, backend)
    db.create_class(dict(id="c", title="T", join_code="ABCDEF", key_hash="k"), "{}", 10)
    for k in range(25):
        joined = network(f"a{k}")
        assert db.add_student(db.get_class("c"), f"s{k}", str, f"key{k}", joined, 100, 1000)
    target = where(store, backend, request)
    free: list[bool] = []
    compressed: list[int] = []
    encode, stage = rows.encode_dataset, store.stage

    def counted_encode(*args: Any) -> Any:
        compressed.append(1)
        return encode(*args)

    def checked_stage(made: Any, encoded: Any = None) -> Any:
        free.append(lock_free(backend, target))
        return stage(made, encoded)

    monkeypatch.setattr(rows, "encode_dataset", counted_encode)
    monkeypatch.setattr(store, "stage", checked_stage)
    first = network("b0", examples=30)
    pushed = {"s0": first}
    for k in range(1, 25):
        pushed[f"s{k}"] = network(f"b{k}")
        pushed[f"s{k}"].dataset = first.dataset
    assert db.push_activity(db.get_class("c"), "{}", pushed, 1000)
    assert free == [True] * 25
    assert len(compressed) == 1
    for k in range(25):
        stored = store.get(f"b{k}").dataset
        assert [a.tobytes() for a in stored] == [a.tobytes() for a in first.dataset]

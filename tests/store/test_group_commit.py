"""Group commit in the SQLite store: changes that queue while one commits are committed
together, each exactly once, and a refused change is undone alone."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from app import nn
from app.schemas import Settings
from app.store import NotFound, SQLiteStore, StoredNetwork


def network(network_id: str) -> StoredNetwork:
    return StoredNetwork(network_id, Settings(), 0, nn.init_params([2, 2, 1], 0), None)


@pytest.fixture
def store(tmp_path: Path):
    s = SQLiteStore(str(tmp_path / "db.sqlite3"))
    yield s
    s.close()


def run_together(calls, hold_first: float = 0.2):
    """Start every call at once; the first one to write holds the lock for `hold_first` s, so
    the rest queue behind it. Returns each call's result or exception, in order."""
    results: list[object] = [None] * len(calls)
    gate = threading.Barrier(len(calls))

    def run(i: int) -> None:
        gate.wait()
        if i:
            time.sleep(0.05)  # let call 0 become the writer first
        try:
            results[i] = calls[i]()
        except Exception as error:  # the test inspects it
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def counting(store: SQLiteStore) -> list[int]:
    sizes: list[int] = []
    commit = store._commit

    def spy(batch):
        sizes.append(len(batch))
        commit(batch)

    store._commit = spy  # type: ignore[method-assign]
    return sizes


def bump(seconds: float = 0.0):
    def change(n: StoredNetwork) -> int:
        time.sleep(seconds)
        n.updates += 1
        return n.updates

    return change


def test_queued_changes_share_one_commit_and_each_applies_once(store):
    store.create(network("a"))
    sizes = counting(store)
    calls = [lambda: store.modify("a", bump(0.2))] + [lambda: store.modify("a", bump())] * 15
    results = run_together(calls)
    assert sorted(results) == list(range(1, 17))  # every change saw the one before it
    assert store.get("a").updates == 16
    assert sum(sizes) == 16
    assert max(sizes) > 1, sizes  # the 15 that queued behind the slow one went together


def test_a_refused_change_in_a_batch_is_undone_alone(store):
    for name in "abc":
        store.create(network(name))
    before = store.get("b").params.weights[0].copy()

    def refuse(n: StoredNetwork) -> None:
        n.params.weights[0][:] = 99.0  # changed, then refused: must not be saved
        raise ValueError("refused")

    sizes = counting(store)
    results = run_together(
        [
            lambda: store.modify("a", bump(0.2)),
            lambda: store.modify("b", refuse),
            lambda: store.modify("c", bump()),
            lambda: store.modify("zzz", bump()),
        ]
    )
    assert results[0] == 1 and results[2] == 1
    assert isinstance(results[1], ValueError)
    assert isinstance(results[3], NotFound)
    np.testing.assert_array_equal(store.get("b").params.weights[0], before)
    assert store.get("b").updates == 0
    assert max(sizes) > 1, sizes


def test_a_failed_commit_fails_every_change_in_the_batch(store, tmp_path):
    store.create(network("a"))
    store.create(network("b"))

    def break_disk(n: StoredNetwork) -> int:
        raise sqlite3.OperationalError("disk I/O error")

    results = run_together(
        [
            lambda: store.modify("a", bump(0.2)),
            lambda: store.modify("b", bump()),
            lambda: store.modify("a", break_disk),
        ]
    )
    from app.store import StoreUnavailable

    # the first commit is alone; the next batch holds b's change and the failure
    assert results[0] == 1
    assert all(isinstance(r, StoreUnavailable) for r in results[1:]), results
    assert store.get("b").updates == 0  # b was not acknowledged, and not saved
    assert store.get("a").updates == 1


def test_a_batch_writes_each_network_once_in_its_last_state(store, tmp_path):
    store.create(network("a"))
    saves: list[str] = []
    save = store._save

    def spy(conn, n, held):
        saves.append(n.id)
        save(conn, n, held)

    store._save = spy  # type: ignore[method-assign]

    def retune(n: StoredNetwork) -> int:  # a PATCH-like change: new settings, so every column
        n.settings = n.settings.model_copy(update={"learning_rate": 0.25})
        n.updates += 1
        return n.updates

    first = store.submit("a", bump(0.2))  # the writer takes it alone and holds it 0.2 s
    time.sleep(0.05)
    queued = [store.submit("a", retune), store.submit("a", bump())]  # one batch, this order
    results = [f.result(10) for f in [first, *queued]]
    assert results == [1, 2, 3]  # each applied once, on the one before
    assert saves == ["a", "a"]  # the first change alone, then one write for the two queued
    on_disk = SQLiteStore(str(tmp_path / "db.sqlite3"))  # its own cache: read from the file
    try:
        saved = on_disk.get("a")
    finally:
        on_disk.close()
    assert saved.updates == 3
    assert saved.settings.learning_rate == 0.25  # the settings column was written too
    assert saved.version == store.get("a").version

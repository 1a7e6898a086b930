"""The decoded-network cache: bounded, never stale across processes, never corrupted by a
change, and the store's writer thread behind `submit`."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from app import nn
from app.schemas import NetworkSettings
from app.store import NotFound, SQLiteStore, StoredNetwork
from app.store.cache import OVERHEAD, NetworkCache


def network(network_id: str, layers: list[int] | None = None, examples: int = 0) -> StoredNetwork:
    layers = layers or [2, 2, 1]
    data = None
    if examples:
        data = (np.zeros((examples, layers[0])), np.zeros((examples, layers[-1])))
    return StoredNetwork(network_id, NetworkSettings(), 0, nn.init_params(layers, 0), data)


def bump(n: StoredNetwork) -> int:
    n.params = nn.Params([w + 1.0 for w in n.params.weights], n.params.biases)
    n.updates += 1
    return n.updates


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "db.sqlite3")


def test_the_cache_keeps_at_most_max_networks_least_recently_used_first():
    cache = NetworkCache(max_networks=3)
    for name in "abcd":
        cache.put(network(name))
    assert len(cache) == 3
    assert cache.get("a", 0) is None  # the oldest went
    assert cache.get("b", 0) is not None  # b is now the most recently used
    cache.put(network("e"))
    assert cache.get("c", 0) is None and cache.get("b", 0) is not None


def test_the_cache_keeps_at_most_max_bytes_of_arrays():
    size = OVERHEAD + 24_000 + 8 * (4 + 2 + 2 + 1)  # 1,000 examples of 3 numbers, 9 params
    cache = NetworkCache(max_networks=100, max_bytes=2 * size + 10)
    for name in "abc":
        cache.put(network(name, [2, 2, 1], examples=1000))
    assert len(cache) == 2 and cache.bytes == 2 * size
    cache.put(network("huge", [2, 2, 1], examples=10_000))  # larger than the bound: not kept
    assert cache.get("huge", 0) is None and len(cache) == 2


def test_a_cached_network_at_another_version_is_a_miss():
    cache = NetworkCache()
    cache.put(network("a"))
    assert cache.get("a", 1) is None
    assert cache.get("a", 0) is not None


def test_changing_a_copy_from_the_cache_does_not_change_the_cache():
    cache = NetworkCache()
    cache.put(network("a", examples=2))
    copy = cache.get("a", 0)
    assert copy is not None and copy.dataset is not None
    copy.params.weights[0][:] = 99.0
    copy.updates = 7
    again = cache.get("a", 0)
    assert again is not None
    for kept, made in zip(again.params.weights, network("a").params.weights, strict=True):
        np.testing.assert_array_equal(kept, made)
    assert again.updates == 0
    with pytest.raises(ValueError, match="read-only"):
        copy.dataset[0][0, 0] = 1.0  # shared, so it must not be writable


def test_another_process_change_is_seen_at_once(make_store):
    """Two stores on one database stand for two worker processes (or two servers): each
    caches, and each sees the other's committed change, because the cache is checked against
    the row's version."""
    a, b = make_store(), make_store()
    a.create(network("n"))
    assert a.get("n").updates == 0 and b.get("n").updates == 0  # both cached now
    assert b.modify("n", bump) == 1
    assert a.get("n").updates == 1
    assert a.modify("n", bump) == 2  # built on b's change, not on a's cached copy
    assert b.get("n").updates == 2
    np.testing.assert_array_equal(
        b.get("n").params.weights[0], nn.init_params([2, 2, 1], 0).weights[0] + 2.0
    )


def test_a_refused_change_leaves_the_cached_state_alone(store):
    store.create(network("n"))
    store.modify("n", bump)

    def refuse(n: StoredNetwork) -> None:
        n.params.weights[0][:] = 99.0
        n.updates = 1000
        raise ValueError("refused")

    with pytest.raises(ValueError):
        store.modify("n", refuse)
    after = store.get("n")
    assert after.updates == 1
    assert not (after.params.weights[0] == 99.0).any()


def test_a_deleted_network_is_not_served_from_the_cache(store):
    store.create(network("n"))
    store.get("n")
    assert store.delete("n")
    with pytest.raises(NotFound):
        store.get("n")
    with pytest.raises(NotFound):
        store.modify("n", bump)


def test_a_change_computes_with_no_lock_and_again_when_another_writer_got_there_first(store):
    """The slow change holds no lock: a second writer commits while it computes. The slow
    change then sees that its network moved on and runs again, on the new state: both
    changes are applied, once each."""
    store.create(network("n"))
    computing, release = threading.Event(), threading.Event()
    runs: list[int] = []

    def slow(n: StoredNetwork) -> int:
        runs.append(n.updates)
        computing.set()
        release.wait(5)
        return bump(n)

    worker = threading.Thread(target=lambda: runs.append(store.modify("n", slow)))
    worker.start()
    assert computing.wait(5)
    assert store.modify("n", bump) == 1  # not blocked by the slow change
    release.set()
    worker.join(5)
    assert runs == [0, 1, 2]  # ran on 0 updates, then again on 1, and returned 2
    assert store.get("n").updates == 2


def test_a_read_never_waits_for_a_writer(path):
    """Another process holds the write lock; a read that would refresh last_used answers at
    once and leaves the refresh for later."""
    store = SQLiteStore(path, busy_timeout_ms=10_000)
    try:
        store.create(network("n"))
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("UPDATE networks SET last_used = 0 WHERE id = 'n'")
        other.execute("BEGIN IMMEDIATE")
        try:
            assert store.get("n").updates == 0  # busy_timeout would wait 10 s
        finally:
            other.execute("ROLLBACK")
            other.close()
    finally:
        store.close()

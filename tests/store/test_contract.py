"""What every store promises (app/store/base.py), checked on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from app import nn
from app.schemas import NetworkSettings
from app.store import NotFound, StoredNetwork, StoreFull
from app.store.base import SchemaTooNew
from app.store.schema import SCHEMA_VERSION
from tests.store.conftest import execute


def network(network_id: str, examples: int = 0, seed: int = 0) -> StoredNetwork:
    rng = np.random.default_rng(seed)
    data = None
    if examples:
        data = (rng.normal(size=(examples, 3)), rng.uniform(size=(examples, 2)))
    params = nn.init_params([3, 4, 2], seed)
    params.weights[0][0, 0] = 0.1 + 0.2  # a float whose last bit a text format could lose
    return StoredNetwork(
        network_id, NetworkSettings(name="n", learning_rate=0.7), seed, params, data
    )


def bump(n: StoredNetwork) -> int:
    n.params = nn.Params([w * 1.5 + 0.25 for w in n.params.weights], n.params.biases)
    n.updates += 1
    return n.updates


def same(a: StoredNetwork, b: StoredNetwork) -> None:
    assert (a.id, a.settings, a.seed, a.updates, a.version) == (
        b.id, b.settings, b.seed, b.updates, b.version)  # fmt: skip
    for x, y in zip([*a.params.weights, *a.params.biases], [*b.params.weights, *b.params.biases],
                    strict=True):  # fmt: skip
        assert x.tobytes() == y.tobytes()
    assert (a.dataset is None) == (b.dataset is None)
    if a.dataset and b.dataset:
        assert a.dataset[0].tobytes() == b.dataset[0].tobytes()
        assert a.dataset[1].tobytes() == b.dataset[1].tobytes()


def test_a_network_reads_back_bit_for_bit_in_another_store(make_store):
    made = network("a", examples=50, seed=3)
    make_store().create(made)
    same(make_store(cache_networks=0).get("a"), made)


def test_an_unknown_network_is_not_found(store):
    with pytest.raises(NotFound):
        store.get("nobody")
    with pytest.raises(NotFound):
        store.modify("nobody", bump)
    assert store.delete("nobody") is False


def test_concurrent_changes_from_several_stores_are_each_applied_once(make_store):
    """Three stores stand for three servers; 60 changes from 3 threads, none lost or doubled,
    and the weights equal the 60 changes applied one after another."""
    stores = [make_store() for _ in range(3)]
    stores[0].create(network("n"))
    results: list[int] = []

    def work(i: int) -> None:
        for _ in range(20):
            results.append(stores[i % 3].modify("n", bump))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == list(range(1, 61))
    expected = network("n")
    for _ in range(60):
        bump(expected)
    got = stores[1].get("n")
    assert got.updates == 60 and got.version == 60
    for x, y in zip(got.params.weights, expected.params.weights, strict=True):
        assert x.tobytes() == y.tobytes()


def test_a_network_many_writers_change_at_once_refuses_none_of_them(make_store):
    """Twelve writers over three stores change one network, each change slow enough (5 ms)
    that almost every attempt without a lock loses to another writer: every change is still
    applied, once, and the weights equal the 48 changes one after another."""
    stores = [make_store() for _ in range(3)]
    stores[0].create(network("n"))
    results: list[int] = []

    def slow_bump(n: StoredNetwork) -> int:
        time.sleep(0.005)
        return bump(n)

    def work(i: int) -> None:
        for _ in range(4):
            results.append(stores[i % 3].modify("n", slow_bump))

    with ThreadPoolExecutor(12) as pool:
        list(pool.map(work, range(12)))
    assert sorted(results) == list(range(1, 49))
    expected = network("n")
    for _ in range(48):
        bump(expected)
    got = stores[2].get("n")
    assert (got.updates, got.version) == (48, 48)
    for x, y in zip(got.params.weights, expected.params.weights, strict=True):
        assert x.tobytes() == y.tobytes()


def test_the_cap_refuses_a_new_network_and_expired_ones_make_room(make_store):
    store = make_store(max_networks=2, expire_after=60)
    store.create(network("a"))
    store.create(network("b"))
    with pytest.raises(StoreFull) as full:
        store.create(network("c"))
    assert full.value.setting == "BACKPROP_MAX_NETWORKS"
    assert store.count() == 2
    execute(store, "UPDATE networks SET last_used = 0 WHERE id = 'a'")
    with pytest.raises(NotFound):
        store.get("a")  # expired: gone for readers at once
    store.create(network("c"))
    assert sorted(s.id for s in store.summaries()) == ["b", "c"]


def test_scan_gives_every_network_by_id_and_leaves_last_used(make_store):
    store = make_store()
    for name in ["b", "a", "c"]:
        store.create(network(name))
    execute(store, "UPDATE networks SET last_used = last_used - 3600")
    before = {s.id: s.last_used for s in store.summaries()}
    assert [n.id for n in store.scan(page=2)] == ["a", "b", "c"]
    assert {s.id: s.last_used for s in store.summaries()} == before
    store.get("a")  # an hour unused: a read refreshes last_used
    assert {s.id: s.last_used for s in store.summaries()}["a"] > before["a"]


def test_a_changed_dataset_and_settings_are_saved(make_store):
    store = make_store()
    store.create(network("n", examples=5))

    def replace(n: StoredNetwork) -> None:
        n.settings = NetworkSettings(name="renamed", learning_rate=0.1)
        n.dataset = (np.ones((2, 3)), np.zeros((2, 2)))

    store.modify("n", replace)
    again = make_store(cache_networks=0).get("n")
    assert again.settings.name == "renamed" and again.version == 1
    assert again.dataset is not None and again.dataset[0].tolist() == [[1.0] * 3] * 2


def test_a_database_from_a_newer_release_is_refused_with_both_versions(make_store, backend):
    store = make_store()
    if backend == "postgres":
        execute(store, f"UPDATE schema_version SET version = {SCHEMA_VERSION + 1}")
    else:
        execute(store, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaTooNew) as error:
        make_store()
    assert f"version {SCHEMA_VERSION + 1}" in str(error.value)
    assert f"up to {SCHEMA_VERSION}" in str(error.value)


def test_concurrent_creates_from_several_stores_stop_at_the_cap(make_store):
    stores = [make_store(max_networks=5) for _ in range(3)]
    outcomes: list[str] = []

    def create(i: int) -> None:
        try:
            stores[i % 3].create(network(f"n{i}"))
            outcomes.append("made")
        except StoreFull:
            outcomes.append("full")

    threads = [threading.Thread(target=create, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["full"] * 7 + ["made"] * 5
    assert stores[0].count() == 5


def test_postgres_that_does_not_answer_is_store_unavailable():
    pytest.importorskip("psycopg")
    from app.store import StoreUnavailable
    from app.store.postgres import PostgresStore
    from tests.conftest import free_port

    nobody = f"postgresql://postgres@127.0.0.1:{free_port()}/backprop"
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        PostgresStore(nobody, timeout=1)


def test_a_test_part_and_l2_are_saved_and_a_step_keeps_them(make_store):
    store = make_store()
    store.create(network("t", examples=4))
    test = (np.full((3, 3), 0.5), np.eye(3, 2))

    def split(n: StoredNetwork) -> None:
        n.settings = NetworkSettings(name="split", l2=0.25)
        n.test = test

    store.modify("t", split)
    store.modify("t", bump)  # a step: only the weights are written
    again = make_store(cache_networks=0).get("t")
    assert again.settings.l2 == 0.25 and again.updates == 1
    assert again.dataset is not None and again.dataset[0].shape == (4, 3)
    assert again.test is not None
    assert again.test[0].tobytes() == test[0].tobytes()
    assert again.test[1].tobytes() == test[1].tobytes()

    def drop(n: StoredNetwork) -> None:
        n.test = None

    store.modify("t", drop)
    assert make_store(cache_networks=0).get("t").test is None


def test_a_fork_s_link_is_written_with_it_and_goes_with_it(make_store):
    from app.store.base import Fork

    store = make_store()
    store.create(network("origin", examples=4))
    store.create(network("fork"), Fork("origin", 3, 0, {"learning_rate": 2.0}))
    store.create(network("other"), Fork("origin", 5, None, {}))
    up, down = store.forks("fork")
    assert (up, down) == (Fork("origin", 3, 0, {"learning_rate": 2.0}), [])
    up, down = make_store(cache_networks=0).forks("origin")  # another server reads them too
    assert up is None
    assert down == [Fork("fork", 3, 0, {"learning_rate": 2.0}), Fork("other", 5, None, {})]
    # the fork's link goes with the fork (SQLite: a trigger; PostgreSQL: the foreign key)
    assert store.delete("fork")
    assert [f.id for f in store.forks("origin")[1]] == ["other"]
    with store.reading() as conn:  # type: ignore[attr-defined]
        assert conn.one("SELECT COUNT(*) FROM forks")[0] == 1
    # the origin gone, its fork no longer names it
    assert store.delete("origin")
    assert store.forks("other") == (None, [])
    with pytest.raises(NotFound):
        store.forks("origin")

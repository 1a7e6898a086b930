"""The history every store keeps (app/store/history.py), on SQLite and on PostgreSQL: written
with each change, bounded, gone with its network, and read back bit for bit."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from app import nn
from app.schemas import NetworkSettings
from app.store import StoredNetwork, history
from app.store.base import NotRecorded, StoreFull
from app.store.history import thinned, window
from tests.store.conftest import execute
from tests.store.test_contract import bump, network, same


def test_thinning_keeps_the_window_then_every_10th_100th_1000th():
    size = 10
    seqs = list(range(0, 5001))
    kept = sorted(set(seqs) - set(thinned(seqs, size)))
    newest = 5000
    assert kept[0] == 0
    assert [s for s in kept if newest - s < size] == list(range(4991, 5001))
    assert [s for s in kept if size <= newest - s < 10 * size] == list(range(4910, 4991, 10))
    assert [s for s in kept if 10 * size <= newest - s < 100 * size] == list(range(4100, 4901, 100))
    oldest = [s for s in kept if s > 0 and newest - s >= 100 * size]
    assert oldest == [1000, 2000, 3000, 4000]
    # thinning what is already thinned removes nothing more, until the newest moves on
    assert thinned(kept, size) == []
    # the coarsest level keeps at most one window of entries
    many = list(range(0, 200_001, 1000))
    assert len(sorted(set(many) - set(thinned(many, size)))) <= 1 + 3 * size


def test_the_window_shrinks_for_large_networks():
    assert window(9) == 1000  # XOR 2-2-1
    big = 256 * 64 + 64 + 64 * 10 + 10  # 256-64-10: 136 KB of weights
    assert window(big) * 3.9 * (8 * big + history.ENTRY_OVERHEAD) <= history.HISTORY_BYTES
    assert window(10**7) == history.MIN_WINDOW


def test_every_change_is_an_entry_read_back_bit_for_bit(make_store):
    store = make_store()
    made = network("a", examples=5, seed=1)
    store.create(made)
    states = [store.get("a")]
    for _ in range(3):
        store.modify("a", bump)
        states.append(store.get("a"))

    def rename(n):
        n.settings = n.settings.model_copy(update={"learning_rate": 0.25})

    store.modify("a", rename)
    states.append(store.get("a"))
    current, entries = make_store(cache_networks=0).history("a")  # another worker
    assert current == 4
    assert [(e.seq, e.updates, e.kind) for e in entries] == [
        (0, 0, "create"),
        (1, 1, "step"),
        (2, 2, "step"),
        (3, 3, "step"),
        (4, 3, "edit"),
    ]
    for entry, state in zip(entries, states, strict=True):
        past = store.recorded("a", entry.updates, entry.seq)
        past.version = state.version
        same(past, state)
        assert past.dataset is not None and state.dataset is not None
        assert past.dataset[0].tobytes() == state.dataset[0].tobytes()
    with pytest.raises(NotRecorded):
        store.recorded("a", 9)


def test_history_is_bounded_and_keeps_the_newest_1000(make_store):
    store = make_store()
    store.create(network("a"))
    for _ in range(1300):  # thinning runs at every 100th entry (a tenth of the window)
        store.modify("a", bump)
    current, entries = store.history("a")
    seqs = [e.seq for e in entries]
    assert current == 1300 == seqs[-1]
    assert seqs[-1000:] == list(range(301, 1301))
    assert seqs[:-1000] == [0, *range(10, 301, 10)]
    store.modify("a", bump)  # until the next run, the newest are added to what is kept
    assert [e.seq for e in store.history("a")[1]][-1001:] == list(range(301, 1302))
    # each entry's update count is the network's at that state
    assert all(e.updates == e.seq for e in entries)


@pytest.mark.parametrize("tip", ["known", "unknown"])
def test_a_step_after_a_rewind_replaces_the_branch_where_it_was_thinned_too(make_store, tip):
    store = make_store()
    store.create(network("a"))
    for _ in range(1210):
        store.modify("a", bump)
    then = store.recorded("a", 10, 10)  # kept at the first thinned level: 11 to 19 are not

    def back(n):
        n.params, n.updates, n.rewound = then.params, then.updates, then.head

    store.modify("a", back)
    current, entries = store.history("a")
    assert (current, entries[-1].seq) == (10, 1210)  # the branch stays, for a redo
    if tip == "unknown":  # as a row that does not know its newest entry
        execute(store, "UPDATE networks SET history_tip = NULL WHERE id = 'a'")
        store = make_store(cache_networks=0)
    store.modify("a", bump)
    current, entries = store.history("a")
    assert current == 11
    assert [(e.seq, e.updates) for e in entries] == [(0, 0), (10, 10), (11, 11)]
    now, past = store.get("a"), store.recorded("a", 11)
    past.version = now.version  # a recorded state has no version of its own
    same(past, now)


def rows_of(store, network_id: str) -> int:
    """History and config rows the database holds for a network, read behind the store."""
    sql = (
        f"SELECT (SELECT COUNT(*) FROM history WHERE network_id = '{network_id}') + "
        f"(SELECT COUNT(*) FROM history_configs WHERE network_id = '{network_id}')"
    )
    with store.reading() as conn:
        return int(conn.raw.execute(sql).fetchone()[0])


def test_a_deleted_network_takes_its_history(make_store):
    store = make_store()
    store.create(network("a"))
    store.modify("a", bump)
    assert rows_of(store, "a") == 3  # two entries, one config
    assert store.delete("a")
    assert rows_of(store, "a") == 0
    store.create(network("a"))  # the same id again starts afresh
    assert [e.seq for e in store.history("a")[1]] == [0]
    execute(store, "DELETE FROM networks WHERE id = 'a'")  # as the sweep of expired ones does
    assert rows_of(store, "a") == 0


def test_concurrent_writers_never_lose_or_duplicate_an_entry(make_store):
    stores = [make_store(), make_store(), make_store()]
    stores[0].create(network("a"))
    errors: list[BaseException] = []

    def work(store):
        try:
            for _ in range(30):
                store.modify("a", bump)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    current, entries = stores[0].history("a")
    assert [e.updates for e in entries] == list(range(91))
    assert current == 90 == stores[0].get("a").updates


def test_a_replaced_test_part_is_kept_by_the_history(make_store):
    """A state recorded before the dataset (with its test part) was replaced reads back with
    that test part, bit for bit, from another worker; the present state has the new one."""
    store = make_store()
    made = network("t", examples=6, seed=2)
    rng = np.random.default_rng(9)
    made.test = (rng.normal(size=(3, 3)), rng.uniform(size=(3, 2)))
    store.create(made)
    store.modify("t", bump)

    def replace(n):
        assert n.dataset is not None
        n.dataset, n.test = (n.dataset[0][:2], n.dataset[1][:2]), None

    store.modify("t", replace)
    other = make_store(cache_networks=0)
    assert other.get("t").test is None
    past = other.recorded("t", 1, 1)  # entry 1, the step (entry 2, the edit, is at 1 too)
    assert past.test is not None and past.dataset is not None
    assert past.test[0].tobytes() == made.test[0].tobytes()
    assert past.test[1].tobytes() == made.test[1].tobytes()
    assert len(past.dataset[0]) == 6
    first = other.recorded("t", 0)
    assert first.test is not None and first.test[0].tobytes() == made.test[0].tobytes()


def history_bytes(store, network_id: str) -> int:
    """The bytes of weights and earlier datasets the network's history holds."""
    with store.reading() as conn:
        sql = "SELECT COALESCE(SUM(length({})), 0) FROM {} WHERE network_id = :id"
        weights = conn.one(sql.format("params", "history"), id=network_id)[0]
        datasets = conn.one(sql.format("dataset", "history_configs"), id=network_id)[0]
    return int(weights) + int(datasets)


def new_dataset(seed: int):
    def change(n):
        n.dataset = network("x", examples=10_000, seed=seed).dataset

    return change


def test_earlier_datasets_are_bounded_and_the_newest_kept(make_store):
    """40 PATCHes of a 10,000-example dataset (about 0.4 MB each as stored) would keep 16 MB
    of earlier datasets: the oldest entries that hold one go, the newest stay readable."""
    store = make_store()
    store.create(network("n", examples=10_000))
    for k in range(1, 41):
        store.modify("n", new_dataset(k))
    assert history_bytes(store, "n") <= history.HISTORY_BYTES + history.DATASET_BYTES
    assert history_bytes(store, "n") > history.DATASET_BYTES // 2  # not all dropped either
    seqs = [e.seq for e in store.history("n")[1]]
    assert seqs[-1] == 40 and 0 not in seqs and len(seqs) < 41
    kept = store.recorded("n", 0, seqs[-2])
    expected = network("x", examples=10_000, seed=seqs[-2]).dataset
    assert kept.dataset is not None and expected is not None
    assert kept.dataset[0].tobytes() == expected[0].tobytes()


def test_the_quota_counts_the_history_s_datasets(make_store):
    """The network's own row stays about 0.4 MB; its earlier datasets reach the quota, and the
    change that would pass it is refused with nothing written."""
    store = make_store(max_stored_bytes=3 * 2**20)
    store.create(network("n", examples=10_000))
    with pytest.raises(StoreFull):
        for k in range(1, 41):
            store.modify("n", new_dataset(k))
            done = k
    assert 0 < done < 40
    assert store.get("n").version == done
    assert [e.seq for e in store.history("n")[1]][-1] == done


# -- an edit that keeps the weights stores none: it names the entry that holds them ---------
def big(network_id: str) -> StoredNetwork:
    """A network of 16,576 weights and biases (132,608 bytes) and a dataset: a window of 16
    entries, thinned at every entry."""
    rng = np.random.default_rng(3)
    params = nn.init_params([64, 128, 64], 3)
    data = (rng.normal(size=(6, 64)), rng.uniform(size=(6, 64)))
    return StoredNetwork(network_id, NetworkSettings(name="big"), 3, params, data)


WEIGHT_BYTES = 8 * (64 * 128 + 128 + 128 * 64 + 64)


def rate(value: float):
    def change(n: StoredNetwork) -> None:
        n.settings = n.settings.model_copy(update={"learning_rate": value})

    return change


def database_bytes(store, backend: str) -> int:
    """The bytes the database holds, read behind the store: SQLite's pages in use, or
    PostgreSQL's relations of the networks and their histories (TOAST and indexes too)."""
    if backend == "sqlite":
        sql = (
            "SELECT (c.page_count - f.freelist_count) * s.page_size "
            "FROM pragma_page_count c, pragma_freelist_count f, pragma_page_size s"
        )
    else:
        sql = (
            "SELECT SUM(pg_total_relation_size(t)) FROM unnest(ARRAY["
            "'networks', 'history', 'history_configs']::regclass[]) t"
        )
    with store.reading() as conn:
        return int(conn.raw.execute(sql).fetchone()[0])


def bits(n: StoredNetwork | nn.Params) -> bytes:
    params = n if isinstance(n, nn.Params) else n.params
    return b"".join(a.tobytes() for a in [*params.weights, *params.biases])


def test_a_settings_edit_stores_no_weights_and_its_entry_reads_back_bit_for_bit(
    make_store, backend
):
    store = make_store()
    store.create(big("a"))
    store.modify("a", bump)
    stepped = store.get("a")
    used = database_bytes(store, backend)
    states = []
    for k in range(10):
        store.modify("a", rate(0.1 + k / 100))
        states.append(store.get("a"))
    # ten copies of the weights would be 1.3 MB; the ten entries and configs hold far less
    assert database_bytes(store, backend) - used < WEIGHT_BYTES
    fresh = make_store(cache_networks=0)  # another worker, reading the database alone
    current, entries = fresh.history("a")
    assert current == 11 and [e.kind for e in entries[-10:]] == ["edit"] * 10
    for entry, state in zip(entries[-10:], states, strict=True):
        past = fresh.recorded("a", entry.updates, entry.seq)
        past.version = state.version
        same(past, state)
        assert bits(past) == bits(stepped)
    assert [bits(p) for _, _, p in fresh.trace("a")][1:] == [bits(stepped)] * 11


def test_thinning_the_entry_that_holds_shared_weights_keeps_them(make_store, backend):
    store = make_store()
    store.create(big("a"))
    store.modify("a", bump)  # entry 1 holds the weights entries 2 to 40 name
    stepped = bits(store.get("a"))
    for k in range(39):
        store.modify("a", rate(0.1 + k / 100))
    size = window(WEIGHT_BYTES // 8)
    seqs = [e.seq for e in store.history("a")[1]]
    assert 1 not in seqs and seqs == sorted(set(range(41)) - set(thinned(range(41), size)))
    fresh = make_store(cache_networks=0)
    for seq in seqs[1:]:
        assert bits(fresh.recorded("a", 1, seq)) == stepped
    assert bits(fresh.recorded("a", 0)) == bits(big("a"))
    # a rewind to an entry that names the weights, then a step from it
    then = fresh.recorded("a", 1, 20)

    def back(n):
        n.params, n.settings, n.rewound = then.params, then.settings, then.head

    store.modify("a", back)
    assert bits(store.get("a")) == stepped and store.history("a")[0] == 20
    store.modify("a", bump)
    assert bits(make_store(cache_networks=0).recorded("a", 2)) == bits(store.get("a"))


def test_dropping_an_old_dataset_keeps_the_weights_a_later_entry_names(
    make_store, backend, monkeypatch
):
    store = make_store()
    store.create(big("a"))
    store.modify("a", bump)  # entry 1: the weights
    store.modify("a", rate(0.2))  # entry 2 names entry 1's

    def new_dataset(n):
        n.dataset = (n.dataset[0] + 1.0, n.dataset[1])

    monkeypatch.setattr(history, "DATASET_BYTES", 0)  # every earlier dataset goes at once
    store.modify("a", new_dataset)  # entry 3 names them too; entries 0 to 2 go
    now = store.get("a")
    current, entries = store.history("a")
    assert (current, [e.seq for e in entries]) == (3, [3])
    past = make_store(cache_networks=0).recorded("a", 1, 3)
    past.version = now.version
    same(past, now)

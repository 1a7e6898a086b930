"""Small changes applied by the event loop itself, and FULL's fsync of the WAL on its own
thread: same results and the same promise as the writer thread's path, and the loop never
waits for a lock or the disk."""

from __future__ import annotations

import asyncio
import itertools
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import nn
from app.schemas import Settings
from app.store import SQLiteStore, StoredNetwork, StoreUnavailable
from app.store import wal_sync as wal_sync_module


def network(network_id: str) -> StoredNetwork:
    return StoredNetwork(network_id, Settings(), 0, nn.init_params([2, 2, 1], 0), None)


def bump(n: StoredNetwork) -> tuple[int, str]:
    n.params = nn.Params([w + 1.0 for w in n.params.weights], n.params.biases)
    n.updates += 1
    return n.updates, threading.current_thread().name


def always(_: StoredNetwork) -> bool:
    return True


@pytest.fixture(params=["FULL", "NORMAL"])
def store(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[SQLiteStore]:
    s = SQLiteStore(str(tmp_path / "db.sqlite3"), request.param)
    s.create(network("n"))
    s.get("n")  # seen, so small changes may run on the loop
    yield s
    s.close()


def test_small_changes_run_on_the_loop_in_order(store: SQLiteStore) -> None:
    async def main() -> list[tuple[int, str]]:
        return await asyncio.gather(*(store.modify_async("n", bump, always) for _ in range(40)))

    results = asyncio.run(main())
    assert [r[0] for r in results] == list(range(1, 41))
    assert {r[1] for r in results} == {"MainThread"}  # the loop's thread, no hand-off
    assert store.get("n").updates == 40
    expected = nn.init_params([2, 2, 1], 0).weights[0]
    for _ in range(40):
        expected = expected + 1.0  # the same 40 additions, in order
    assert (store.get("n").params.weights[0] == expected).all()


def test_unseen_or_big_changes_go_to_the_writer(store: SQLiteStore) -> None:
    store.create(network("unseen"))
    calls = iter([True, False])  # small when last seen, big once loaded: the writer runs it

    async def main() -> list[tuple[int, str]]:
        return [
            await store.modify_async("unseen", bump, always),
            await store.modify_async("n", bump, lambda n: next(calls)),
            await store.modify_async("n", bump),  # no `cheap`: never on the loop
        ]

    results = asyncio.run(main())
    assert [r[0] for r in results] == [1, 1, 2]
    assert {r[1] for r in results} == {"backprop-writer"}


def test_the_loop_does_not_wait_for_another_workers_lock(store: SQLiteStore) -> None:
    """A second connection stands for another worker process holding the write lock for
    1 s: the loop hands the change to the writer thread (which waits) and keeps ticking. Had
    the loop waited for the lock, it could not run the release it schedules itself, and a
    tick would be missing for the whole busy timeout (10 s)."""
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ticks: list[float] = []

    async def ticker() -> None:
        for _ in range(40):
            ticks.append(time.monotonic())
            await asyncio.sleep(0.02)

    async def main() -> tuple[int, str]:
        release = asyncio.get_running_loop().call_later(1.0, other.execute, "COMMIT")
        try:
            result, _ = await asyncio.gather(store.modify_async("n", bump, always), ticker())
        finally:
            release.cancel()
        return result

    result = asyncio.run(main())
    other.close()
    assert result == (1, "backprop-writer")
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert max(gaps) < 0.9, gaps  # never stopped for as long as the lock was held


def test_full_answers_only_after_the_wal_is_fsynced(tmp_path: Path, monkeypatch) -> None:
    synced = threading.Event()
    release = threading.Event()
    paths: list[str] = []
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        paths.append(os.readlink(f"/proc/self/fd/{fd}"))
        synced.set()
        release.wait(5)
        real_fsync(fd)

    store = SQLiteStore(str(tmp_path / "db.sqlite3"), "FULL")
    try:
        store.create(network("n"))
        store.get("n")
        monkeypatch.setattr(wal_sync_module.os, "fsync", slow_fsync)

        async def main() -> tuple[int, str]:
            task = asyncio.ensure_future(store.modify_async("n", bump, always))
            deadline = time.monotonic() + 5
            while not synced.is_set():
                assert not task.done(), "answered before any fsync of the WAL"
                assert time.monotonic() < deadline, "the WAL was never fsynced"
                await asyncio.sleep(0.005)
            await asyncio.sleep(0.05)
            assert not task.done()  # committed, visible, but not yet answered
            release.set()
            return await task

        assert asyncio.run(main())[0] == 1
        assert any(p.endswith("db.sqlite3-wal") for p in paths), paths
    finally:
        release.set()
        store.close()


def test_a_failed_fsync_is_a_refusal_not_an_acknowledgement(tmp_path: Path, monkeypatch) -> None:
    store = SQLiteStore(str(tmp_path / "db.sqlite3"), "FULL")
    try:
        store.create(network("n"))
        store.get("n")

        def broken(fd: int) -> None:
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(wal_sync_module.os, "fsync", broken)
        with pytest.raises(StoreUnavailable, match="durable"):
            asyncio.run(store.modify_async("n", bump, always))
    finally:
        monkeypatch.undo()
        store.close()


def test_normal_has_no_fsync_thread(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "db.sqlite3"), "NORMAL")
    try:
        assert store._wal_sync is None
    finally:
        store.close()

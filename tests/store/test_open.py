"""Opening and closing the store: worker processes that start together on a new database file
all open it (`uvicorn --workers 2` on a fresh volume), and a store closed while another
thread still reads from it does not take the process down."""

from __future__ import annotations

import contextlib
import multiprocessing
import sqlite3
import threading
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from app.store import SQLiteStore, StoreUnavailable
from app.store.rows import COLUMNS
from tests.store.conftest import execute
from tests.store.test_contract import network

COPY = COLUMNS.replace("id,", "id || random(),", 1)


def open_store(path: str, start: Barrier, results: Any) -> None:
    start.wait()
    try:
        SQLiteStore(path).close()
        results.put("opened")
    except Exception as error:  # the test counts them
        results.put(f"{type(error).__name__}: {error}")


def test_processes_opening_a_new_file_at_once_all_open_it(tmp_path: Path):
    # Before the fix, 9 to 19 of 180 such opens failed with "database is locked".
    context = multiprocessing.get_context("fork")
    outcomes: list[str] = []
    for trial in range(60):
        path = str(tmp_path / f"{trial}.sqlite3")
        start, results = context.Barrier(3), context.Queue()
        processes = [
            context.Process(target=open_store, args=(path, start, results)) for _ in range(3)
        ]
        for p in processes:
            p.start()
        outcomes += [results.get(timeout=30) for _ in processes]
        for p in processes:
            p.join(30)
    failed = [o for o in outcomes if o != "opened"]
    assert not failed, f"{len(failed)} of {len(outcomes)}: {failed[:3]}"


def close_while_counting(path: str, rounds: int) -> None:
    for round in range(rounds):
        store = SQLiteStore(path)
        counting = threading.Event()

        def count(store: SQLiteStore = store, counting: threading.Event = counting) -> None:
            counting.set()
            with contextlib.suppress(StoreUnavailable, sqlite3.ProgrammingError):
                store.count()  # a few milliseconds inside SQLite, which the close falls into

        counter = threading.Thread(target=count)
        counter.start()
        counting.wait(10)
        time.sleep(0.0005 * (round % 8))
        store.close()  # the server stopping while a worker thread still reads
        counter.join(30)


def test_closing_the_store_while_a_thread_reads_does_not_crash(tmp_path: Path):
    # Closing the reader's connection under it was a segmentation fault within a few rounds.
    path = str(tmp_path / "db.sqlite3")
    store = SQLiteStore(path)
    store.create(network("n"))
    for _ in range(17):  # 131,072 networks, copied inside SQLite
        execute(store, f"INSERT INTO networks ({COLUMNS}) SELECT {COPY} FROM networks")
    store.close()
    child = multiprocessing.get_context("fork").Process(
        target=close_while_counting, args=(path, 100)
    )
    child.start()
    child.join(120)
    assert child.exitcode == 0, f"the process ended with {child.exitcode}"

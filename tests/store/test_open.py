"""Opening the store: worker processes that start together on a new database file all open
it (`uvicorn --workers 2` on a fresh volume)."""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from app.store import SQLiteStore


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

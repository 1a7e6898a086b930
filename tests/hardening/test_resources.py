"""Resources stay bounded under the server's thread churn (found by bench/soak.py).

The thread pool that runs the routes retires idle threads and starts new ones; each thread
opens its own SQLite connection. Connections of retired threads must be closed, or every
quiet moment in a class costs file descriptors until the process runs out of them."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from app.store import SQLiteStore


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_connections_of_finished_threads_are_closed(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "churn.sqlite3"))
    try:

        def touch() -> None:
            store.count()

        def one_thread() -> None:
            thread = threading.Thread(target=touch)
            thread.start()
            thread.join()

        one_thread()
        baseline = open_fds()
        for _ in range(100):  # a hundred retired pool threads
            one_thread()
        assert open_fds() - baseline <= 3  # at most the latest thread's connection
    finally:
        store.close()

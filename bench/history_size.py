"""Bytes a network's history takes in SQLite after 1,000 updates (one step each).

For XOR 2-2-1 and a 2-8-8-8-8-1 network: the pages of the history's two tables (SQLite's
dbstat), and the whole database file against the same network with no history rows, so the
per-network cost is read off directly.

    .venv/bin/python -m bench.history_size [--updates 1000]
"""

from __future__ import annotations

import argparse
import itertools
import sqlite3
import tempfile
from pathlib import Path

from app import nn
from app.schemas import NetworkSettings
from app.store import SQLiteStore, StoredNetwork
from app.store.history import window

DATA = ([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]])


def step(network: StoredNetwork) -> None:
    import numpy as np

    x, y = (np.array(a, dtype=float) for a in DATA)
    cfg = nn.Config(learning_rate=0.5)
    network.params = nn.train(network.params, cfg, x, y, mode="batch", epochs=1).params
    network.updates += 1


def measure(layers: list[int], updates: int, folder: Path) -> tuple[int, int, int]:
    import numpy as np

    path = folder / f"{'-'.join(map(str, layers))}.sqlite3"
    store = SQLiteStore(str(path), cache_networks=0)
    data = tuple(np.array(a, dtype=float) for a in DATA)
    store.create(StoredNetwork("n", NetworkSettings(), 0, nn.init_params(layers, 0), data))
    for _ in range(updates):
        store.modify("n", step)
    entries = len(store.history("n")[1])
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (pages,) = conn.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'history%' "
            "OR name LIKE 'sqlite_autoindex_history%'"
        ).fetchone()
        conn.execute("VACUUM")
    return entries, int(pages), path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=1000)
    args = parser.parse_args()
    print(f"| network | weights | window | entries after {args.updates} | bytes | per entry |")
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as folder:
        for layers in ([2, 2, 1], [2, 8, 8, 8, 8, 1]):
            params = sum(a * b + b for a, b in itertools.pairwise(layers))
            entries, size, _ = measure(layers, args.updates, Path(folder))
            print(
                f"| {'-'.join(map(str, layers))} | {params} | {window(params)} | {entries} "
                f"| {size:,} | {size // entries:,} |"
            )


if __name__ == "__main__":
    main()

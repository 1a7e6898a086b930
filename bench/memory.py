"""Memory: the server's RSS with 10,000 stored small networks, and one network's size on disk.

The networks (the default preset, 2-2-1 with 4 examples) are written straight into a fresh
SQLite file with the app's own store, then a server (1 worker) starts on it and reads every
one of them over HTTP. The store keeps only the most recently used networks decoded
(BACKPROP_CACHE_NETWORKS, 1024 by default), so RSS should not grow with the number stored
or read past that.

    .venv/bin/python -m bench.memory [--networks 10000] [--preset xor]
"""

from __future__ import annotations

import argparse
import http.client
import json
import sqlite3
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from app.networks.edits import build
from app.schemas import NetworkCreate
from app.store import SQLiteStore
from bench.server import Server, command_line, machine, table


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def fill(database: Path, count: int, preset: str) -> list[str]:
    store = SQLiteStore(str(database), "NORMAL")
    ids = []
    for _ in range(count):
        network = build(NetworkCreate(preset=preset))
        store.create(network)
        ids.append(network.id)
    store.close()
    return ids


def read_all(port: int, ids: list[str], clients: int = 4) -> int:
    """GET every network once; returns how many answered 200."""

    def part(chunk: list[str]) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        ok = 0
        for network_id in chunk:
            conn.request("GET", f"/api/networks/{network_id}")
            response = conn.getresponse()
            response.read()
            ok += response.status == 200
        conn.close()
        return ok

    chunks = [ids[i::clients] for i in range(clients)]
    with ThreadPoolExecutor(clients) as pool:
        return sum(pool.map(part, chunks))


def on_disk(database: Path) -> tuple[int, float, float]:
    """Rows, the mean bytes of one row's columns, and the file's bytes per row."""
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
        rows, payload = conn.execute(
            "SELECT COUNT(*), AVG(length(id) + length(layers) + length(settings) + 8 + "
            "length(params) + IFNULL(length(dataset), 0) + 8 * 5) FROM networks"
        ).fetchone()
    return int(rows), float(payload), database.stat().st_size / max(int(rows), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", type=int, default=10_000)
    parser.add_argument("--preset", default="xor")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="backprop-memory-") as tmp:
        database = Path(tmp) / "memory.sqlite3"
        started = time.monotonic()
        ids = fill(database, args.networks, args.preset)
        filled = time.monotonic() - started
        empty = Path(tmp) / "empty.sqlite3"
        rows: list[list[str]] = []
        with Server(database=empty) as server:
            rows.append(["empty database, after start", f"{rss_kib(server.pids()) / 1024:.1f}"])
        with Server(database=database) as server:
            rows.append(
                [f"{args.networks:,} stored, after start", f"{rss_kib(server.pids()) / 1024:.1f}"]
            )
            read = read_all(server.port, ids)
            rows.append(
                [f"after reading all {read:,} over HTTP", f"{rss_kib(server.pids()) / 1024:.1f}"]
            )
            read_all(server.port, ids)
            rows.append(["after reading them all again", f"{rss_kib(server.pids()) / 1024:.1f}"])
        count, payload, per_row = on_disk(database)
        layers = json.loads(
            sqlite3.connect(database).execute("SELECT layers FROM networks").fetchone()[0]
        )

    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    print(
        f"{args.networks:,} networks of preset {args.preset!r} (layers {layers}) written in "
        f"{filled:.1f} s; 1 uvicorn worker"
    )
    print(table(["server", "RSS MiB"], rows))
    print(
        table(
            ["on disk", "bytes"],
            [
                ["one network's columns (mean)", f"{payload:.0f}"],
                [f"database file ÷ {count:,} networks, after VACUUM", f"{per_row:.0f}"],
            ],
        )
    )


if __name__ == "__main__":
    main()
